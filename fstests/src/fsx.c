/*
 * fsx: a single-file exerciser. Random operations on one file, each checked against an
 * in-memory copy of what the file must hold.
 *
 *   fsx [-S SEED] [-N OPS] [-l MAXLEN] [-o MAXOPLEN] [-c N] [-P] [-m] [-d] [-q] [-v]
 *       [-x OP[,OP]...] FILE
 *
 *   -S SEED      random seed (default: from the time and pid); always printed
 *   -N OPS       number of operations (default 10000)
 *   -l MAXLEN    the file never grows beyond MAXLEN bytes (default 256K)
 *   -o MAXOPLEN  the longest read, write, punch, ... (default 64K)
 *   -c N         compare the whole file with the copy every N operations (default 100; and
 *                always at the end)
 *   -P           an operation that fails with EOPNOTSUPP the first time it is tried is
 *                disabled (and says so); without -P that is a failure
 *   -m           no mmap reads or writes
 *   -d           open the file O_DIRECT; reads and writes are then 4096-aligned
 *   -q           quiet: only the summary line (or the failure report)
 *   -v           print every operation
 *   -x OPS       disable these operations: read write mapread mapwrite truncate punch zero
 *                zerokeep falloc fallockeep fsync fdatasync reopen
 *
 * Operations: read (compared with the copy, also past EOF), write, mmap read (and the zeroed
 * tail of the last page), mmap write, truncate up and down, punch hole, zero range (with and
 * without KEEP_SIZE), fallocate (with and without KEEP_SIZE), fsync, fdatasync, close and
 * reopen. After every operation the file's size must be the copy's.
 *
 * On a mismatch it prints the seed, the offset, the expected and the actual bytes around it,
 * the last operations, and exits 1. On success it prints "fsx: N ops, seed S, all good" and
 * exits 0. The same seed, options and filesystem behaviour give the same operations.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/falloc.h>
#include "fstests.h"

enum op {
	OP_READ, OP_WRITE, OP_MAPREAD, OP_MAPWRITE, OP_TRUNCATE, OP_PUNCH, OP_ZERO, OP_ZEROKEEP,
	OP_FALLOC, OP_FALLOCKEEP, OP_FSYNC, OP_FDATASYNC, OP_REOPEN, OP_COUNT
};

static const char *op_names[OP_COUNT] = {
	"read", "write", "mapread", "mapwrite", "truncate", "punch", "zero", "zerokeep",
	"falloc", "fallockeep", "fsync", "fdatasync", "reopen"
};

/* How often each operation is picked, out of the sum. */
static const int op_weights[OP_COUNT] = {
	20, 24, 8, 8, 8, 6, 4, 3, 4, 4, 3, 2, 2
};

static int disabled[OP_COUNT];
static int tried[OP_COUNT]; /* has it succeeded at least once (then EOPNOTSUPP is a failure) */

#define LOG_SIZE 50
struct logent {
	long n;
	int op;
	long long off, len, size; /* size: the file's size after the operation */
	int skipped;
};
static struct logent oplog[LOG_SIZE];
static long logged;

static uint64_t seed;
static uint64_t rng_state;
static long numops = 10000;
static long long maxlen = 256 * 1024;
static long long maxoplen = 64 * 1024;
static long check_every = 100;
static int auto_disable, no_mmap, direct, quiet, verbose;
static const char *fname;
static char *xlist;
static int fd = -1;
static long opnum;
static long pagesize;

static unsigned char *good;   /* the copy: maxlen bytes, beyond size all zero */
static unsigned char *temp;   /* read buffer, aligned */
static unsigned char *wbuf;   /* write buffer, aligned */
static long long size;        /* the copy's size */

#define ALIGN 4096

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static long long rnd_below(long long n)
{
	return n <= 0 ? 0 : (long long)(rnd() % (uint64_t)n);
}

static long long number(const char *s)
{
	return fstests_number("fsx", s, 0);
}

static void print_log(void)
{
	long first = logged > LOG_SIZE ? logged - LOG_SIZE : 0;
	printf("fsx: the last %ld operations (offsets and lengths in bytes, size after the op):\n",
	       logged - first);
	for (long i = first; i < logged; i++) {
		struct logent *e = &oplog[i % LOG_SIZE];
		printf("  %6ld %-10s", e->n, op_names[e->op]);
		if (e->skipped)
			printf(" (skipped)");
		else if (e->op == OP_TRUNCATE)
			printf(" to %lld (0x%llx)", e->off, e->off);
		else if (e->op != OP_FSYNC && e->op != OP_FDATASYNC && e->op != OP_REOPEN)
			printf(" off %lld (0x%llx) len %lld (0x%llx)", e->off, e->off, e->len, e->len);
		printf(" size %lld\n", e->size);
	}
}

static void __attribute__((noreturn)) die(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	printf("fsx: FAILED at op %ld, seed %" PRIu64 " (file %s): ", opnum, seed, fname);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	print_log();
	printf("fsx: reproduce with: fsx -S %" PRIu64 " -N %ld -l %lld -o %lld -c %ld%s%s%s%s%s FILE\n",
	       seed, numops, maxlen, maxoplen, check_every, auto_disable ? " -P" : "",
	       no_mmap ? " -m" : "", direct ? " -d" : "", xlist ? " -x " : "", xlist ? xlist : "");
	fflush(stdout);
	exit(1);
}

static void log_op(int op, long long off, long long len, int skipped)
{
	struct logent *e = &oplog[logged % LOG_SIZE];
	e->n = opnum;
	e->op = op;
	e->off = off;
	e->len = len;
	e->size = size;
	e->skipped = skipped;
	logged++;
	if (verbose && !skipped) {
		printf("%ld %s", opnum, op_names[op]);
		if (op == OP_TRUNCATE)
			printf(" to %lld", off);
		else if (op != OP_FSYNC && op != OP_FDATASYNC && op != OP_REOPEN)
			printf(" %lld %lld", off, len);
		printf(" (size %lld)\n", size);
	}
}

/* Fix the last log entry's size (operations log before they run). */
static void log_size(void)
{
	if (logged > 0)
		oplog[(logged - 1) % LOG_SIZE].size = size;
}

static void hexline(const char *what, const unsigned char *p, long long base, long long from,
		    long long to)
{
	printf("    %-8s", what);
	for (long long i = from; i < to; i++)
		printf(" %02x", p[i - base]);
	printf("\n");
}

/*
 * Compare what was read at OFF (LEN bytes in BUF) with the copy; on a difference print the
 * bytes around the first bad one and fail.
 */
static void compare(const unsigned char *buf, long long off, long long len, const char *what)
{
	long long bad = -1, nbad = 0;
	for (long long i = 0; i < len; i++) {
		if (buf[i] != good[off + i]) {
			if (bad < 0)
				bad = off + i;
			nbad++;
		}
	}
	if (bad < 0)
		return;
	fflush(stdout);
	printf("fsx: MISMATCH (%s of %lld bytes at %lld): first bad byte at offset %lld (0x%llx), "
	       "%lld bad bytes; file size %lld\n", what, len, off, bad, bad, nbad, size);
	long long from = bad - 16 < off ? off : bad - 16;
	from &= ~15LL;
	if (from < off)
		from = off;
	long long to = from + 64 > off + len ? off + len : from + 64;
	for (long long l = from; l < to; l += 16) {
		long long e = l + 16 > to ? to : l + 16;
		printf("  offset 0x%llx:\n", l);
		hexline("expected", good, 0, l, e);
		hexline("actual", buf, off, l, e);
	}
	/* which write put the bad bytes there: even offsets hold the writing op's number */
	die("data mismatch at offset %lld", bad);
}

static void open_file(int flags)
{
	fd = open(fname, O_RDWR | flags | (direct ? O_DIRECT : 0), 0644);
	if (fd < 0)
		die("open: %s", strerror(errno));
}

static long long file_size(void)
{
	struct stat st;
	if (fstat(fd, &st))
		die("fstat: %s", strerror(errno));
	return st.st_size;
}

static void check_size(const char *after)
{
	long long s = file_size();
	if (s != size)
		die("size is %lld after %s, expected %lld", s, after, size);
}

/* pread LEN bytes at OFF into temp, looping over short reads; returns the bytes read. */
static long long read_all(long long off, long long len)
{
	long long done = 0;
	while (done < len) {
		ssize_t n = pread(fd, temp + done, len - done, off + done);
		if (n < 0)
			die("pread %lld at %lld: %s", len - done, off + done, strerror(errno));
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

static void check_all(void)
{
	long long want = size;
	long long len = direct ? (size + ALIGN - 1) / ALIGN * ALIGN : size;
	long long got = read_all(0, len);
	if (got != want)
		die("full read returned %lld bytes, the size is %lld", got, want);
	compare(temp, 0, got, "full check");
}

/* An operation failed with errno ERR: EOPNOTSUPP the first time disables it with -P. */
static int unsupported(int op, int err, const char *what)
{
	if ((err == EOPNOTSUPP || (op == OP_MAPREAD || op == OP_MAPWRITE ? err == ENODEV : 0))
	    && auto_disable && !tried[op]) {
		disabled[op] = 1;
		if (!quiet)
			printf("fsx: %s: %s: disabled\n", what, strerror(err));
		return 1;
	}
	die("%s: %s", what, strerror(err));
}

static void fill_pattern(unsigned char *p, long long off, long long len)
{
	for (long long i = 0; i < len; i++) {
		long long x = off + i;
		/* even offsets: the op number (never 0), odd: the offset mixed with it */
		p[i] = (x & 1) ? (unsigned char)((x >> 1) + opnum * 7) : (unsigned char)(opnum % 255 + 1);
	}
}

static void set_size(long long newsize)
{
	if (newsize < size)
		memset(good + newsize, 0, size - newsize);
	size = newsize;
}

/* Pick an offset and a length for an operation within [0, limit). */
static void pick_range(long long limit, long long *off, long long *len, int aligned)
{
	long long o = rnd_below(limit);
	long long l = 1 + rnd_below(maxoplen);
	int r = (int)rnd_below(8);
	if (r == 0)
		l = 1 + rnd_below(16); /* tiny */
	if (aligned || r == 1 || r == 2) {
		/* page-aligned */
		o &= ~(long long)(ALIGN - 1);
		l = (l + ALIGN - 1) & ~(long long)(ALIGN - 1);
	}
	if (o + l > maxlen)
		l = maxlen - o;
	if (aligned)
		l &= ~(long long)(ALIGN - 1);
	*off = o;
	*len = l;
}

static void do_read(void)
{
	long long off, len;
	/* mostly within the file, sometimes past its end */
	pick_range(size + size / 8 + 1, &off, &len, direct);
	if (len <= 0) {
		log_op(OP_READ, off, len, 1);
		return;
	}
	log_op(OP_READ, off, len, 0);
	long long expect = off >= size ? 0 : (off + len > size ? size - off : len);
	long long got = read_all(off, len);
	if (got != expect)
		die("read of %lld at %lld returned %lld bytes, expected %lld (size %lld)",
		    len, off, got, expect, size);
	compare(temp, off, got, "read");
}

static void do_write(void)
{
	long long off, len;
	pick_range(maxlen, &off, &len, direct);
	if (len <= 0) {
		log_op(OP_WRITE, off, len, 1);
		return;
	}
	log_op(OP_WRITE, off, len, 0);
	fill_pattern(wbuf, off, len);
	long long done = 0;
	while (done < len) {
		ssize_t n = pwrite(fd, wbuf + done, len - done, off + done);
		if (n < 0)
			die("pwrite %lld at %lld: %s", len - done, off + done, strerror(errno));
		if (n == 0)
			die("pwrite %lld at %lld wrote nothing", len - done, off + done);
		done += n;
	}
	memcpy(good + off, wbuf, len);
	if (off + len > size)
		size = off + len;
	log_size();
}

static void do_mapread(void)
{
	long long off, len;
	if (size == 0) {
		log_op(OP_MAPREAD, 0, 0, 1);
		return;
	}
	pick_range(size, &off, &len, 0);
	if (off + len > size)
		len = size - off;
	if (len <= 0) {
		log_op(OP_MAPREAD, off, len, 1);
		return;
	}
	log_op(OP_MAPREAD, off, len, 0);
	long long pg = off & ~(long long)(pagesize - 1);
	long long maplen = off + len - pg;
	int to_eof = off + len == size;
	if (to_eof) /* map the rest of the last page too: beyond EOF it must read as zeros */
		maplen = (maplen + pagesize - 1) & ~(long long)(pagesize - 1);
	unsigned char *m = mmap(NULL, maplen, PROT_READ, MAP_SHARED, fd, pg);
	if (m == MAP_FAILED) {
		unsupported(OP_MAPREAD, errno, "mmap (read)");
		return;
	}
	tried[OP_MAPREAD] = 1;
	memcpy(temp, m + (off - pg), len);
	if (to_eof) {
		for (long long i = off + len - pg; i < maplen; i++)
			if (m[i]) {
				long long at = pg + i;
				int v = m[i];
				munmap(m, maplen);
				die("mapped page past EOF (size %lld) not zero at offset %lld: 0x%02x",
				    size, at, v);
			}
	}
	if (munmap(m, maplen))
		die("munmap: %s", strerror(errno));
	compare(temp, off, len, "mapped read");
}

static void do_mapwrite(void)
{
	long long off, len;
	pick_range(maxlen, &off, &len, 0);
	if (len <= 0) {
		log_op(OP_MAPWRITE, off, len, 1);
		return;
	}
	log_op(OP_MAPWRITE, off, len, 0);
	if (off + len > size) {
		/* a mapping cannot extend the file: make it long enough first */
		if (ftruncate(fd, off + len))
			die("ftruncate to %lld (for mapwrite): %s", off + len, strerror(errno));
		set_size(off + len);
		log_size();
	}
	long long pg = off & ~(long long)(pagesize - 1);
	long long maplen = off + len - pg;
	unsigned char *m = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, pg);
	if (m == MAP_FAILED) {
		if (!tried[OP_MAPWRITE] && auto_disable && (errno == ENODEV || errno == EOPNOTSUPP)) {
			/* the ftruncate above stays: the copy already has it */
			unsupported(OP_MAPWRITE, errno, "mmap (write)");
			return;
		}
		die("mmap (write) of %lld at %lld: %s", maplen, pg, strerror(errno));
	}
	tried[OP_MAPWRITE] = 1;
	fill_pattern(m + (off - pg), off, len);
	memcpy(good + off, m + (off - pg), len);
	if (msync(m, maplen, MS_SYNC))
		die("msync: %s", strerror(errno));
	if (munmap(m, maplen))
		die("munmap: %s", strerror(errno));
}

static void do_truncate(void)
{
	long long newsize = rnd_below(maxlen + 1);
	if (rnd_below(4) == 0)
		newsize &= ~(long long)(ALIGN - 1);
	log_op(OP_TRUNCATE, newsize, 0, 0);
	if (ftruncate(fd, newsize))
		die("ftruncate from %lld to %lld: %s", size, newsize, strerror(errno));
	set_size(newsize);
	log_size();
}

static void do_fallocate(int op)
{
	long long off, len;
	int mode;
	const char *what;
	switch (op) {
	case OP_PUNCH: mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE; what = "punch hole"; break;
	case OP_ZERO: mode = FALLOC_FL_ZERO_RANGE; what = "zero range"; break;
	case OP_ZEROKEEP: mode = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE; what = "zero range (keep size)"; break;
	case OP_FALLOC: mode = 0; what = "fallocate"; break;
	default: mode = FALLOC_FL_KEEP_SIZE; what = "fallocate (keep size)"; break;
	}
	if (op == OP_PUNCH || op == OP_ZEROKEEP) {
		/* mostly inside the file: that is where they change something */
		pick_range(size + size / 8 + 1, &off, &len, 0);
	} else {
		pick_range(maxlen, &off, &len, 0);
	}
	if (len <= 0) {
		log_op(op, off, len, 1);
		return;
	}
	log_op(op, off, len, 0);
	if (fallocate(fd, mode, off, len)) {
		unsupported(op, errno, what);
		return;
	}
	tried[op] = 1;
	long long end = off + len;
	if (op == OP_PUNCH || op == OP_ZERO || op == OP_ZEROKEEP) {
		long long zend = end > size ? size : end;
		if (zend > off)
			memset(good + off, 0, zend - off);
	}
	if ((op == OP_ZERO || op == OP_FALLOC) && end > size)
		size = end; /* the new bytes are zero in the copy already */
	log_size();
}

static void do_sync(int op)
{
	log_op(op, 0, 0, 0);
	if (op == OP_FSYNC ? fsync(fd) : fdatasync(fd))
		die("%s: %s", op_names[op], strerror(errno));
}

static void do_reopen(void)
{
	log_op(OP_REOPEN, 0, 0, 0);
	if (close(fd))
		die("close: %s", strerror(errno));
	open_file(0);
}

static int pick_op(void)
{
	int total = 0;
	for (int i = 0; i < OP_COUNT; i++)
		if (!disabled[i])
			total += op_weights[i];
	if (total == 0) {
		fprintf(stderr, "fsx: every operation is disabled\n");
		exit(2);
	}
	long long r = rnd_below(total);
	for (int i = 0; i < OP_COUNT; i++) {
		if (disabled[i])
			continue;
		if (r < op_weights[i])
			return i;
		r -= op_weights[i];
	}
	return OP_READ;
}

static void disable_list(char *list)
{
	for (char *t = strtok(list, ","); t; t = strtok(NULL, ",")) {
		int i;
		for (i = 0; i < OP_COUNT; i++)
			if (!strcmp(t, op_names[i]))
				break;
		if (i == OP_COUNT) {
			fprintf(stderr, "fsx: unknown operation %s\n", t);
			exit(2);
		}
		disabled[i] = 1;
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: fsx [-S seed] [-N ops] [-l maxlen] [-o maxoplen] [-c N] [-P] [-m] [-d] "
		"[-q] [-v] [-x op,...] FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int c, seeded = 0;
	while ((c = getopt(argc, argv, "S:N:l:o:c:Pmdqvx:")) != -1) {
		switch (c) {
		case 'S': seed = strtoull(optarg, NULL, 0); seeded = 1; break;
		case 'N': numops = number(optarg); break;
		case 'l': maxlen = number(optarg); break;
		case 'o': maxoplen = number(optarg); break;
		case 'c': check_every = number(optarg); break;
		case 'P': auto_disable = 1; break;
		case 'm': no_mmap = 1; break;
		case 'd': direct = 1; break;
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		case 'x': xlist = strdup(optarg); disable_list(optarg); break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	fname = argv[optind];
	if (!seeded) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = ((uint64_t)ts.tv_sec * 1000003u) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20);
		seed %= 1000000000u;
	}
	rng_state = seed;
	if (maxlen < 1 || maxoplen < 1) {
		fprintf(stderr, "fsx: -l and -o must be positive\n");
		exit(2);
	}
	if (maxoplen > maxlen)
		maxoplen = maxlen;
	if (direct)
		maxlen = (maxlen + ALIGN - 1) & ~(long long)(ALIGN - 1);
	if (no_mmap)
		disabled[OP_MAPREAD] = disabled[OP_MAPWRITE] = 1;
	pagesize = sysconf(_SC_PAGESIZE);
	size_t bufsize = (size_t)maxlen + 2 * ALIGN;
	good = calloc(1, bufsize);
	if (posix_memalign((void **)&temp, ALIGN, bufsize) || posix_memalign((void **)&wbuf, ALIGN, bufsize) || !good) {
		fprintf(stderr, "fsx: out of memory\n");
		exit(2);
	}
	if (!quiet)
		printf("fsx: %s: seed %" PRIu64 ", %ld ops, maxlen %lld, maxoplen %lld%s%s\n", fname, seed,
		       numops, maxlen, maxoplen, no_mmap ? ", no mmap" : "", direct ? ", O_DIRECT" : "");
	open_file(O_CREAT | O_TRUNC);
	check_size("open with O_TRUNC");

	for (opnum = 1; opnum <= numops; opnum++) {
		int op = pick_op();
		switch (op) {
		case OP_READ: do_read(); break;
		case OP_WRITE: do_write(); break;
		case OP_MAPREAD: do_mapread(); break;
		case OP_MAPWRITE: do_mapwrite(); break;
		case OP_TRUNCATE: do_truncate(); break;
		case OP_PUNCH: case OP_ZERO: case OP_ZEROKEEP: case OP_FALLOC: case OP_FALLOCKEEP:
			do_fallocate(op); break;
		case OP_FSYNC: case OP_FDATASYNC: do_sync(op); break;
		case OP_REOPEN: do_reopen(); break;
		}
		check_size(op_names[op]);
		if (check_every > 0 && opnum % check_every == 0)
			check_all();
	}
	opnum = numops;
	check_all();
	if (close(fd))
		die("close: %s", strerror(errno));
	/* and once more through a fresh descriptor */
	open_file(0);
	check_size("the final reopen");
	check_all();
	close(fd);
	printf("fsx: %ld ops, seed %" PRIu64 ", all good\n", numops, seed);
	return 0;
}
