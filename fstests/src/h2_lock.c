/*
 * h2_lock [-r] PATH -c COMMAND [-c COMMAND]...: fcntl(2) record locks, POSIX and OFD, for tests
 * of lock conflicts between processes (two h2_lock runs that wait for each other's marker files).
 * PATH is opened read-write and created if missing (-r: read-only). Commands:
 *   lock r|w|u START LEN      F_SETLK; prints "lock w 0 10: ok" or "...: EAGAIN"
 *   lockw r|w|u START LEN     F_SETLKW (gives up after 10 s: prints EINTR)
 *   test r|w START LEN        F_GETLK; prints "test w 0 10: unlocked" or "...: w 0 10 pid N"
 *   ofd, ofdw, ofdtest ...    the same with F_OFD_SETLK, F_OFD_SETLKW, F_OFD_GETLK
 *   open                      another open of PATH (a new open file description) becomes current
 *   close                     closes the current descriptor; the one before becomes current
 *   signal PATH               creates PATH (tells another process we got here)
 *   wait PATH                 waits until PATH exists (at most 20 s, then exit 3)
 *   sleep MS
 *   pid                       prints "my pid N" (to match the pid F_GETLK reports)
 *   waitblocked               waits until /proc/locks shows a request blocked on this file
 *                             (another process in F_SETLKW; at most 20 s, then exit 3)
 * Offsets are from the start of the file (l_whence SEEK_SET); LEN 0 means to the end of file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define MAX_COMMANDS 64
#define MAX_FDS 16

static const char *path;
static int oflags = O_RDWR | O_CREAT;
static int fds[MAX_FDS], nfds;
static int failed;

static void on_alarm(int sig) { (void)sig; }

static short type_of(const char *s)
{
	if (!strcmp(s, "r")) return F_RDLCK;
	if (!strcmp(s, "w")) return F_WRLCK;
	if (!strcmp(s, "u")) return F_UNLCK;
	fprintf(stderr, "h2_lock: lock type r, w or u, not %s\n", s);
	exit(2);
}

static const char *name_of(short t)
{
	return t == F_RDLCK ? "r" : t == F_WRLCK ? "w" : t == F_UNLCK ? "u" : "?";
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Whether /proc/locks has a blocked request ("N: -> ...") on the file of fd. */
static int blocked_on(int fd)
{
	struct stat st;
	char want[64], line[512];
	int found = 0;
	if (fstat(fd, &st)) return 0;
	snprintf(want, sizeof want, " %02x:%02x:%llu ", major(st.st_dev), minor(st.st_dev),
		 (unsigned long long)st.st_ino);
	FILE *f = fopen("/proc/locks", "r");
	if (!f) return 0;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, " -> ") && strstr(line, want);
	fclose(f);
	return found;
}

static void open_one(void)
{
	if (nfds == MAX_FDS) { fprintf(stderr, "h2_lock: too many opens\n"); exit(2); }
	int fd = open(path, oflags, 0644);
	if (fd < 0) { printf("open: %s\n", strerrorname_np(errno)); exit(1); }
	fds[nfds++] = fd;
}

static void run(char *line)
{
	char *argv[6];
	int argc = 0;
	for (char *w = strtok(line, " "); w && argc < 6; w = strtok(NULL, " "))
		argv[argc++] = w;
	if (argc == 0)
		return;
	const char *cmd = argv[0];
	int fd = nfds ? fds[nfds - 1] : -1;
	int ofd = !strncmp(cmd, "ofd", 3);
	const char *op = ofd ? cmd + 3 : cmd;
	if (!strcmp(op, "lock") || !strcmp(op, "lockw") || !strcmp(op, "test") || (ofd && !*op)) {
		if (ofd && !*op) op = "lock";
		if (argc != 4) { fprintf(stderr, "h2_lock: %s TYPE START LEN\n", cmd); exit(2); }
		struct flock fl = { .l_type = type_of(argv[1]), .l_whence = SEEK_SET,
				    .l_start = strtoll(argv[2], NULL, 0), .l_len = strtoll(argv[3], NULL, 0) };
		int c = !strcmp(op, "test") ? (ofd ? F_OFD_GETLK : F_GETLK)
		      : !strcmp(op, "lockw") ? (ofd ? F_OFD_SETLKW : F_SETLKW)
		      : (ofd ? F_OFD_SETLK : F_SETLK);
		if (c == F_SETLKW || c == F_OFD_SETLKW)
			alarm(10);
		int r = fcntl(fd, c, &fl);
		int e = errno;
		alarm(0);
		printf("%s %s %s %s: ", cmd, argv[1], argv[2], argv[3]);
		if (r < 0) {
			printf("%s\n", strerrorname_np(e));
			failed = 1;
		} else if (c == F_GETLK || c == F_OFD_GETLK) {
			if (fl.l_type == F_UNLCK)
				printf("unlocked\n");
			else
				printf("%s %lld %lld pid %d\n", name_of(fl.l_type), (long long)fl.l_start,
				       (long long)fl.l_len, (int)fl.l_pid);
		} else {
			printf("ok\n");
		}
	} else if (!strcmp(cmd, "open")) {
		open_one();
	} else if (!strcmp(cmd, "close")) {
		if (nfds == 0) { fprintf(stderr, "h2_lock: nothing to close\n"); exit(2); }
		if (close(fds[--nfds])) { printf("close: %s\n", strerrorname_np(errno)); failed = 1; }
	} else if (!strcmp(cmd, "signal") && argc == 2) {
		int f = open(argv[1], O_WRONLY | O_CREAT, 0644);
		if (f < 0) { printf("signal: %s\n", strerrorname_np(errno)); exit(1); }
		close(f);
	} else if (!strcmp(cmd, "wait") && argc == 2) {
		for (int i = 0; access(argv[1], F_OK); i++) {
			if (i == 2000) { printf("wait: timed out\n"); exit(3); }
			sleep_ms(10);
		}
	} else if (!strcmp(cmd, "waitblocked")) {
		for (int i = 0; !blocked_on(fd); i++) {
			if (i == 2000) { printf("waitblocked: timed out\n"); exit(3); }
			sleep_ms(10);
		}
	} else if (!strcmp(cmd, "pid")) {
		printf("my pid %d\n", (int)getpid());
	} else if (!strcmp(cmd, "sleep") && argc == 2) {
		sleep_ms(strtol(argv[1], NULL, 0));
	} else {
		fprintf(stderr, "h2_lock: unknown command %s\n", cmd);
		exit(2);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	char *commands[MAX_COMMANDS];
	int ncommands = 0, opt;
	while ((opt = getopt(argc, argv, "rc:")) != -1) {
		switch (opt) {
		case 'r': oflags = O_RDONLY; break;
		case 'c':
			if (ncommands == MAX_COMMANDS) { fprintf(stderr, "h2_lock: too many commands\n"); return 2; }
			commands[ncommands++] = optarg;
			break;
		default:
			fprintf(stderr, "usage: h2_lock [-r] PATH -c COMMAND...\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: h2_lock [-r] PATH -c COMMAND...\n");
		return 2;
	}
	path = argv[optind];
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	open_one();
	for (int i = 0; i < ncommands; i++)
		run(commands[i]);
	return failed;
}
