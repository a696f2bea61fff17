/*
 * h2_append: records appended with O_APPEND by several processes at once, and their check.
 *
 *   h2_append write PATH ID COUNT SIZE    appends COUNT records of SIZE bytes (one write(2) each)
 *   h2_append check PATH WRITERS COUNT SIZE
 *
 * A record is "<ID> <SEQ>:" then the byte 'a'+ID up to SIZE-1 and a newline. check reads the
 * file record by record and prints the facts: the size against WRITERS*COUNT*SIZE, how many
 * records are torn (not one writer's whole record), and per writer whether all its records are
 * there once each and in order. Writers: 1..20.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void make(char *r, int id, long seq, int size)
{
	int n = snprintf(r, size, "%d %ld:", id, seq);
	memset(r + n, 'a' + id, size - 1 - n);
	r[size - 1] = '\n';
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: h2_append write|check PATH ID|WRITERS COUNT SIZE\n");
		return 2;
	}
	int n = atoi(argv[3]), size = atoi(argv[5]);
	long count = atol(argv[4]);
	if (n < 1 || n > 20 || size < 32 || count < 1) {
		fprintf(stderr, "h2_append: bad arguments\n");
		return 2;
	}
	char *r = malloc(size), *want = malloc(size);
	if (!strcmp(argv[1], "write")) {
		int fd = open(argv[2], O_WRONLY | O_APPEND | O_CREAT, 0644);
		if (fd < 0) { perror("open"); return 1; }
		for (long i = 0; i < count; i++) {
			make(r, n, i, size);
			ssize_t w = write(fd, r, size);
			if (w != size) {
				fprintf(stderr, "h2_append: write %ld: %s\n", i, w < 0 ? strerror(errno) : "short");
				return 1;
			}
		}
		return close(fd) ? 1 : 0;
	}
	if (strcmp(argv[1], "check")) {
		fprintf(stderr, "h2_append: write or check\n");
		return 2;
	}
	int fd = open(argv[2], O_RDONLY);
	if (fd < 0) { perror("open"); return 1; }
	struct stat st;
	fstat(fd, &st);
	printf("size %s\n", st.st_size == (off_t)n * count * size ? "is the sum of the records" : "is wrong");
	if (st.st_size != (off_t)n * count * size)
		printf("size %lld, expected %lld\n", (long long)st.st_size, (long long)n * count * size);
	long next[21] = { 0 }, torn = 0, disorder[21] = { 0 };
	for (off_t off = 0;; off += size) {
		ssize_t got = pread(fd, r, size, off);
		if (got <= 0) break;
		int id;
		long seq;
		if (got < size || sscanf(r, "%d %ld:", &id, &seq) != 2 || id < 1 || id > n) {
			torn++;
			continue;
		}
		make(want, id, seq, size);
		if (memcmp(r, want, size)) { torn++; continue; }
		if (seq != next[id]) disorder[id]++;
		next[id] = seq + 1;
	}
	printf("torn or foreign records: %ld\n", torn);
	for (int id = 1; id <= n; id++)
		printf("writer %d: %s\n", id, next[id] == count && !disorder[id] ? "all records, in order" : "records lost or out of order");
	return 0;
}
