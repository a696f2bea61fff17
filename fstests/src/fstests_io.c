/*
 * fstests_io: one file, a list of commands (in the manner of xfs_io), for tests that need a
 * system call the shell has no tool for.
 *
 *   fstests_io [-r] [-t] [-a] [-s] [-d] [-T] -c COMMAND [-c COMMAND]... PATH
 *
 * PATH is opened read-write and created if missing (-r: read-only, not created; -t O_TRUNC;
 * -a O_APPEND; -s O_SYNC; -d O_DIRECT; -T: PATH is a directory, open an O_TMPFILE in it).
 * Commands (numbers take K/M/G suffixes):
 *   pwrite [-S BYTE] OFF LEN    write LEN bytes of BYTE (default 0xcd) at OFF
 *   write [-S BYTE] LEN         write(2) LEN bytes at the file offset (the end with -a)
 *   pread OFF LEN               read; prints "read N bytes at OFF" and a checksum
 *   truncate LEN                ftruncate
 *   falloc MODE OFF LEN         fallocate: alloc, keep, punch, zero, zerokeep, collapse, insert
 *   seek data|hole OFF          lseek SEEK_DATA/SEEK_HOLE; prints "data N", "hole N" or "... ENXIO"
 *   fsync | fdatasync | syncfs
 *   stat                        prints "size N blocks N" (blocks of 512 bytes)
 *   mwrite OFF LEN BYTE         MAP_SHARED mapping of the range, filled with BYTE, msync'd
 *   mread OFF LEN               prints the checksum of the mapped range
 *   link NEWPATH                linkat of the open file (an O_TMPFILE) to NEWPATH
 * A failing command prints "COMMAND: error" on stderr; the others still run; exit 1 then.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/falloc.h>
#include "fstests.h"

#define MAX_COMMANDS 256
#define BUF_ALIGN 4096

static int failed;

static long long number(const char *s)
{
	return fstests_number("fstests_io", s, 1);
}

/* FNV-1a over the bytes: a checksum tests can compare between runs and filesystems. */
static uint64_t checksum(const unsigned char *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static void fail(const char *cmd)
{
	fprintf(stderr, "%s: %s\n", cmd, strerror(errno));
	failed = 1;
}

static void *buffer(size_t len, int fill)
{
	void *p;
	if (posix_memalign(&p, BUF_ALIGN, len ? len : 1)) {
		perror("fstests_io: memory");
		exit(2);
	}
	memset(p, fill, len);
	return p;
}

static int falloc_mode(const char *m)
{
	if (!strcmp(m, "alloc")) return 0;
	if (!strcmp(m, "keep")) return FALLOC_FL_KEEP_SIZE;
	if (!strcmp(m, "punch")) return FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	if (!strcmp(m, "zero")) return FALLOC_FL_ZERO_RANGE;
	if (!strcmp(m, "zerokeep")) return FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
	if (!strcmp(m, "collapse")) return FALLOC_FL_COLLAPSE_RANGE;
	if (!strcmp(m, "insert")) return FALLOC_FL_INSERT_RANGE;
	fprintf(stderr, "fstests_io: unknown fallocate mode %s\n", m);
	exit(2);
}

static void run(int fd, char *line)
{
	char *argv[8];
	int argc = 0;
	for (char *w = strtok(line, " "); w && argc < 8; w = strtok(NULL, " "))
		argv[argc++] = w;
	if (argc == 0)
		return;
	const char *cmd = argv[0];
	int fill = 0xcd, a = 1;
	if (argc > 2 && !strcmp(argv[1], "-S")) {
		fill = (int)number(argv[2]);
		a = 3;
	}
#define NEED(n) do { if (argc - a < (n)) { fprintf(stderr, "fstests_io: %s needs %d arguments\n", cmd, (n)); exit(2); } } while (0)
	if (!strcmp(cmd, "pwrite")) {
		NEED(2);
		long long off = number(argv[a]), len = number(argv[a + 1]);
		char *b = buffer(len, fill);
		for (long long done = 0; done < len;) {
			ssize_t n = pwrite(fd, b + done, len - done, off + done);
			if (n < 0) { fail(cmd); break; }
			done += n;
		}
		free(b);
	} else if (!strcmp(cmd, "write")) {
		NEED(1);
		long long len = number(argv[a]);
		char *b = buffer(len, fill);
		ssize_t n = write(fd, b, len);
		if (n < 0) fail(cmd);
		else if (n != len) fprintf(stderr, "write: short write %zd of %lld\n", n, len), failed = 1;
		free(b);
	} else if (!strcmp(cmd, "pread")) {
		NEED(2);
		long long off = number(argv[a]), len = number(argv[a + 1]), done = 0;
		unsigned char *b = buffer(len, 0);
		while (done < len) {
			ssize_t n = pread(fd, b + done, len - done, off + done);
			if (n < 0) { fail(cmd); break; }
			if (n == 0) break;
			done += n;
		}
		printf("read %lld bytes at %lld sum %016llx\n", done, off,
		       (unsigned long long)checksum(b, done, 0xcbf29ce484222325ULL));
		free(b);
	} else if (!strcmp(cmd, "truncate")) {
		NEED(1);
		if (ftruncate(fd, number(argv[a]))) fail(cmd);
	} else if (!strcmp(cmd, "falloc")) {
		NEED(3);
		if (fallocate(fd, falloc_mode(argv[a]), number(argv[a + 1]), number(argv[a + 2]))) fail(cmd);
	} else if (!strcmp(cmd, "seek")) {
		NEED(2);
		int whence = !strcmp(argv[a], "data") ? SEEK_DATA : SEEK_HOLE;
		off_t r = lseek(fd, number(argv[a + 1]), whence);
		if (r < 0 && errno == ENXIO) printf("%s ENXIO\n", argv[a]);
		else if (r < 0) fail(cmd);
		else printf("%s %lld %lld\n", argv[a], number(argv[a + 1]), (long long)r);
	} else if (!strcmp(cmd, "fsync")) {
		if (fsync(fd)) fail(cmd);
	} else if (!strcmp(cmd, "fdatasync")) {
		if (fdatasync(fd)) fail(cmd);
	} else if (!strcmp(cmd, "syncfs")) {
		if (syncfs(fd)) fail(cmd);
	} else if (!strcmp(cmd, "stat")) {
		struct stat st;
		if (fstat(fd, &st)) fail(cmd);
		else printf("size %lld blocks %lld\n", (long long)st.st_size, (long long)st.st_blocks);
	} else if (!strcmp(cmd, "mwrite") || !strcmp(cmd, "mread")) {
		int writing = cmd[1] == 'w';
		NEED(writing ? 3 : 2);
		long long off = number(argv[a]), len = number(argv[a + 1]);
		long long start = off & ~(long long)(BUF_ALIGN - 1), skip = off - start;
		unsigned char *m = mmap(NULL, len + skip, writing ? PROT_READ | PROT_WRITE : PROT_READ,
					MAP_SHARED, fd, start);
		if (m == MAP_FAILED) { fail(cmd); return; }
		if (writing) {
			memset(m + skip, (int)number(argv[a + 2]), len);
			if (msync(m, len + skip, MS_SYNC)) fail(cmd);
		} else {
			printf("mapped %lld bytes at %lld sum %016llx\n", len, off,
			       (unsigned long long)checksum(m + skip, len, 0xcbf29ce484222325ULL));
		}
		munmap(m, len + skip);
	} else if (!strcmp(cmd, "link")) {
		NEED(1);
		char proc[64];
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, argv[a], AT_SYMLINK_FOLLOW)) fail(cmd);
	} else {
		fprintf(stderr, "fstests_io: unknown command %s\n", cmd);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	char *commands[MAX_COMMANDS];
	int ncommands = 0, flags = O_RDWR | O_CREAT, tmpfile = 0, opt;
	while ((opt = getopt(argc, argv, "rtasdTc:")) != -1) {
		switch (opt) {
		case 'r': flags = (flags & ~(O_RDWR | O_CREAT)) | O_RDONLY; break;
		case 't': flags |= O_TRUNC; break;
		case 'a': flags |= O_APPEND; break;
		case 's': flags |= O_SYNC; break;
		case 'd': flags |= O_DIRECT; break;
		case 'T': tmpfile = 1; break;
		case 'c':
			if (ncommands == MAX_COMMANDS) { fprintf(stderr, "fstests_io: too many commands\n"); return 2; }
			commands[ncommands++] = optarg;
			break;
		default:
			fprintf(stderr, "usage: fstests_io [-rtasdT] -c COMMAND... PATH\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: fstests_io [-rtasdT] -c COMMAND... PATH\n");
		return 2;
	}
	if (tmpfile)
		flags = (flags & ~O_CREAT) | O_TMPFILE;
	int fd = open(argv[optind], flags, 0644);
	if (fd < 0) {
		fprintf(stderr, "open: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < ncommands; i++)
		run(fd, commands[i]);
	if (close(fd)) fail("close");
	return failed;
}
