/*
 * fsstress: concurrent random operations over one shared directory tree, then a check of
 * everything that must hold afterwards.
 *
 *   fsstress -d DIR [-p PROCS] [-n OPS] [-s SEED] [-l MAXSIZE] [-b BLOCK] [-w BLOCKS]
 *            [-F MAXFILES] [-E] [-f LOG] [-q] [-v]
 *   fsstress -d DIR -V [-b BLOCK] [-T TORN] [-f LOG] [-q]
 *
 *   -d DIR       the tree's root (created if missing)
 *   -p PROCS     processes (default 4), each doing -n OPS operations (default 1000)
 *   -s SEED      random seed (default: from the time and pid); always printed
 *   -l MAXSIZE   no file grows beyond MAXSIZE bytes (default 256K)
 *   -b BLOCK     the block size of file data (default 1024; a multiple of 512)
 *   -w BLOCKS    the longest write, in blocks (default 8)
 *   -F MAXFILES  at most this many files are created (default: PROCS * OPS / 4 + 16)
 *   -E           ENOSPC is expected: it is counted, not fatal, and each process stops after
 *                50 of them; prints "fsstress: ENOSPC reached" (or "not reached")
 *   -f LOG       crash log: a file that has been fsync'd is linked as synced/s<ID> (and from
 *                then on only appended to), and after each fsync of it the line
 *                "synced/s<ID> SIZE CHECKSUM" is appended to LOG and LOG is fsync'd
 *                (LOG should live outside the filesystem under test). With -V: check that
 *                every file in LOG holds at least its last logged SIZE bytes with CHECKSUM.
 *   -V           verify only (no operations), for a tree left by an earlier run, possibly
 *                after a crash: entries readable, link counts, every data block either zero or
 *                a valid block of its own file at its own offset
 *   -T TORN      with -V: at most TORN blocks may hold a valid header but another payload
 *                (writes cut by a crash; default 0)
 *   -q           quiet: only the summary line (or the failure report)
 *   -v           print every operation
 *
 * Operations: create, mkdir, write (whole blocks at random offsets), append, truncate (up and
 * down, to block and mid-block sizes), read (compared with what the writers recorded), rename
 * (files, directories and symlinks, within and across directories, over existing names), link,
 * unlink, rmdir, symlink, readdir, stat, setxattr and removexattr (user.*), fsync, fdatasync,
 * fsync of a directory, chmod. Errors that concurrency makes legitimate (ENOENT, EEXIST,
 * ENOTEMPTY, ...) are counted; any other error is fatal: it is printed with the operation, and
 * fsstress exits 1.
 *
 * File data is self-describing: every block starts with a header (magic, run tag, file id,
 * offset, generation, block size, header checksum) and the rest of the block is generated from
 * the header, so a block read back can be validated on its own. Besides, the writers record in
 * shared memory what each block of each file must hold; the verify at the end of a run checks
 * every byte against that record.
 *
 * The verify walks the tree: every entry readable (stat, read, readdir, readlink), the type in
 * readdir is the one stat gives, no name twice in a directory, the link count of every file the
 * number of its names found, of every directory 2 + its subdirectories, symlink targets and
 * xattr values intact (both are self-checking), every file's content. On success it prints
 * "fsstress: PROCS procs, OPS ops each, seed S, verify ok" (with -V: "fsstress: verify ok")
 * and exits 0.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>
#include "fstests.h"

/* ---------- operations ---------- */

enum op {
	OP_CREATE, OP_MKDIR, OP_WRITE, OP_APPEND, OP_TRUNCATE, OP_READ, OP_RENAME, OP_LINK,
	OP_UNLINK, OP_RMDIR, OP_SYMLINK, OP_READDIR, OP_STAT, OP_SETXATTR, OP_REMOVEXATTR,
	OP_FSYNC, OP_CHMOD, OP_COUNT
};

static const char *op_names[OP_COUNT] = {
	"create", "mkdir", "write", "append", "truncate", "read", "rename", "link",
	"unlink", "rmdir", "symlink", "readdir", "stat", "setxattr", "removexattr",
	"fsync", "chmod"
};

static const int weights_normal[OP_COUNT] = {
	8, 3, 16, 5, 5, 6, 8, 4, 8, 3, 3, 3, 6, 4, 2, 4, 3
};
static const int weights_enospc[OP_COUNT] = {
	6, 1, 30, 15, 2, 3, 3, 2, 2, 1, 1, 1, 2, 3, 1, 2, 1
};

/* The errors counted (not fatal) when an operation allows them. */
static const int counted_errnos[] = {
	ENOENT, EEXIST, ENOTEMPTY, ENOTDIR, EISDIR, EINVAL, ELOOP, ENAMETOOLONG, EMLINK,
	ENODATA, ENOSPC, E2BIG
};
#define NCOUNTED (int)(sizeof(counted_errnos) / sizeof(counted_errnos[0]))

/* ---------- shared state ---------- */

#define MAGIC 0x46535342u /* "BSSF" */
#define HDR 32
#define GEN_UNKNOWN 0xffffffffu
#define SYNCED "synced"
#define MAXDEPTH 6
#define ENOSPC_STOP 50

struct hdr {
	uint32_t magic, id;
	uint64_t off;
	uint32_t gen, bsize, tag, hsum;
};

struct blk {
	uint32_t gen; /* 0: zeros (a hole); GEN_UNKNOWN: cut by ENOSPC, not checked */
	uint32_t len; /* the bytes of the block's image it holds; zeros after */
};

struct file {
	pthread_mutex_t lock;
	uint64_t ino;
	int64_t size;
	uint32_t nextgen;
	int frozen;
};

struct stats {
	long ops[OP_COUNT];
	long errs[NCOUNTED];
	long skipped;   /* nothing to do: no such entry in the cache, a file not yet written, ... */
	long frozen;    /* a write or truncate of a file fsync'd for the crash log */
	long full;      /* a write past MAXSIZE */
	long done;
};

struct shared {
	volatile int failed;
	volatile int xattr_off;
	uint32_t nfiles;
	uint32_t pad;
	struct stats st[];
};

static struct shared *sh;
static struct file *files;
static struct blk *blocks;

/* ---------- options ---------- */

static int nprocs = 4;
static long nops = 1000;
static uint64_t seed;
static long long maxsize = 256 * 1024;
static int bsize = 1024;
static int maxw = 8;
static long maxfiles;
static int enospc_mode, verify_only, quiet, verbose;
static long torn_allowed;
static const char *dir;
static const char *logname;
static int logfd = -1, synced_fd = -1;
static uint32_t tag;
static long maxblocks;

/* ---------- per process ---------- */

static int me = -1; /* the process index; -1 in the parent */
static long opno;
static uint64_t rng_state;
static struct stats *mystats;
static long enospc_seen;
static unsigned char *buf, *img;

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(void)
{
	return splitmix(&rng_state);
}

static long long rnd_below(long long n)
{
	return n <= 0 ? 0 : (long long)(rnd() % (uint64_t)n);
}

static uint64_t fnv64(const void *p, size_t n, uint64_t h)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}
#define FNV64_INIT 0xcbf29ce484222325ULL

static uint32_t fnv32(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint32_t h = 0x811c9dc5u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x01000193u;
	return h;
}

static long long number(const char *s)
{
	return fstests_number("fsstress", s, 0);
}

static void __attribute__((noreturn)) fatal(const char *fmt, ...)
{
	va_list ap;
	char msg[2048];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (me >= 0)
		printf("fsstress: FAILED: proc %d op %ld, seed %" PRIu64 ": %s\n", me, opno, seed, msg);
	else
		printf("fsstress: FAILED: seed %" PRIu64 ": %s\n", seed, msg);
	fflush(stdout);
	if (sh)
		sh->failed = 1;
	exit(1);
}

/* ---------- blocks ---------- */

/* The image of block OFF/bsize of file ID at generation GEN, bsize bytes. */
static void make_block(unsigned char *p, uint32_t t, uint32_t id, uint64_t off, uint32_t gen)
{
	struct hdr h = { MAGIC, id, off, gen, (uint32_t)bsize, t, 0 };
	h.hsum = fnv32(&h, offsetof(struct hdr, hsum));
	memcpy(p, &h, HDR);
	uint64_t s = ((uint64_t)t << 32 | id) ^ (off * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)gen << 17);
	for (int i = HDR; i < bsize; i += 8) {
		uint64_t x = splitmix(&s);
		memcpy(p + i, &x, 8);
	}
}

/* A header whose own checksum holds; fills *H. */
static int parse_hdr(const unsigned char *p, struct hdr *h)
{
	memcpy(h, p, HDR);
	return h->magic == MAGIC && h->hsum == fnv32(h, offsetof(struct hdr, hsum));
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static struct blk *blocks_of(uint32_t id)
{
	return blocks + (size_t)id * maxblocks;
}

/* ---------- errors ---------- */

static int counted_index(int err)
{
	for (int i = 0; i < NCOUNTED; i++)
		if (counted_errnos[i] == err)
			return i;
	return -1;
}

/*
 * ERR from operation OP on PATH: returns when it is one of ALLOWED (a 0-terminated list) or
 * an ENOSPC with -E (counting it), and is fatal otherwise.
 */
static void allow(int err, const char *what, const char *path, const int *allowed)
{
	int ok = 0;
	for (const int *a = allowed; *a; a++)
		if (*a == err)
			ok = 1;
	if (err == ENOSPC && enospc_mode) {
		ok = 1;
		enospc_seen++;
	}
	int i = counted_index(err);
	if (!ok || i < 0)
		fatal("%s %s: %s", what, path, strerror(err));
	mystats->errs[i]++;
	if (verbose)
		printf("%d.%ld %s %s: %s\n", me, opno, what, path, strerror(err));
}

static const int E_PATH[] = { ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, 0 };
static const int E_OPEN[] = { ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EISDIR, 0 };
static const int E_NEW[] = { ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EEXIST, 0 };
static const int E_LINK[] = { ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EEXIST, EMLINK, 0 };
static const int E_RENAME[] = { ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EEXIST, ENOTEMPTY, EISDIR,
				EINVAL, EMLINK, 0 };
static const int E_UNLINK[] = { ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EISDIR, 0 };
static const int E_RMDIR[] = { ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, ENOTEMPTY, EEXIST, 0 };
static const int E_SETX[] = { ENOSPC, E2BIG, EEXIST, 0 };
static const int E_REMOVEX[] = { ENODATA, 0 };
static const int E_NONE[] = { 0 };

/* ---------- the tree as a process last saw it ---------- */

struct ent {
	char *path;
	int type; /* 'f', 'd', 'l' */
	int depth;
};
static struct ent *cache;
static int ncache, capcache;
#define MAXPATH 1024
#define MAXCACHE 20000

static void cache_add(const char *path, int type, int depth)
{
	if (ncache >= MAXCACHE)
		return;
	if (ncache == capcache) {
		capcache = capcache ? capcache * 2 : 256;
		cache = realloc(cache, capcache * sizeof(*cache));
		if (!cache)
			fatal("out of memory");
	}
	cache[ncache].path = strdup(path);
	cache[ncache].type = type;
	cache[ncache].depth = depth;
	ncache++;
}

static void cache_remove(const char *path)
{
	for (int i = 0; i < ncache; i++)
		if (!strcmp(cache[i].path, path)) {
			free(cache[i].path);
			cache[i] = cache[--ncache];
			return;
		}
}

static void cache_clear(void)
{
	for (int i = 0; i < ncache; i++)
		free(cache[i].path);
	ncache = 0;
}

static void join(char *out, const char *parent, const char *name)
{
	if (!strcmp(parent, "."))
		snprintf(out, MAXPATH, "%.255s", name);
	else
		snprintf(out, MAXPATH, "%.700s/%.255s", parent, name);
}

static void scan(const char *path, int depth)
{
	DIR *d = opendir(path);
	if (!d) {
		allow(errno, "opendir (scan)", path, E_PATH);
		return;
	}
	struct dirent *de;
	char sub[MAXPATH];
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				allow(errno, "readdir (scan)", path, E_PATH);
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (depth == 0 && !strcmp(de->d_name, SYNCED))
			continue;
		if (strlen(path) + strlen(de->d_name) + 2 >= MAXPATH - 16)
			continue;
		join(sub, path, de->d_name);
		int type = de->d_type;
		if (type == DT_UNKNOWN) {
			struct stat st;
			if (lstat(sub, &st)) {
				allow(errno, "lstat (scan)", sub, E_PATH);
				continue;
			}
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		}
		if (type == DT_DIR) {
			cache_add(sub, 'd', depth + 1);
			scan(sub, depth + 1);
		} else {
			cache_add(sub, type == DT_LNK ? 'l' : 'f', depth + 1);
		}
	}
	closedir(d);
}

static void refresh(void)
{
	cache_clear();
	scan(".", 0);
}

/* A random entry of TYPE ('f', 'd', 'l', or 0 for any); NULL when none turned up. */
static struct ent *pick(int type)
{
	if (ncache == 0)
		return NULL;
	for (int tries = 0; tries < 16; tries++) {
		struct ent *e = &cache[rnd_below(ncache)];
		if (!type || e->type == type)
			return e;
	}
	return NULL;
}

/* A random directory for a new name (the root included), not deeper than MAXDEPTH - 1. */
static const char *pick_parent(int *depth)
{
	struct ent *e = rnd_below(4) ? pick('d') : NULL;
	if (!e || e->depth >= MAXDEPTH) {
		*depth = 0;
		return ".";
	}
	*depth = e->depth;
	return e->path;
}

static void new_name(char *out, int kind, int *depth)
{
	const char *parent = pick_parent(depth);
	char name[32];
	int n = kind == 'f' ? 50 : 12;
	snprintf(name, sizeof(name), "%c%lld", kind, rnd_below(n));
	join(out, parent, name);
	(*depth)++;
}

/* ---------- file records ---------- */

static void lock_file(uint32_t id)
{
	int e = pthread_mutex_lock(&files[id].lock);
	if (e)
		fatal("pthread_mutex_lock: %s", strerror(e));
}

static void unlock_file(uint32_t id)
{
	pthread_mutex_unlock(&files[id].lock);
}

/*
 * Open PATH for a data operation and find its file id from block 0. Returns the descriptor
 * (the file id in *ID, its stat in *ST, the file locked) or -1 when the operation does not
 * apply (counted).
 */
static int open_data(const char *path, int flags, const char *what, uint32_t *id, struct stat *st)
{
	int fd = open(path, flags | O_NOFOLLOW);
	if (fd < 0) {
		allow(errno, what, path, E_OPEN);
		return -1;
	}
	if (fstat(fd, st))
		fatal("fstat %s: %s", path, strerror(errno));
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		mystats->skipped++;
		return -1;
	}
	struct hdr h;
	ssize_t n = pread(fd, &h, HDR, 0);
	if (n < 0)
		fatal("pread (header) %s: %s", path, strerror(errno));
	if (n < HDR || !parse_hdr((unsigned char *)&h, &h) || h.tag != tag || h.id >= sh->nfiles) {
		/* being created, or a header being rewritten as we read it: not now */
		close(fd);
		mystats->skipped++;
		return -1;
	}
	*id = h.id;
	lock_file(*id);
	if (files[*id].ino != (uint64_t)st->st_ino)
		fatal("%s (inode %llu): block 0 names file %u, which was created as inode %llu", path,
		      (unsigned long long)st->st_ino, *id, (unsigned long long)files[*id].ino);
	return fd;
}

static void close_data(int fd, uint32_t id)
{
	unlock_file(id);
	if (close(fd))
		fatal("close: %s", strerror(errno));
}

/*
 * Write blocks [K, K+M) of file ID through FD (locked); records what it wrote. Returns 0, or
 * -1 on ENOSPC (allowed with -E).
 */
static int write_blocks(int fd, uint32_t id, long k, long m, const char *path)
{
	struct file *f = &files[id];
	struct blk *b = blocks_of(id);
	uint32_t gens[256];
	for (long i = 0; i < m; i++) {
		gens[i] = ++f->nextgen;
		make_block(buf + i * bsize, tag, id, (uint64_t)(k + i) * bsize, gens[i]);
	}
	size_t len = (size_t)m * bsize, done = 0;
	off_t off = (off_t)k * bsize;
	int err = 0;
	while (done < len) {
		ssize_t n = pwrite(fd, buf + done, len - done, off + done);
		if (n < 0) {
			err = errno;
			break;
		}
		if (n == 0) {
			err = ENOSPC;
			break;
		}
		done += n;
	}
	for (long i = 0; i < m; i++) {
		size_t bend = (size_t)(i + 1) * bsize;
		if (bend <= done) {
			b[k + i].gen = gens[i];
			b[k + i].len = bsize;
		} else if (bend - bsize < done) {
			b[k + i].gen = GEN_UNKNOWN; /* a short write cut it */
			b[k + i].len = bsize;
		}
	}
	if (done > 0 && (int64_t)(off + done) > f->size)
		f->size = off + done;
	if (err) {
		allow(err, "pwrite", path, E_NONE);
		return -1;
	}
	return 0;
}

static void record_truncate(uint32_t id, int64_t newsize)
{
	struct file *f = &files[id];
	struct blk *b = blocks_of(id);
	if (newsize < f->size) {
		long first = (newsize + bsize - 1) / bsize;
		long last = (f->size + bsize - 1) / bsize;
		for (long k = first; k < last && k < maxblocks; k++)
			b[k].gen = b[k].len = 0;
		if (newsize % bsize) {
			long k = newsize / bsize;
			if (b[k].gen && b[k].len > (uint32_t)(newsize % bsize))
				b[k].len = newsize % bsize;
		}
	}
	f->size = newsize;
}

/* What byte I of block K of file ID must be: into img (bsize bytes), or 0 if unknown. */
static int expected_block(uint32_t id, long k)
{
	struct blk *b = &blocks_of(id)[k];
	if (b->gen == GEN_UNKNOWN)
		return 0;
	if (b->gen == 0) {
		memset(img, 0, bsize);
	} else {
		make_block(img, tag, id, (uint64_t)k * bsize, b->gen);
		memset(img + b->len, 0, bsize - b->len);
	}
	return 1;
}

static void describe_block(char *out, size_t n, const unsigned char *p, size_t len)
{
	struct hdr h;
	if (len >= HDR && parse_hdr(p, &h))
		snprintf(out, n, "a block of file %u at offset %llu generation %u (tag %08x)", h.id,
			 (unsigned long long)h.off, h.gen, h.tag);
	else if (all_zero(p, len))
		snprintf(out, n, "zeros");
	else
		snprintf(out, n, "bytes %02x %02x %02x %02x ... (no valid header)", p[0],
			 len > 1 ? p[1] : 0, len > 2 ? p[2] : 0, len > 3 ? p[3] : 0);
}

/*
 * Compare DATA (LEN bytes, the whole file) with the record of file ID. Returns NULL or a
 * description of the first difference (static buffer).
 */
static const char *compare_record(uint32_t id, const unsigned char *data, int64_t len)
{
	static char msg[1024];
	struct file *f = &files[id];
	if (len != f->size) {
		snprintf(msg, sizeof(msg), "size %lld, expected %lld", (long long)len, (long long)f->size);
		return msg;
	}
	for (long k = 0; (int64_t)k * bsize < len; k++) {
		int64_t boff = (int64_t)k * bsize;
		size_t n = len - boff < bsize ? (size_t)(len - boff) : (size_t)bsize;
		if (!expected_block(id, k))
			continue;
		if (memcmp(img, data + boff, n)) {
			size_t i = 0;
			while (img[i] == data[boff + i])
				i++;
			struct blk *b = &blocks_of(id)[k];
			char found[256];
			describe_block(found, sizeof(found), data + boff, n);
			if (b->gen)
				snprintf(msg, sizeof(msg), "block %ld (offset %lld) should be generation %u "
					 "(%u bytes, zeros after) but holds %s; first bad byte at offset %lld",
					 k, (long long)boff, b->gen, b->len, found, (long long)(boff + i));
			else
				snprintf(msg, sizeof(msg), "block %ld (offset %lld) should be zeros but holds "
					 "%s; first bad byte at offset %lld", k, (long long)boff, found,
					 (long long)(boff + i));
			return msg;
		}
	}
	return NULL;
}

/* Read all of FD (at most LIMIT bytes) into buf; returns the length. */
static int64_t read_whole(int fd, int64_t limit, const char *path)
{
	int64_t done = 0;
	for (;;) {
		ssize_t n = pread(fd, buf + done, limit - done, done);
		if (n < 0)
			fatal("pread %s at %lld: %s", path, (long long)done, strerror(errno));
		if (n == 0 || done + n == limit) {
			done += n;
			break;
		}
		done += n;
	}
	return done;
}

/* The locked file ID open as FD: its content must be the record. Returns its length. */
static int64_t check_locked(int fd, uint32_t id, const char *path)
{
	int64_t len = read_whole(fd, maxsize + bsize, path);
	const char *bad = compare_record(id, buf, len);
	if (bad)
		fatal("%s (file %u): %s", path, id, bad);
	return len;
}

/* ---------- symlink targets and xattr values: self-checking strings ---------- */

/* Random text after PREFIX, then '#' and the checksum of what precedes it: about LEN bytes
 * (room for LEN + 1 in OUT); returns the length. */
static int make_checked(char *out, int len, const char *prefix)
{
	int p = snprintf(out, len, "%s", prefix);
	for (; p < len - 9; p++) {
		int r = (int)rnd_below(27);
		out[p] = r == 26 ? '/' : 'a' + r;
		if (out[p] == '/' && (p == 0 || out[p - 1] == '/'))
			out[p] = 'x';
	}
	if (p == 0)
		out[p++] = 'x';
	snprintf(out + p, 10, "#%08x", fnv32(out, p));
	return p + 9;
}

static int valid_checked(const char *s, size_t len, const char *prefix)
{
	if (len < 9 || s[len - 9] != '#' || strncmp(s, prefix, strlen(prefix)))
		return 0;
	char want[10];
	snprintf(want, sizeof(want), "%08x", fnv32(s, len - 9));
	return !memcmp(s + len - 8, want, 8);
}

static int target_len(void)
{
	return rnd_below(8) ? 10 + (int)rnd_below(60) : 10 + (int)rnd_below(900);
}

static int xattr_len(void)
{
	return rnd_below(8) ? 16 + (int)rnd_below(100) : 16 + (int)rnd_below(600);
}

/* ---------- the operations ---------- */

static void do_create(void)
{
	char path[MAXPATH];
	int depth;
	new_name(path, 'f', &depth);
	if (sh->nfiles >= maxfiles) {
		mystats->skipped++;
		return;
	}
	int fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0644);
	if (fd < 0) {
		allow(errno, "create", path, E_NEW);
		return;
	}
	uint32_t id = __atomic_fetch_add(&sh->nfiles, 1, __ATOMIC_SEQ_CST);
	if (id >= maxfiles) {
		/* the last ones raced past the limit: an empty file without id stays */
		close(fd);
		return;
	}
	struct stat st;
	if (fstat(fd, &st))
		fatal("fstat %s: %s", path, strerror(errno));
	lock_file(id);
	files[id].ino = st.st_ino;
	files[id].size = 0;
	long m = 1 + rnd_below(maxw);
	if (m > maxblocks)
		m = maxblocks;
	if (write_blocks(fd, id, 0, m, path)) {
		/* ENOSPC: back to an empty file, which is one without an id */
		if (ftruncate(fd, 0))
			fatal("ftruncate %s to 0 after ENOSPC: %s", path, strerror(errno));
		record_truncate(id, 0);
	}
	close_data(fd, id);
	cache_add(path, 'f', depth);
}

static void do_mkdir(void)
{
	char path[MAXPATH];
	int depth;
	new_name(path, 'd', &depth);
	if (mkdir(path, 0755)) {
		allow(errno, "mkdir", path, E_NEW);
		return;
	}
	cache_add(path, 'd', depth);
}

static void do_symlink(void)
{
	char path[MAXPATH], target[1024];
	int depth;
	new_name(path, 'l', &depth);
	make_checked(target, target_len(), "");
	if (symlink(target, path)) {
		allow(errno, "symlink", path, E_NEW);
		return;
	}
	cache_add(path, 'l', depth);
}

/* Picks a data file and opens it as open_data does, its name into path; -1 when there is none
 * (counted as skipped) or it cannot be opened. */
static int open_picked(int flags, const char *what, char path[MAXPATH], uint32_t *id, struct stat *st)
{
	struct ent *e = pick('f');
	if (!e) {
		mystats->skipped++;
		return -1;
	}
	snprintf(path, MAXPATH, "%s", e->path);
	return open_data(path, flags, what, id, st);
}

static void do_write(int append)
{
	uint32_t id;
	struct stat st;
	char path[MAXPATH];
	int fd = open_picked(O_RDWR, append ? "open (append)" : "open (write)", path, &id, &st);
	if (fd < 0)
		return;
	struct file *f = &files[id];
	long k, m = 1 + rnd_below(maxw);
	if (append) {
		k = (f->size + bsize - 1) / bsize;
	} else if (f->frozen) {
		mystats->frozen++; /* fsync'd and logged: only appends from now on */
		close_data(fd, id);
		return;
	} else {
		long cur = (f->size + bsize - 1) / bsize;
		k = rnd_below(2) ? rnd_below(cur + 4) : rnd_below(maxblocks);
	}
	if (k >= maxblocks) {
		mystats->full++;
		close_data(fd, id);
		return;
	}
	if (k + m > maxblocks)
		m = maxblocks - k;
	write_blocks(fd, id, k, m, path);
	close_data(fd, id);
}

static void do_truncate(void)
{
	uint32_t id;
	struct stat st;
	char path[MAXPATH];
	int fd = open_picked(O_RDWR, "open (truncate)", path, &id, &st);
	if (fd < 0)
		return;
	if (files[id].frozen) {
		mystats->frozen++;
		close_data(fd, id);
		return;
	}
	/* never below one block: block 0 says which file this is */
	int64_t size = bsize + rnd_below(maxsize - bsize + 1);
	if (rnd_below(2))
		size -= size % bsize;
	else if (size % bsize && size % bsize < HDR)
		size += HDR;
	if (size > maxsize)
		size = maxsize - maxsize % bsize;
	if (ftruncate(fd, size))
		allow(errno, "ftruncate", path, E_NONE);
	else
		record_truncate(id, size);
	close_data(fd, id);
}

static void do_read(void)
{
	uint32_t id;
	struct stat st;
	char path[MAXPATH];
	int fd = open_picked(O_RDONLY, "open (read)", path, &id, &st);
	if (fd < 0)
		return;
	check_locked(fd, id, path);
	close_data(fd, id);
}

/* fsync, and with -f: link as synced/s<ID>, fsync, log. */
static void do_fsync(void)
{
	struct ent *e = pick(rnd_below(4) ? 'f' : 'd');
	if (!e) {
		mystats->skipped++;
		return;
	}
	char path[MAXPATH];
	snprintf(path, sizeof(path), "%s", e->path);
	if (logname && e->type == 'f' && rnd_below(2)) {
		uint32_t id;
		struct stat st;
		int fd = open_data(path, O_RDONLY, "open (fsync)", &id, &st);
		if (fd < 0)
			return;
		struct file *f = &files[id];
		char name[64], proc[64], line[256];
		int n;
		snprintf(name, sizeof(name), "s%u", id);
		if (f->frozen && rnd_below(2) == 0) {
			/* release it: logged first, then it may change again */
			n = snprintf(line, sizeof(line), "%s/%s released\n", SYNCED, name);
			if (write(logfd, line, n) != n)
				fatal("write to %s: %s", logname, strerror(errno));
			if (fsync(logfd))
				fatal("fsync %s: %s", logname, strerror(errno));
			if (unlinkat(synced_fd, name, 0))
				fatal("unlink %s/%s: %s", SYNCED, name, strerror(errno));
			f->frozen = 0;
			close_data(fd, id);
			return;
		}
		if (!f->frozen) {
			snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
			if (linkat(AT_FDCWD, proc, synced_fd, name, AT_SYMLINK_FOLLOW)) {
				/* ENOENT: its last name went meanwhile */
				allow(errno, "link (to synced)", path, (const int[]){ ENOENT, EMLINK, 0 });
				close_data(fd, id);
				return;
			}
			f->frozen = 1;
		}
		if (fsync(fd))
			fatal("fsync %s: %s", path, strerror(errno));
		if (fsync(synced_fd))
			fatal("fsync %s: %s", SYNCED, strerror(errno));
		int64_t len = check_locked(fd, id, path);
		n = snprintf(line, sizeof(line), "%s/%s %lld %016" PRIx64 "\n", SYNCED, name,
				 (long long)len, fnv64(buf, len, FNV64_INIT));
		if (write(logfd, line, n) != n)
			fatal("write to %s: %s", logname, strerror(errno));
		if (fsync(logfd))
			fatal("fsync %s: %s", logname, strerror(errno));
		close_data(fd, id);
		return;
	}
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0) {
		allow(errno, "open (fsync)", path, E_OPEN);
		return;
	}
	if (rnd_below(3) ? fsync(fd) : fdatasync(fd))
		fatal("fsync %s: %s", path, strerror(errno));
	close(fd);
}

static void do_rename(void)
{
	struct ent *e = pick(0);
	if (!e) {
		mystats->skipped++;
		return;
	}
	char src[MAXPATH], dst[MAXPATH];
	snprintf(src, sizeof(src), "%s", e->path);
	int type = e->type, depth;
	struct ent *d = rnd_below(3) ? NULL : pick(rnd_below(2) ? type : 0);
	if (d && !(type == 'd' && d->depth > MAXDEPTH)) {
		snprintf(dst, sizeof(dst), "%s", d->path);
		depth = d->depth;
	} else {
		new_name(dst, type, &depth);
	}
	if (rename(src, dst)) {
		allow(errno, "rename", src, E_RENAME);
		return;
	}
	if (verbose)
		printf("%d.%ld rename %s %s\n", me, opno, src, dst);
	cache_remove(src);
	if (strcmp(src, dst)) {
		cache_remove(dst);
		cache_add(dst, type, depth);
	}
}

static void do_link(void)
{
	struct ent *e = pick('f');
	if (!e) {
		mystats->skipped++;
		return;
	}
	char src[MAXPATH], dst[MAXPATH], proc[64];
	snprintf(src, sizeof(src), "%s", e->path);
	int fd = open(src, O_RDONLY | O_NOFOLLOW);
	if (fd < 0) {
		allow(errno, "open (link)", src, E_OPEN);
		return;
	}
	struct stat st;
	if (fstat(fd, &st))
		fatal("fstat %s: %s", src, strerror(errno));
	if (!S_ISREG(st.st_mode)) {
		/* a directory by now (renamed over): not linkable */
		mystats->skipped++;
		close(fd);
		return;
	}
	int depth;
	new_name(dst, 'f', &depth);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, dst, AT_SYMLINK_FOLLOW))
		allow(errno, "link", dst, E_LINK);
	else
		cache_add(dst, 'f', depth);
	close(fd);
}

static void do_unlink(void)
{
	struct ent *e = pick(rnd_below(4) ? 'f' : 'l');
	if (!e) {
		mystats->skipped++;
		return;
	}
	char path[MAXPATH];
	snprintf(path, sizeof(path), "%s", e->path);
	if (unlink(path)) {
		allow(errno, "unlink", path, E_UNLINK);
		return;
	}
	cache_remove(path);
}

static void do_rmdir(void)
{
	struct ent *e = pick('d');
	if (!e) {
		mystats->skipped++;
		return;
	}
	char path[MAXPATH];
	snprintf(path, sizeof(path), "%s", e->path);
	if (rmdir(path)) {
		allow(errno, "rmdir", path, E_RMDIR);
		return;
	}
	cache_remove(path);
}

static void do_readdir(void)
{
	struct ent *e = rnd_below(4) ? pick('d') : NULL;
	const char *path = e ? e->path : ".";
	DIR *d = opendir(path);
	if (!d) {
		allow(errno, "opendir", path, E_PATH);
		return;
	}
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de) {
			if (errno)
				allow(errno, "readdir", path, E_PATH);
			break;
		}
	}
	closedir(d);
}

static void do_stat(void)
{
	struct ent *e = pick(0);
	if (!e) {
		mystats->skipped++;
		return;
	}
	struct stat st;
	if (lstat(e->path, &st))
		allow(errno, "lstat", e->path, E_PATH);
}

static int open_any(const char *path, const char *what)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		allow(errno, what, path, E_OPEN);
	return fd;
}

static void do_xattr(int set)
{
	if (sh->xattr_off) {
		mystats->skipped++;
		return;
	}
	struct ent *e = pick(rnd_below(4) ? 'f' : 'd');
	if (!e) {
		mystats->skipped++;
		return;
	}
	int fd = open_any(e->path, set ? "open (setxattr)" : "open (removexattr)");
	if (fd < 0)
		return;
	char name[32], value[1024];
	snprintf(name, sizeof(name), "user.x%lld", rnd_below(5));
	int r;
	if (set) {
		char prefix[40];
		snprintf(prefix, sizeof(prefix), "%s:", name);
		int len = make_checked(value, xattr_len(), prefix);
		r = fsetxattr(fd, name, value, len, rnd_below(4) ? 0 : XATTR_CREATE);
	} else {
		r = fremovexattr(fd, name);
	}
	if (r) {
		if (errno == ENOTSUP && set) {
			if (!sh->xattr_off && !quiet)
				printf("fsstress: user xattrs: %s: xattr operations disabled\n", strerror(errno));
			sh->xattr_off = 1;
		} else if (set) {
			allow(errno, "setxattr", e->path, E_SETX);
		} else {
			allow(errno, "removexattr", e->path, E_REMOVEX);
		}
	}
	close(fd);
}

static void do_chmod(void)
{
	struct ent *e = pick(rnd_below(3) ? 'f' : 'd');
	if (!e) {
		mystats->skipped++;
		return;
	}
	int fd = open_any(e->path, "open (chmod)");
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st))
		fatal("fstat %s: %s", e->path, strerror(errno));
	mode_t mode = (S_ISDIR(st.st_mode) ? 0700 : 0600) | (mode_t)rnd_below(0100);
	if (fchmod(fd, mode))
		fatal("fchmod %s: %s", e->path, strerror(errno));
	if (fstat(fd, &st))
		fatal("fstat %s: %s", e->path, strerror(errno));
	if ((st.st_mode & 07777) != mode)
		fatal("%s: mode %o after chmod %o", e->path, st.st_mode & 07777, mode);
	close(fd);
}

static int pick_op(void)
{
	const int *w = enospc_mode ? weights_enospc : weights_normal;
	int total = 0;
	for (int i = 0; i < OP_COUNT; i++)
		total += w[i];
	long long r = rnd_below(total);
	for (int i = 0; i < OP_COUNT; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return OP_STAT;
}

static void child(int idx)
{
	me = idx;
	mystats = &sh->st[idx];
	uint64_t s = seed * 1000003u + (uint64_t)idx * 0x9e3779b97f4a7c15ULL;
	rng_state = splitmix(&s);
	for (opno = 1; opno <= nops && !sh->failed; opno++) {
		if (opno % 32 == 1 || ncache == 0)
			refresh();
		int op = pick_op();
		mystats->ops[op]++;
		if (verbose)
			printf("%d.%ld %s\n", me, opno, op_names[op]);
		switch (op) {
		case OP_CREATE: do_create(); break;
		case OP_MKDIR: do_mkdir(); break;
		case OP_WRITE: do_write(0); break;
		case OP_APPEND: do_write(1); break;
		case OP_TRUNCATE: do_truncate(); break;
		case OP_READ: do_read(); break;
		case OP_RENAME: do_rename(); break;
		case OP_LINK: do_link(); break;
		case OP_UNLINK: do_unlink(); break;
		case OP_RMDIR: do_rmdir(); break;
		case OP_SYMLINK: do_symlink(); break;
		case OP_READDIR: do_readdir(); break;
		case OP_STAT: do_stat(); break;
		case OP_SETXATTR: do_xattr(1); break;
		case OP_REMOVEXATTR: do_xattr(0); break;
		case OP_FSYNC: do_fsync(); break;
		case OP_CHMOD: do_chmod(); break;
		}
		mystats->done++;
		if (enospc_mode && enospc_seen >= ENOSPC_STOP)
			break;
	}
	exit(0);
}

/* ---------- verify ---------- */

struct name {
	uint64_t ino;
	uint64_t nlink;
	int type;
	char *path;
};
static struct name *names;
static long nnames, capnames;
static long problems;
static long nfiles_seen, ndirs_seen, nlinks_seen, nempty, ntorn, nxattrs;

static void problem(const char *fmt, ...)
{
	va_list ap;
	problems++;
	if (problems > 30)
		return;
	printf("fsstress: verify: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void add_name(const char *path, const struct stat *st, int type)
{
	if (nnames == capnames) {
		capnames = capnames ? capnames * 2 : 1024;
		names = realloc(names, capnames * sizeof(*names));
		if (!names)
			fatal("out of memory");
	}
	names[nnames].ino = st->st_ino;
	names[nnames].nlink = st->st_nlink;
	names[nnames].type = type;
	names[nnames].path = strdup(path);
	nnames++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void verify_xattrs(int fd, const char *path)
{
	char list[4096], value[4096];
	ssize_t n = flistxattr(fd, list, sizeof(list));
	if (n < 0) {
		if (errno != ENOTSUP)
			problem("%s: listxattr: %s", path, strerror(errno));
		return;
	}
	for (char *p = list; p < list + n; p += strlen(p) + 1) {
		if (strncmp(p, "user.", 5))
			continue;
		ssize_t v = fgetxattr(fd, p, value, sizeof(value));
		if (v < 0) {
			problem("%s: getxattr %s: %s", path, p, strerror(errno));
			continue;
		}
		char prefix[300];
		snprintf(prefix, sizeof(prefix), "%.255s:", p);
		if (!valid_checked(value, v, prefix))
			problem("%s: xattr %s: value of %zd bytes is not the one written (%.40s...)", path, p,
				v, value);
		nxattrs++;
	}
}

static void walk(const char *path, int depth)
{
	DIR *d = opendir(path);
	if (!d) {
		problem("%s: opendir: %s", path, strerror(errno));
		return;
	}
	struct stat dst;
	if (fstat(dirfd(d), &dst))
		problem("%s: fstat: %s", path, strerror(errno));
	verify_xattrs(dirfd(d), path);
	char **list = NULL;
	long n = 0, cap = 0;
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de) {
			if (errno)
				problem("%s: readdir: %s", path, strerror(errno));
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			list = realloc(list, cap * sizeof(*list));
			if (!list)
				fatal("out of memory");
		}
		/* the name, then its d_type after the NUL */
		size_t l = strlen(de->d_name);
		list[n] = malloc(l + 2);
		memcpy(list[n], de->d_name, l + 1);
		list[n][l + 1] = (char)de->d_type;
		n++;
	}
	closedir(d);
	qsort(list, n, sizeof(*list), cmp_str);
	long subdirs = 0;
	char sub[4096];
	for (long i = 0; i < n; i++) {
		if (i > 0 && !strcmp(list[i], list[i - 1]))
			problem("%s: readdir lists %s twice", path, list[i]);
		if (!strcmp(path, "."))
			snprintf(sub, sizeof(sub), "%s", list[i]);
		else
			snprintf(sub, sizeof(sub), "%s/%s", path, list[i]);
		int dtype = (unsigned char)list[i][strlen(list[i]) + 1];
		struct stat st;
		if (lstat(sub, &st)) {
			problem("%s: listed by readdir, but lstat: %s", sub, strerror(errno));
			continue;
		}
		int t = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG :
			S_ISLNK(st.st_mode) ? DT_LNK : -1;
		if (t < 0) {
			problem("%s: unexpected file type (mode %o)", sub, st.st_mode);
			continue;
		}
		if (dtype != DT_UNKNOWN && dtype != t)
			problem("%s: readdir says type %d, lstat says %d", sub, dtype, t);
		if (t == DT_DIR) {
			subdirs++;
			ndirs_seen++;
			walk(sub, depth + 1);
		} else if (t == DT_LNK) {
			char target[4096];
			ssize_t l = readlink(sub, target, sizeof(target));
			if (l < 0)
				problem("%s: readlink: %s", sub, strerror(errno));
			else if (l != st.st_size)
				problem("%s: readlink gives %zd bytes, lstat size %lld", sub, l, (long long)st.st_size);
			else if (!valid_checked(target, l, ""))
				problem("%s: symlink target is not the one written: %.60s", sub, target);
			add_name(sub, &st, 'l');
		} else {
			add_name(sub, &st, 'f');
		}
		free(list[i]);
	}
	free(list);
	if (dst.st_nlink != (nlink_t)(2 + subdirs))
		problem("%s: directory link count %llu, but it has %ld subdirectories (expected %ld)", path,
			(unsigned long long)dst.st_nlink, subdirs, 2 + subdirs);
}

static int cmp_name(const void *a, const void *b)
{
	const struct name *x = a, *y = b;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->path, y->path);
}

struct idseen {
	uint32_t tag, id;
	uint64_t ino;
	const char *path;
};
static struct idseen *ids;
static long nids;

static int cmp_id(const void *a, const void *b)
{
	const struct idseen *x = a, *y = b;
	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return 0;
}

/*
 * A file, read whole into buf (LEN bytes), without the writers' record: every block zero or a
 * valid block of this file (one tag and id for all) at its own offset; a block may be cut short
 * (then zeros), or, up to -T of them, hold another payload behind a valid header.
 */
static void check_relaxed(const char *path, const struct stat *st, int64_t len)
{
	struct hdr first = { 0 };
	int have = 0;
	for (int64_t boff = 0; boff < len; boff += bsize) {
		size_t n = len - boff < bsize ? (size_t)(len - boff) : (size_t)bsize;
		const unsigned char *p = buf + boff;
		if (all_zero(p, n))
			continue;
		struct hdr h;
		if (n < HDR) {
			/* cut inside the header: its magic, id and offset must be this file's */
			struct hdr w = { MAGIC, first.id, (uint64_t)boff, 0, 0, 0, 0 };
			size_t m = n < (have ? 16 : 4) ? n : (have ? 16 : 4);
			if (memcmp(&w, p, m))
				problem("%s: the %zu bytes at offset %lld are neither zeros nor the start "
					"of a block of this file", path, n, (long long)boff);
			continue;
		}
		if (!parse_hdr(p, &h)) {
			char found[256];
			describe_block(found, sizeof(found), p, n);
			problem("%s: block at offset %lld holds no valid header: %s", path, (long long)boff, found);
			continue;
		}
		if (!have) {
			first = h;
			have = 1;
		}
		if (h.tag != first.tag || h.id != first.id || h.off != (uint64_t)boff ||
		    h.bsize != (uint32_t)bsize) {
			problem("%s: block at offset %lld belongs to file %u (tag %08x) at offset %llu, "
				"block size %u; the file is file %u (tag %08x)", path, (long long)boff, h.id,
				h.tag, (unsigned long long)h.off, h.bsize, first.id, first.tag);
			continue;
		}
		make_block(img, h.tag, h.id, boff, h.gen);
		if (memcmp(img, p, n)) {
			size_t i = 0;
			while (img[i] == p[i])
				i++;
			if (!all_zero(p + i, n - i)) {
				ntorn++;
				if (ntorn > torn_allowed)
					problem("%s: block at offset %lld (generation %u): payload differs from "
						"byte %zu on (more than -T %ld such blocks)", path, (long long)boff,
						h.gen, i, torn_allowed);
			}
		}
	}
	if (!have) {
		nempty++;
		return;
	}
	ids = realloc(ids, (nids + 1) * sizeof(*ids));
	ids[nids++] = (struct idseen){ first.tag, first.id, st->st_ino, path };
}

/* A file with the writers' record: exact. */
static void check_strict(const char *path, const struct stat *st, int64_t len)
{
	struct hdr h;
	if (len == 0) {
		nempty++; /* created, and its first write hit ENOSPC (or the file limit) */
		return;
	}
	if (len < HDR || !parse_hdr(buf, &h)) {
		char found[256];
		describe_block(found, sizeof(found), buf, len < bsize ? len : bsize);
		problem("%s: %lld bytes, but block 0 holds no valid header: %s", path, (long long)len, found);
		return;
	}
	if (h.tag != tag || h.id >= sh->nfiles || h.id >= maxfiles) {
		problem("%s: block 0 is of file %u tag %08x, not of this run (tag %08x, %u files)", path, h.id,
			h.tag, tag, sh->nfiles);
		return;
	}
	if (files[h.id].ino != (uint64_t)st->st_ino)
		problem("%s: inode %llu holds file %u, which was created as inode %llu", path,
			(unsigned long long)st->st_ino, h.id, (unsigned long long)files[h.id].ino);
	const char *bad = compare_record(h.id, buf, len);
	if (bad)
		problem("%s (file %u): %s", path, h.id, bad);
	ids = realloc(ids, (nids + 1) * sizeof(*ids));
	ids[nids++] = (struct idseen){ h.tag, h.id, st->st_ino, path };
}

static void check_file(const char *path, int strict)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0) {
		problem("%s: open: %s", path, strerror(errno));
		return;
	}
	struct stat st;
	if (fstat(fd, &st)) {
		problem("%s: fstat: %s", path, strerror(errno));
		close(fd);
		return;
	}
	verify_xattrs(fd, path);
	if (st.st_size > maxsize) {
		problem("%s: size %lld, but no file grows beyond %lld", path, (long long)st.st_size,
			(long long)maxsize);
		close(fd);
		return;
	}
	int64_t len = 0;
	for (;;) {
		ssize_t n = pread(fd, buf + len, maxsize + bsize - len, len);
		if (n < 0) {
			problem("%s: pread at %lld: %s", path, (long long)len, strerror(errno));
			close(fd);
			return;
		}
		if (n == 0)
			break;
		len += n;
		if (len >= maxsize + bsize)
			break;
	}
	close(fd);
	if (len != st.st_size) {
		problem("%s: read %lld bytes, size %lld", path, (long long)len, (long long)st.st_size);
		return;
	}
	if (strict)
		check_strict(path, &st, len);
	else
		check_relaxed(path, &st, len);
}

/* The last line for each path in the crash log: at least SIZE bytes, the first SIZE with CHECKSUM. */
static long check_log(void)
{
	FILE *f = fopen(logname, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0; /* nothing was fsync'd */
		problem("%s: %s", logname, strerror(errno));
		return 0;
	}
	struct logline { char path[256]; long long size; uint64_t sum; } *l = NULL;
	long n = 0;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		struct logline e;
		char word[16];
		if (sscanf(line, "%255s %15s", e.path, word) == 2 && !strcmp(word, "released")) {
			e.size = -1; /* no longer promised */
			e.sum = 0;
		} else if (sscanf(line, "%255s %lld %" SCNx64, e.path, &e.size, &e.sum) != 3) {
			problem("%s: a line that is not PATH SIZE CHECKSUM: %s", logname, line);
			continue;
		}
		long i;
		for (i = 0; i < n; i++)
			if (!strcmp(l[i].path, e.path))
				break;
		if (i == n) {
			l = realloc(l, (n + 1) * sizeof(*l));
			n++;
		}
		l[i] = e;
	}
	fclose(f);
	long checked = 0;
	for (long i = 0; i < n; i++) {
		if (l[i].size < 0)
			continue;
		checked++;
		int fd = open(l[i].path, O_RDONLY | O_NOFOLLOW);
		if (fd < 0) {
			problem("%s (fsync'd with %lld bytes): open: %s", l[i].path, l[i].size, strerror(errno));
			continue;
		}
		int64_t got = 0;
		while (got < l[i].size) {
			ssize_t r = pread(fd, buf + got, l[i].size - got, got);
			if (r <= 0) {
				if (r < 0)
					problem("%s: pread: %s", l[i].path, strerror(errno));
				break;
			}
			got += r;
		}
		close(fd);
		if (got < l[i].size) {
			problem("%s: fsync'd with %lld bytes, now has %lld", l[i].path, l[i].size, (long long)got);
			continue;
		}
		uint64_t sum = fnv64(buf, got, FNV64_INIT);
		if (sum != l[i].sum)
			problem("%s: the first %lld bytes (fsync'd) have checksum %016" PRIx64 ", fsync'd %016"
				PRIx64, l[i].path, l[i].size, sum, l[i].sum);
	}
	free(l);
	return checked;
}

static int verify(int strict)
{
	struct stat root;
	if (stat(".", &root))
		fatal("stat %s: %s", dir, strerror(errno));
	walk(".", 0);
	qsort(names, nnames, sizeof(*names), cmp_name);
	for (long i = 0; i < nnames;) {
		long j = i;
		while (j < nnames && names[j].ino == names[i].ino)
			j++;
		long count = j - i;
		for (long k = i; k < j; k++)
			if (names[k].nlink != names[i].nlink || names[k].type != names[i].type)
				problem("%s and %s: the same inode %llu, but link counts %llu and %llu", names[i].path,
					names[k].path, (unsigned long long)names[i].ino,
					(unsigned long long)names[i].nlink, (unsigned long long)names[k].nlink);
		if ((long)names[i].nlink != count) {
			char others[512] = "";
			size_t o = 0;
			for (long k = i; k < j && o < sizeof(others) - 80; k++)
				o += snprintf(others + o, sizeof(others) - o, " %s", names[k].path);
			problem("inode %llu: link count %llu, but %ld names found:%s",
				(unsigned long long)names[i].ino, (unsigned long long)names[i].nlink, count, others);
		}
		if (names[i].type == 'f') {
			nfiles_seen++;
			check_file(names[i].path, strict);
		} else {
			nlinks_seen++;
		}
		i = j;
	}
	qsort(ids, nids, sizeof(*ids), cmp_id);
	for (long i = 1; i < nids; i++)
		if (ids[i].tag == ids[i - 1].tag && ids[i].id == ids[i - 1].id)
			problem("%s (inode %llu) and %s (inode %llu): two files with the data of file %u",
				ids[i - 1].path, (unsigned long long)ids[i - 1].ino, ids[i].path,
				(unsigned long long)ids[i].ino, ids[i].id);
	long logged = 0;
	if (logname && verify_only)
		logged = check_log();
	if (!quiet)
		printf("fsstress: verify: %ld files, %ld directories, %ld symlinks, %ld xattrs, %ld files "
		       "empty, %ld torn blocks, %ld fsync'd files checked\n", nfiles_seen, ndirs_seen,
		       nlinks_seen, nxattrs, nempty, ntorn, logged);
	if (problems) {
		if (verify_only)
			printf("fsstress: verify FAILED: %ld problems\n", problems);
		else
			printf("fsstress: verify FAILED: %ld problems (seed %" PRIu64 ")\n", problems, seed);
		return 1;
	}
	return 0;
}

/* ---------- main ---------- */

static void print_stats(void)
{
	struct stats t = { 0 };
	for (int p = 0; p < nprocs; p++) {
		for (int i = 0; i < OP_COUNT; i++)
			t.ops[i] += sh->st[p].ops[i];
		for (int i = 0; i < NCOUNTED; i++)
			t.errs[i] += sh->st[p].errs[i];
		t.skipped += sh->st[p].skipped;
		t.frozen += sh->st[p].frozen;
		t.full += sh->st[p].full;
		t.done += sh->st[p].done;
	}
	printf("fsstress: %ld ops:", t.done);
	for (int i = 0; i < OP_COUNT; i++)
		printf(" %s %ld", op_names[i], t.ops[i]);
	printf("; skipped: %ld (nothing to do), %ld (frozen), %ld (full); %u files created\n", t.skipped,
	       t.frozen, t.full, sh->nfiles);
	printf("fsstress: errors counted:");
	for (int i = 0; i < NCOUNTED; i++)
		if (t.errs[i])
			printf(" %s %ld", strerrorname_np(counted_errnos[i]), t.errs[i]);
	printf("\n");
}

static void usage(void)
{
	fprintf(stderr, "usage: fsstress -d DIR [-p procs] [-n ops] [-s seed] [-l maxsize] [-b block] "
		"[-w blocks] [-F maxfiles] [-E] [-f log] [-q] [-v]\n"
		"       fsstress -d DIR -V [-b block] [-l maxsize] [-T torn] [-f log] [-q]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int c, seeded = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "d:p:n:s:l:b:w:F:Ef:VT:qv")) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'p': nprocs = number(optarg); break;
		case 'n': nops = number(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); seeded = 1; break;
		case 'l': maxsize = number(optarg); break;
		case 'b': bsize = number(optarg); break;
		case 'w': maxw = number(optarg); break;
		case 'F': maxfiles = number(optarg); break;
		case 'E': enospc_mode = 1; break;
		case 'f': logname = optarg; break;
		case 'V': verify_only = 1; break;
		case 'T': torn_allowed = number(optarg); break;
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (!dir || optind != argc)
		usage();
	if (bsize < 512 || bsize % 512 || bsize > 65536 || maxw < 1 || maxw > 256 || nprocs < 1 ||
	    nprocs > 64 || maxsize < bsize) {
		fprintf(stderr, "fsstress: -b must be a multiple of 512 (at most 64K), -w 1..256, -p 1..64, "
			"-l at least -b\n");
		exit(2);
	}
	maxsize -= maxsize % bsize;
	maxblocks = maxsize / bsize;
	if (!maxfiles)
		maxfiles = nprocs * nops / 4 + 16;
	if (!seeded) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (((uint64_t)ts.tv_sec * 1000003u) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20))
		       % 1000000000u;
	}
	buf = malloc(maxsize + 2 * (size_t)bsize + (size_t)maxw * bsize);
	img = malloc(bsize);
	if (!buf || !img) {
		fprintf(stderr, "fsstress: out of memory\n");
		exit(2);
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "fsstress: mkdir %s: %s\n", dir, strerror(errno));
		exit(1);
	}
	if (logname && logname[0] != '/') {
		/* relative to where we were started, not to DIR */
		char *abs = realpath(".", NULL);
		char *l = malloc(strlen(abs) + strlen(logname) + 2);
		sprintf(l, "%s/%s", abs, logname);
		logname = l;
	}
	if (chdir(dir)) {
		fprintf(stderr, "fsstress: cd %s: %s\n", dir, strerror(errno));
		exit(1);
	}

	if (verify_only) {
		int r = verify(0);
		if (!r)
			printf("fsstress: verify ok\n");
		return r;
	}

	/* The run's tag: tells this run's blocks from an earlier run's. */
	uint64_t ts = seed ^ (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
	tag = (uint32_t)splitmix(&ts) | 1;

	size_t shsize = sizeof(struct shared) + nprocs * sizeof(struct stats);
	sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	files = mmap(NULL, maxfiles * sizeof(struct file), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	blocks = mmap(NULL, (size_t)maxfiles * maxblocks * sizeof(struct blk), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (sh == MAP_FAILED || files == MAP_FAILED || blocks == MAP_FAILED) {
		fprintf(stderr, "fsstress: shared memory: %s\n", strerror(errno));
		exit(2);
	}
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	for (long i = 0; i < maxfiles; i++)
		pthread_mutex_init(&files[i].lock, &ma);

	if (logname) {
		logfd = open(logname, O_WRONLY | O_APPEND | O_CREAT, 0644);
		if (logfd < 0) {
			fprintf(stderr, "fsstress: %s: %s\n", logname, strerror(errno));
			exit(1);
		}
		if (mkdir(SYNCED, 0755) && errno != EEXIST)
			fatal("mkdir %s: %s", SYNCED, strerror(errno));
		synced_fd = open(SYNCED, O_RDONLY | O_DIRECTORY);
		if (synced_fd < 0)
			fatal("open %s: %s", SYNCED, strerror(errno));
	}
	if (!quiet)
		printf("fsstress: %s: seed %" PRIu64 ", %d procs, %ld ops each, maxsize %lld, block %d, "
		       "tag %08x%s%s%s\n", dir, seed, nprocs, nops, maxsize, bsize, tag,
		       enospc_mode ? ", ENOSPC expected" : "", logname ? ", log " : "", logname ? logname : "");
	fflush(stdout);

	pid_t pids[64], parent = getpid();
	for (int i = 0; i < nprocs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fsstress: fork");
			sh->failed = 1;
			nprocs = i;
			break;
		}
		if (pids[i] == 0) {
			/* a parent killed (by a test giving up) takes its children along */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(1);
			child(i);
		}
	}
	int failed = 0;
	for (int left = nprocs; left > 0; left--) {
		int status;
		pid_t p = wait(&status);
		if (p < 0)
			break;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			if (!failed) {
				for (int i = 0; i < nprocs; i++)
					if (pids[i] != p)
						kill(pids[i], SIGKILL);
			}
			if (!failed && (!WIFEXITED(status) || WEXITSTATUS(status) != 1 || !sh->failed)) {
				for (int i = 0; i < nprocs; i++)
					if (pids[i] == p)
						printf("fsstress: proc %d %s %d\n", i,
						       WIFEXITED(status) ? "exited with" : "killed by signal",
						       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			}
			failed = 1;
		}
	}
	if (failed || sh->failed) {
		printf("fsstress: FAILED (seed %" PRIu64 ")\n", seed);
		return 1;
	}
	if (!quiet)
		print_stats();
	long enospc = 0;
	for (int p = 0; p < nprocs; p++)
		enospc += sh->st[p].errs[counted_index(ENOSPC)];
	int r = verify(1);
	if (r)
		return r;
	if (enospc_mode)
		printf("fsstress: ENOSPC %s\n", enospc ? "reached" : "not reached");
	printf("fsstress: %d procs, %ld ops each, seed %" PRIu64 ", verify ok\n", nprocs, nops, seed);
	return 0;
}
