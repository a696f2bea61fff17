/*
 * h3_perm: one permission-sensitive system call, its result printed as "CMD ARGS: ok" or
 * "CMD ARGS: ERRNO" (the errno's name), for the perms tests run as an unprivileged user
 * (exec shows only its path).
 *
 *   h3_perm open PATH FLAGS [MODE]     FLAGS: r, w or rw, then any of c (O_CREAT), x (O_EXCL),
 *                                      t (O_TRUNC), a (O_APPEND); MODE octal (default 0666)
 *   h3_perm write PATH [OFF]           open O_WRONLY, pwrite one byte at OFF (default 0)
 *   h3_perm truncate PATH LEN          truncate(2)
 *   h3_perm ftruncate PATH LEN         open O_WRONLY, ftruncate(2)
 *   h3_perm utimens PATH ATIME MTIME   utimensat; each: now, omit or seconds since the epoch
 *   h3_perm utimens PATH null          utimensat with times NULL
 *   h3_perm utimes-null PATH           utimes(2) with times NULL
 *   h3_perm access PATH MODE [eaccess] [nofollow]  faccessat; MODE: f or any of r, w, x
 *   h3_perm chown PATH UID GID         chown(2) (-1 leaves one unchanged); lchown likewise
 *   h3_perm chmod PATH MODE            chmod(2), MODE octal
 *   h3_perm mkdir PATH MODE            mkdir(2), MODE octal
 *   h3_perm mkfifo PATH MODE           mkfifo(3)
 *   h3_perm unlink PATH | rmdir PATH   unlink(2) / rmdir(2)
 *   h3_perm rename OLD NEW             rename(2)
 *   h3_perm link OLD NEW | symlink TARGET NEW
 *   h3_perm read PATH                  open O_RDONLY and read one byte
 *   h3_perm readdir PATH               opendir and read it
 *   h3_perm stat PATH                  stat(2)
 *   h3_perm exec PATH [ARG...]         execv; prints only on failure ("exec PATH: EACCES")
 * Commands that open first (write, ftruncate, read, readdir) report a failed open as their own.
 * Exit status 1 when the call failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: h3_perm COMMAND ARGS... (see the source)\n");
	exit(2);
}

static long number(const char *s, int base)
{
	char *end;
	long v = strtol(s, &end, base);
	if (*s == '\0' || *end != '\0') {
		fprintf(stderr, "h3_perm: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

static const char *path_shown;

static int result(const char *cmd, int rc)
{
	if (rc < 0) {
		int e = errno;
		const char *n = strerrorname_np(e);
		printf("%s %s: %s\n", cmd, path_shown, n ? n : "E?");
		return 1;
	}
	printf("%s %s: ok\n", cmd, path_shown);
	return 0;
}

static int open_flags(const char *s)
{
	int f;
	if (!strncmp(s, "rw", 2)) {
		f = O_RDWR;
		s += 2;
	} else if (*s == 'r') {
		f = O_RDONLY;
		s++;
	} else if (*s == 'w') {
		f = O_WRONLY;
		s++;
	} else {
		usage();
		return 0;
	}
	for (; *s; s++) {
		switch (*s) {
		case 'c': f |= O_CREAT; break;
		case 'x': f |= O_EXCL; break;
		case 't': f |= O_TRUNC; break;
		case 'a': f |= O_APPEND; break;
		default: usage();
		}
	}
	return f;
}

static struct timespec time_word(const char *s)
{
	struct timespec t = { 0, 0 };
	if (!strcmp(s, "now"))
		t.tv_nsec = UTIME_NOW;
	else if (!strcmp(s, "omit"))
		t.tv_nsec = UTIME_OMIT;
	else
		t.tv_sec = number(s, 10);
	return t;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		usage();
	const char *cmd = argv[1], *path = argv[2];
	char shown[8192] = "";
	for (int i = 2; i < argc && strcmp(cmd, "exec"); i++) {
		strncat(shown, argv[i], sizeof(shown) - strlen(shown) - 2);
		if (i < argc - 1)
			strcat(shown, " ");
	}
	path_shown = strcmp(cmd, "exec") ? shown : path;
	int fd;

	if (!strcmp(cmd, "open") && (argc == 4 || argc == 5)) {
		fd = open(path, open_flags(argv[3]), argc == 5 ? (mode_t)number(argv[4], 8) : 0666);
		return result(cmd, fd);
	}
	if (!strcmp(cmd, "write") && (argc == 3 || argc == 4)) {
		fd = open(path, O_WRONLY);
		if (fd < 0)
			return result(cmd, fd);
		return result(cmd, (int)pwrite(fd, "x", 1, argc == 4 ? number(argv[3], 0) : 0));
	}
	if (!strcmp(cmd, "truncate") && argc == 4)
		return result(cmd, truncate(path, number(argv[3], 0)));
	if (!strcmp(cmd, "ftruncate") && argc == 4) {
		fd = open(path, O_WRONLY);
		if (fd < 0)
			return result(cmd, fd);
		return result(cmd, ftruncate(fd, number(argv[3], 0)));
	}
	if (!strcmp(cmd, "utimens") && argc == 4 && !strcmp(argv[3], "null"))
		return result(cmd, utimensat(AT_FDCWD, path, NULL, 0));
	if (!strcmp(cmd, "utimens") && argc == 5) {
		struct timespec t[2] = { time_word(argv[3]), time_word(argv[4]) };
		return result(cmd, utimensat(AT_FDCWD, path, t, 0));
	}
	if (!strcmp(cmd, "utimes-null") && argc == 3)
		return result(cmd, utimes(path, NULL));
	if (!strcmp(cmd, "access") && argc >= 4 && argc <= 6) {
		int mode = 0, flags = 0;
		for (const char *m = argv[3]; *m; m++) {
			switch (*m) {
			case 'f': mode |= F_OK; break;
			case 'r': mode |= R_OK; break;
			case 'w': mode |= W_OK; break;
			case 'x': mode |= X_OK; break;
			default: usage();
			}
		}
		for (int i = 4; i < argc; i++) {
			if (!strcmp(argv[i], "eaccess"))
				flags |= AT_EACCESS;
			else if (!strcmp(argv[i], "nofollow"))
				flags |= AT_SYMLINK_NOFOLLOW;
			else
				usage();
		}
		return result(cmd, faccessat(AT_FDCWD, path, mode, flags));
	}
	if ((!strcmp(cmd, "chown") || !strcmp(cmd, "lchown")) && argc == 5) {
		uid_t u = (uid_t)number(argv[3], 10);
		gid_t g = (gid_t)number(argv[4], 10);
		return result(cmd, cmd[0] == 'l' ? lchown(path, u, g) : chown(path, u, g));
	}
	if (!strcmp(cmd, "chmod") && argc == 4)
		return result(cmd, chmod(path, (mode_t)number(argv[3], 8)));
	if (!strcmp(cmd, "mkdir") && argc == 4)
		return result(cmd, mkdir(path, (mode_t)number(argv[3], 8)));
	if (!strcmp(cmd, "mkfifo") && argc == 4)
		return result(cmd, mkfifo(path, (mode_t)number(argv[3], 8)));
	if (!strcmp(cmd, "unlink") && argc == 3)
		return result(cmd, unlink(path));
	if (!strcmp(cmd, "rmdir") && argc == 3)
		return result(cmd, rmdir(path));
	if (!strcmp(cmd, "rename") && argc == 4)
		return result(cmd, rename(path, argv[3]));
	if (!strcmp(cmd, "link") && argc == 4)
		return result(cmd, link(path, argv[3]));
	if (!strcmp(cmd, "symlink") && argc == 4)
		return result(cmd, symlink(path, argv[3]));
	if (!strcmp(cmd, "read") && argc == 3) {
		char c;
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return result(cmd, fd);
		return result(cmd, (int)read(fd, &c, 1));
	}
	if (!strcmp(cmd, "readdir") && argc == 3) {
		DIR *d = opendir(path);
		if (!d)
			return result(cmd, -1);
		errno = 0;
		while (readdir(d))
			;
		return result(cmd, errno ? -1 : 0);
	}
	if (!strcmp(cmd, "stat") && argc == 3) {
		struct stat st;
		return result(cmd, stat(path, &st));
	}
	if (!strcmp(cmd, "exec")) {
		fflush(stdout);
		execv(path, argv + 2);
		return result(cmd, -1);
	}
	usage();
	return 2;
}
