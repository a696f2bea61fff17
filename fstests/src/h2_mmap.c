/*
 * h2_mmap [-r] PATH -c COMMAND [-c COMMAND]...: one open file and one mapping of it kept across
 * commands, for tests of mmap against read/write/truncate. PATH is opened read-write and created
 * if missing (-r: read-only, and the mapping is read-only). A SIGBUS while touching the mapping
 * is caught: the command prints "SIGBUS" and the next one runs. Commands (numbers take K/M/G):
 *   map OFF LEN [private]     mmap LEN bytes at file offset OFF (page-aligned), MAP_SHARED
 *   unmap
 *   mwrite OFF LEN BYTE       memset through the mapping (OFF is a file offset)
 *   mread OFF LEN             prints "mapped LEN bytes at OFF sum X" (FNV-1a, as fstests_io)
 *   mbyte OFF                 prints "byte at OFF: 0xNN"
 *   msync [async]             msync of the whole mapping (MS_SYNC, or MS_ASYNC)
 *   pwrite OFF LEN BYTE       pwrite(2) LEN bytes of BYTE
 *   pread OFF LEN             pread(2); prints "read N bytes at OFF sum X" (as fstests_io)
 *   truncate LEN | fsync | size
 *   signal PATH               creates PATH (tells another process we got here)
 *   wait PATH                 waits until PATH exists (at most 20 s, then exit 3)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "fstests.h"

#define MAX_COMMANDS 128

static sigjmp_buf env;
static volatile sig_atomic_t armed;
static unsigned char *map;
static long long map_off, map_len;
static int failed;

static void on_sigbus(int sig)
{
	if (!armed) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	siglongjmp(env, 1);
}

static long long number(const char *s)
{
	return fstests_number("h2_mmap", s, 1);
}

static uint64_t checksum(const volatile unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static void fail(const char *cmd)
{
	printf("%s: %s\n", cmd, strerrorname_np(errno));
	failed = 1;
}

static unsigned char *in_map(const char *cmd, long long off, long long len)
{
	if (!map || off < map_off || off + len > map_off + map_len) {
		fprintf(stderr, "h2_mmap: %s: range %lld+%lld is not mapped\n", cmd, off, len);
		exit(2);
	}
	return map + (off - map_off);
}

static void run(int fd, int rdonly, char *line)
{
	char *argv[6];
	int argc = 0;
	for (char *w = strtok(line, " "); w && argc < 6; w = strtok(NULL, " "))
		argv[argc++] = w;
	if (argc == 0)
		return;
	const char *cmd = argv[0];
#define NEED(n) do { if (argc - 1 < (n)) { fprintf(stderr, "h2_mmap: %s needs %d arguments\n", cmd, (n)); exit(2); } } while (0)
	if (!strcmp(cmd, "map")) {
		NEED(2);
		int priv = argc > 3 && !strcmp(argv[3], "private");
		if (map) munmap(map, map_len);
		map_off = number(argv[1]);
		map_len = number(argv[2]);
		map = mmap(NULL, map_len, rdonly ? PROT_READ : PROT_READ | PROT_WRITE,
			   priv ? MAP_PRIVATE : MAP_SHARED, fd, map_off);
		if (map == MAP_FAILED) { map = NULL; fail(cmd); }
	} else if (!strcmp(cmd, "unmap")) {
		if (map && munmap(map, map_len)) fail(cmd);
		map = NULL;
	} else if (!strcmp(cmd, "mwrite") || !strcmp(cmd, "mread") || !strcmp(cmd, "mbyte")) {
		NEED(cmd[1] == 'w' ? 3 : cmd[1] == 'r' ? 2 : 1);
		long long off = number(argv[1]), len = cmd[1] == 'b' ? 1 : number(argv[2]);
		volatile unsigned char *p = in_map(cmd, off, len);
		if (sigsetjmp(env, 1)) {
			armed = 0;
			printf("%s %lld: SIGBUS\n", cmd, off);
			return;
		}
		armed = 1;
		if (cmd[1] == 'w') {
			int b = (int)number(argv[3]);
			for (long long i = 0; i < len; i++)
				p[i] = (unsigned char)b;
		} else if (cmd[1] == 'r') {
			uint64_t h = checksum(p, len);
			armed = 0;
			printf("mapped %lld bytes at %lld sum %016llx\n", len, off, (unsigned long long)h);
		} else {
			unsigned v = p[0];
			armed = 0;
			printf("byte at %lld: 0x%02x\n", off, v);
		}
		armed = 0;
	} else if (!strcmp(cmd, "msync")) {
		int async = argc > 1 && !strcmp(argv[1], "async");
		if (!map) { fprintf(stderr, "h2_mmap: msync: nothing mapped\n"); exit(2); }
		if (msync(map, map_len, async ? MS_ASYNC : MS_SYNC)) fail(cmd);
	} else if (!strcmp(cmd, "pwrite")) {
		NEED(3);
		long long off = number(argv[1]), len = number(argv[2]);
		unsigned char *b = malloc(len ? len : 1);
		memset(b, (int)number(argv[3]), len);
		for (long long done = 0; done < len;) {
			ssize_t n = pwrite(fd, b + done, len - done, off + done);
			if (n < 0) { fail(cmd); break; }
			done += n;
		}
		free(b);
	} else if (!strcmp(cmd, "pread")) {
		NEED(2);
		long long off = number(argv[1]), len = number(argv[2]), done = 0;
		unsigned char *b = malloc(len ? len : 1);
		while (done < len) {
			ssize_t n = pread(fd, b + done, len - done, off + done);
			if (n < 0) { fail(cmd); break; }
			if (n == 0) break;
			done += n;
		}
		printf("read %lld bytes at %lld sum %016llx\n", done, off, (unsigned long long)checksum(b, done));
		free(b);
	} else if (!strcmp(cmd, "truncate")) {
		NEED(1);
		if (ftruncate(fd, number(argv[1]))) fail(cmd);
	} else if (!strcmp(cmd, "fsync")) {
		if (fsync(fd)) fail(cmd);
	} else if (!strcmp(cmd, "size")) {
		struct stat st;
		if (fstat(fd, &st)) fail(cmd);
		else printf("size %lld\n", (long long)st.st_size);
	} else if (!strcmp(cmd, "signal")) {
		NEED(1);
		int f = open(argv[1], O_WRONLY | O_CREAT, 0644);
		if (f < 0) fail(cmd);
		else close(f);
	} else if (!strcmp(cmd, "wait")) {
		NEED(1);
		for (int i = 0; access(argv[1], F_OK); i++) {
			struct timespec ts = { 0, 10000000L };
			if (i == 2000) { printf("wait: timed out\n"); exit(3); }
			nanosleep(&ts, NULL);
		}
	} else {
		fprintf(stderr, "h2_mmap: unknown command %s\n", cmd);
		exit(2);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	char *commands[MAX_COMMANDS];
	int ncommands = 0, rdonly = 0, opt;
	while ((opt = getopt(argc, argv, "rc:")) != -1) {
		switch (opt) {
		case 'r': rdonly = 1; break;
		case 'c':
			if (ncommands == MAX_COMMANDS) { fprintf(stderr, "h2_mmap: too many commands\n"); return 2; }
			commands[ncommands++] = optarg;
			break;
		default:
			fprintf(stderr, "usage: h2_mmap [-r] PATH -c COMMAND...\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: h2_mmap [-r] PATH -c COMMAND...\n");
		return 2;
	}
	int fd = open(argv[optind], rdonly ? O_RDONLY : O_RDWR | O_CREAT, 0644);
	if (fd < 0) {
		printf("open: %s\n", strerrorname_np(errno));
		return 1;
	}
	struct sigaction sa = { .sa_handler = on_sigbus };
	sigaction(SIGBUS, &sa, NULL);
	for (int i = 0; i < ncommands; i++)
		run(fd, rdonly, commands[i]);
	if (map) munmap(map, map_len);
	if (close(fd)) fail("close");
	return failed;
}
