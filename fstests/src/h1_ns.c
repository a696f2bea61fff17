/*
 * h1_ns: namespace system calls one after another in one process, each printing one line:
 * "ok" or the error's name (EEXIST, ENOENT, ...), so that tests see exactly which error.
 *
 *   h1_ns COMMAND ARGS... [COMMAND ARGS...]...
 *
 * Each command takes a fixed number of arguments (names are passed as bytes, any byte but
 * NUL; relative paths are resolved against the process's working directory, see chdir):
 *   mkdir P | rmdir P | unlink P | creat P (O_CREAT|O_EXCL) | touch P (O_CREAT)
 *   mknod P fifo|sock|chr|blk      (chr and blk: device 1:3)
 *   link OLD NEW | linkf OLD NEW (linkat AT_SYMLINK_FOLLOW) | symlink TARGET P | rename OLD NEW
 *   stat P | lstat P               prints "ok" or the error
 *   kind P                         prints the lstat file type: file dir symlink fifo sock chr blk
 *   nlink P                        prints "nlink N" (stat)
 *   ino P                          prints the stat inode number (for comparisons inside a test)
 *   readlink P                     prints "len N" (the target's length) or the error
 *   readdir P                      opens P and reads it with getdents64 to the end: "entries N"
 *                                  (. and .. included) or the error of open or getdents64
 *   chdir P | getcwd (prints "ok" or the error; uses the system call itself)
 *   open N P FLAGS                 fd slot N (0-9); FLAGS: comma list of r w rw creat excl trunc
 *                                  append nofollow directory path
 *   close N | fchdir N
 *   pwrite N OFF LEN BYTE          prints "ok" or the error
 *   pread N OFF LEN BYTE           prints "read K all BYTE" or "read K mixed" or the error
 *   fstat N                        prints "nlink K"
 *   fsize N                        prints "size S"
 *   utimens P A M | lutimens P A M utimensat (lutimens: AT_SYMLINK_NOFOLLOW); A and M are
 *                                  now, omit or SEC:NSEC (SEC may be negative)
 *   futimens N A M
 *   times P | ltimes P             prints "atime S N mtime S N ctime S N"
 *   linkmany OLD PREFIX MAX        links OLD as PREFIX0.. until an error or MAX links: "made K ERR" (ERR max: no error)
 *   mkmany PREFIX N                creates PREFIX0..PREFIX(N-1): "ok" or "failed at K: ERR"
 *   rmmany PREFIX N                unlinks them the same way (names already gone are skipped)
 *   statmany PREFIX N STEP         lstats PREFIX0, PREFIX(STEP), ...: "ok K" or "failed at K: ERR"
 *   echo WORD                      prints WORD (labels between results)
 *   sleep SECS                     sleeps (fractions allowed); prints nothing
 *   run SHELLCMD                   runs SHELLCMD with sh -c while the fds stay open; prints nothing
 *                                  itself (the command's own output goes to stdout)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static int fds[10] = { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };

static void result(int r)
{
	if (r == 0)
		puts("ok");
	else
		puts(strerrorname_np(errno) ? strerrorname_np(errno) : "E?");
}

static int err(void)
{
	puts(strerrorname_np(errno) ? strerrorname_np(errno) : "E?");
	return 1;
}

static long long num(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 0);
	if (*s == '\0' || *end != '\0') {
		fprintf(stderr, "h1_ns: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

static int slot(const char *s)
{
	long long n = num(s);
	if (n < 0 || n > 9) {
		fprintf(stderr, "h1_ns: fd slot must be 0-9: %s\n", s);
		exit(2);
	}
	return (int)n;
}

static int open_flags(const char *s)
{
	int f = 0, acc = O_RDONLY;
	char *copy = strdup(s), *save;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "r")) acc = O_RDONLY;
		else if (!strcmp(w, "w")) acc = O_WRONLY;
		else if (!strcmp(w, "rw")) acc = O_RDWR;
		else if (!strcmp(w, "creat")) f |= O_CREAT;
		else if (!strcmp(w, "excl")) f |= O_EXCL;
		else if (!strcmp(w, "trunc")) f |= O_TRUNC;
		else if (!strcmp(w, "append")) f |= O_APPEND;
		else if (!strcmp(w, "nofollow")) f |= O_NOFOLLOW;
		else if (!strcmp(w, "directory")) f |= O_DIRECTORY;
		else if (!strcmp(w, "path")) f |= O_PATH;
		else { fprintf(stderr, "h1_ns: unknown open flag %s\n", w); exit(2); }
	}
	free(copy);
	return f | acc;
}

static struct timespec ts(const char *s)
{
	struct timespec t = { 0, 0 };
	if (!strcmp(s, "now")) t.tv_nsec = UTIME_NOW;
	else if (!strcmp(s, "omit")) t.tv_nsec = UTIME_OMIT;
	else {
		char *colon = strchr(s, ':');
		if (!colon) { fprintf(stderr, "h1_ns: time must be now, omit or SEC:NSEC: %s\n", s); exit(2); }
		char *sec = strndup(s, colon - s);
		t.tv_sec = num(sec);
		t.tv_nsec = num(colon + 1);
		free(sec);
	}
	return t;
}

static void print_times(const struct stat *st)
{
	printf("atime %lld %ld mtime %lld %ld ctime %lld %ld\n",
	       (long long)st->st_atim.tv_sec, st->st_atim.tv_nsec,
	       (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
	       (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

static const char *kind(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return "file";
	case S_IFDIR: return "dir";
	case S_IFLNK: return "symlink";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "sock";
	case S_IFCHR: return "chr";
	case S_IFBLK: return "blk";
	}
	return "unknown";
}

int main(int argc, char **argv)
{
	int status = 0;
	int a = 1;
#define NEED(n) do { if (argc - a < (n)) { fprintf(stderr, "h1_ns: %s needs %d arguments\n", cmd, (n)); return 2; } } while (0)
	while (a < argc) {
		const char *cmd = argv[a++];
		struct stat st;
		int r = 0;
		if (!strcmp(cmd, "mkdir")) {
			NEED(1); result(r = mkdir(argv[a], 0777)); a += 1;
		} else if (!strcmp(cmd, "rmdir")) {
			NEED(1); result(r = rmdir(argv[a])); a += 1;
		} else if (!strcmp(cmd, "unlink")) {
			NEED(1); result(r = unlink(argv[a])); a += 1;
		} else if (!strcmp(cmd, "creat") || !strcmp(cmd, "touch")) {
			NEED(1);
			int fd = open(argv[a], O_CREAT | O_WRONLY | (cmd[0] == 'c' ? O_EXCL : 0), 0666);
			if (fd >= 0) close(fd);
			result(r = fd < 0 ? -1 : 0);
			a += 1;
		} else if (!strcmp(cmd, "mknod")) {
			NEED(2);
			mode_t m = !strcmp(argv[a + 1], "fifo") ? S_IFIFO : !strcmp(argv[a + 1], "sock") ? S_IFSOCK :
				   !strcmp(argv[a + 1], "chr") ? S_IFCHR : !strcmp(argv[a + 1], "blk") ? S_IFBLK : 0;
			if (!m) { fprintf(stderr, "h1_ns: mknod type fifo|sock|chr|blk\n"); return 2; }
			result(r = mknod(argv[a], m | 0644, (m == S_IFCHR || m == S_IFBLK) ? makedev(1, 3) : 0));
			a += 2;
		} else if (!strcmp(cmd, "link")) {
			NEED(2); result(r = link(argv[a], argv[a + 1])); a += 2;
		} else if (!strcmp(cmd, "linkf")) {
			NEED(2); result(r = linkat(AT_FDCWD, argv[a], AT_FDCWD, argv[a + 1], AT_SYMLINK_FOLLOW)); a += 2;
		} else if (!strcmp(cmd, "symlink")) {
			NEED(2); result(r = symlink(argv[a], argv[a + 1])); a += 2;
		} else if (!strcmp(cmd, "rename")) {
			NEED(2); result(r = rename(argv[a], argv[a + 1])); a += 2;
		} else if (!strcmp(cmd, "stat")) {
			NEED(1); result(r = stat(argv[a], &st)); a += 1;
		} else if (!strcmp(cmd, "lstat")) {
			NEED(1); result(r = lstat(argv[a], &st)); a += 1;
		} else if (!strcmp(cmd, "kind")) {
			NEED(1);
			if ((r = lstat(argv[a], &st))) err();
			else puts(kind(st.st_mode));
			a += 1;
		} else if (!strcmp(cmd, "nlink")) {
			NEED(1);
			if ((r = stat(argv[a], &st))) err();
			else printf("nlink %lu\n", (unsigned long)st.st_nlink);
			a += 1;
		} else if (!strcmp(cmd, "ino")) {
			NEED(1);
			if ((r = stat(argv[a], &st))) err();
			else printf("%llu\n", (unsigned long long)st.st_ino);
			a += 1;
		} else if (!strcmp(cmd, "readlink")) {
			NEED(1);
			static char buf[65536];
			ssize_t n = readlink(argv[a], buf, sizeof buf);
			if (n < 0) r = err();
			else printf("len %zd\n", n);
			a += 1;
		} else if (!strcmp(cmd, "readdir")) {
			NEED(1);
			static char buf[32768];
			int fd = open(argv[a], O_RDONLY | O_DIRECTORY);
			long n = 0, count = 0;
			if (fd < 0) r = err();
			else {
				while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
					for (long off = 0; off < n; off += ((struct dirent64 *)(buf + off))->d_reclen)
						count++;
				if (n < 0) r = err();
				else printf("entries %ld\n", count);
				close(fd);
			}
			a += 1;
		} else if (!strcmp(cmd, "chdir")) {
			NEED(1); result(r = chdir(argv[a])); a += 1;
		} else if (!strcmp(cmd, "getcwd")) {
			static char buf[65536];
			long n = syscall(SYS_getcwd, buf, sizeof buf);
			if (n < 0) r = err();
			else puts("ok");
		} else if (!strcmp(cmd, "open")) {
			NEED(3);
			int s = slot(argv[a]);
			if (fds[s] >= 0) close(fds[s]);
			fds[s] = open(argv[a + 1], open_flags(argv[a + 2]), 0666);
			result(r = fds[s] < 0 ? -1 : 0);
			a += 3;
		} else if (!strcmp(cmd, "close")) {
			NEED(1);
			int s = slot(argv[a]);
			result(r = close(fds[s]));
			fds[s] = -1;
			a += 1;
		} else if (!strcmp(cmd, "fchdir")) {
			NEED(1); result(r = fchdir(fds[slot(argv[a])])); a += 1;
		} else if (!strcmp(cmd, "pwrite") || !strcmp(cmd, "pread")) {
			NEED(4);
			int fd = fds[slot(argv[a])];
			long long off = num(argv[a + 1]), len = num(argv[a + 2]), done = 0;
			int byte = (int)num(argv[a + 3]);
			unsigned char *b = malloc(len ? len : 1);
			if (cmd[1] == 'w') {
				memset(b, byte, len);
				while (done < len) {
					ssize_t n = pwrite(fd, b + done, len - done, off + done);
					if (n < 0) break;
					done += n;
				}
				if (done < len) r = err();
				else puts("ok");
			} else {
				ssize_t n = 1;
				while (done < len && n > 0) {
					n = pread(fd, b + done, len - done, off + done);
					if (n > 0) done += n;
				}
				if (n < 0) r = err();
				else {
					int all = 1;
					for (long long i = 0; i < done; i++)
						if (b[i] != byte) { all = 0; break; }
					if (all) printf("read %lld all 0x%02x\n", done, byte);
					else printf("read %lld mixed\n", done);
				}
			}
			free(b);
			a += 4;
		} else if (!strcmp(cmd, "fstat") || !strcmp(cmd, "fsize")) {
			NEED(1);
			if ((r = fstat(fds[slot(argv[a])], &st))) err();
			else if (cmd[2] == 't') printf("nlink %lu\n", (unsigned long)st.st_nlink);
			else printf("size %lld\n", (long long)st.st_size);
			a += 1;
		} else if (!strcmp(cmd, "utimens") || !strcmp(cmd, "lutimens")) {
			NEED(3);
			struct timespec t[2] = { ts(argv[a + 1]), ts(argv[a + 2]) };
			result(r = utimensat(AT_FDCWD, argv[a], t, cmd[0] == 'l' ? AT_SYMLINK_NOFOLLOW : 0));
			a += 3;
		} else if (!strcmp(cmd, "futimens")) {
			NEED(3);
			struct timespec t[2] = { ts(argv[a + 1]), ts(argv[a + 2]) };
			result(r = futimens(fds[slot(argv[a])], t));
			a += 3;
		} else if (!strcmp(cmd, "times") || !strcmp(cmd, "ltimes")) {
			NEED(1);
			r = cmd[0] == 'l' ? lstat(argv[a], &st) : stat(argv[a], &st);
			if (r) err();
			else print_times(&st);
			a += 1;
		} else if (!strcmp(cmd, "linkmany")) {
			NEED(3);
			long long max = num(argv[a + 2]), k;
			char name[4096];
			for (k = 0; k < max; k++) {
				snprintf(name, sizeof name, "%s%lld", argv[a + 1], k);
				if (link(argv[a], name)) break;
			}
			printf("made %lld %s\n", k, k < max ? strerrorname_np(errno) : "max");
			a += 3;
		} else if (!strcmp(cmd, "mkmany") || !strcmp(cmd, "rmmany") || !strcmp(cmd, "statmany")) {
			int stating = cmd[0] == 's';
			NEED(stating ? 3 : 2);
			long long n = num(argv[a + 1]), step = stating ? num(argv[a + 2]) : 1, k, count = 0;
			char name[4096];
			for (k = 0; k < n; k += step) {
				snprintf(name, sizeof name, "%s%lld", argv[a], k);
				int rr;
				if (cmd[0] == 'm') {
					int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0666);
					rr = fd < 0 ? -1 : close(fd);
				} else if (cmd[0] == 'r') {
					rr = unlink(name);
					if (rr && errno == ENOENT)
						rr = 0;
				} else {
					rr = lstat(name, &st);
				}
				if (rr) break;
				count++;
			}
			if (k < n) {
				printf("failed at %lld: %s\n", k, strerrorname_np(errno));
				r = 1;
			} else if (stating) {
				printf("ok %lld\n", count);
			} else {
				puts("ok");
			}
			a += stating ? 3 : 2;
		} else if (!strcmp(cmd, "sleep")) {
			NEED(1);
			double secs = atof(argv[a]);
			struct timespec t = { (time_t)secs, (long)((secs - (time_t)secs) * 1e9) };
			nanosleep(&t, NULL);
			a += 1;
		} else if (!strcmp(cmd, "run")) {
			NEED(1);
			fflush(stdout);
			r = system(argv[a]) != 0;
			a += 1;
		} else if (!strcmp(cmd, "echo")) {
			NEED(1); puts(argv[a]); a += 1;
		} else {
			fprintf(stderr, "h1_ns: unknown command %s\n", cmd);
			return 2;
		}
		if (r)
			status = 1;
		fflush(stdout);
	}
	return status;
}
