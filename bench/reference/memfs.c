/*
 * memfs: the C reference for nvmfs's FUSE benchmarks (bench/run-fuse.sh builds and mounts it).
 * Same design as nvmfs's data path: libfuse 2 low-level API, node id = inode number, file data
 * in one mapped file (MAP_SHARED on a file in /dev/shm), a read/write lock per file, files
 * addressed by handle, libfuse's multithreaded loop. Metadata (one flat directory level is
 * enough for the benchmarks, but any depth works) lives in DRAM, names in a hash index. Not a product: no persistence
 * protocol, no xattrs (getxattr answers ENODATA, as nvmfs does for an absent attribute, so the
 * kernel's security.capability query costs both the same round trip).
 *
 *   memfs BACKING_FILE SIZE_MIB MOUNTPOINT [-o attr_timeout=S,entry_timeout=S,...]
 */
#define FUSE_USE_VERSION 26
#include <fuse_lowlevel.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_INODES (1 << 20)
#define CHUNK (1 << 20) /* file data is allocated in 1 MiB chunks of the mapping */

struct node {
    int used;
    mode_t mode;
    nlink_t nlink;
    off_t size;
    fuse_ino_t parent;
    char *name;
    size_t nchunks;
    size_t *chunks;           /* chunk numbers in the mapping */
    pthread_rwlock_t lock;
};

static struct node *nodes;
/* Name index: hash of (parent, name) -> chain of inodes through next_in_bucket. */
#define BUCKETS (1 << 20)
static fuse_ino_t *bucket, *next_in_bucket;
/* Free inode numbers, a stack. */
static fuse_ino_t *free_inodes;
static size_t nfree_inodes;
static pthread_mutex_t meta = PTHREAD_MUTEX_INITIALIZER; /* names, inode and chunk allocation */
static char *data;
static size_t total_chunks, next_chunk;
static size_t *free_chunks, nfree;
static double attr_timeout = 1.0, entry_timeout = 1.0;

static void fill_stat(fuse_ino_t ino, struct stat *st) {
    memset(st, 0, sizeof *st);
    st->st_ino = ino;
    st->st_mode = nodes[ino].mode;
    st->st_nlink = nodes[ino].nlink;
    st->st_size = nodes[ino].size;
    st->st_blocks = (blkcnt_t) nodes[ino].nchunks * (CHUNK / 512);
    st->st_blksize = 4096;
}

static size_t hash(fuse_ino_t parent, const char *name) {
    size_t h = 1469598103934665603ULL ^ parent;
    for (const char *c = name; *c; c++) h = (h ^ (unsigned char) *c) * 1099511628211ULL;
    return h & (BUCKETS - 1);
}

static fuse_ino_t find(fuse_ino_t parent, const char *name) {
    for (fuse_ino_t i = bucket[hash(parent, name)]; i; i = next_in_bucket[i])
        if (nodes[i].parent == parent && strcmp(nodes[i].name, name) == 0) return i;
    return 0;
}

static void unindex(fuse_ino_t ino) {
    fuse_ino_t *p = &bucket[hash(nodes[ino].parent, nodes[ino].name)];
    while (*p != ino) p = &next_in_bucket[*p];
    *p = next_in_bucket[ino];
}

static fuse_ino_t new_node(fuse_ino_t parent, const char *name, mode_t mode) {
    if (nfree_inodes == 0) return 0;
    {
        fuse_ino_t i = free_inodes[--nfree_inodes];
        {
            size_t h = hash(parent, name);
            nodes[i].used = 1;
            nodes[i].mode = mode;
            nodes[i].nlink = S_ISDIR(mode) ? 2 : 1;
            nodes[i].size = 0;
            nodes[i].parent = parent;
            nodes[i].name = strdup(name);
            next_in_bucket[i] = bucket[h];
            bucket[h] = i;
            nodes[i].nchunks = 0;
            nodes[i].chunks = NULL;
            pthread_rwlock_init(&nodes[i].lock, NULL);
            return i;
        }
    }
}

static void reply_entry(fuse_req_t req, fuse_ino_t ino) {
    struct fuse_entry_param e;
    memset(&e, 0, sizeof e);
    e.ino = ino;
    e.attr_timeout = attr_timeout;
    e.entry_timeout = entry_timeout;
    fill_stat(ino, &e.attr);
    fuse_reply_entry(req, &e);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name) {
    pthread_mutex_lock(&meta);
    fuse_ino_t ino = find(parent, name);
    pthread_mutex_unlock(&meta);
    if (!ino) fuse_reply_err(req, ENOENT); else reply_entry(req, ino);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void) fi;
    if (!nodes[ino].used) { fuse_reply_err(req, ENOENT); return; }
    struct stat st;
    fill_stat(ino, &st);
    fuse_reply_attr(req, &st, attr_timeout);
}

static int ensure_chunks(struct node *n, off_t end) {
    size_t need = (size_t) ((end + CHUNK - 1) / CHUNK);
    if (need <= n->nchunks) return 0;
    pthread_mutex_lock(&meta);
    size_t *c = realloc(n->chunks, need * sizeof *c);
    if (!c) { pthread_mutex_unlock(&meta); return ENOMEM; }
    n->chunks = c;
    while (n->nchunks < need) {
        size_t k;
        if (nfree) k = free_chunks[--nfree];
        else if (next_chunk < total_chunks) k = next_chunk++;
        else { pthread_mutex_unlock(&meta); return ENOSPC; }
        n->chunks[n->nchunks++] = k;
    }
    pthread_mutex_unlock(&meta);
    return 0;
}

static void release_chunks(struct node *n, size_t keep) {
    pthread_mutex_lock(&meta);
    while (n->nchunks > keep) free_chunks[nfree++] = n->chunks[--n->nchunks];
    pthread_mutex_unlock(&meta);
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi) {
    (void) fi;
    struct node *n = &nodes[ino];
    if (to_set & FUSE_SET_ATTR_SIZE) {
        pthread_rwlock_wrlock(&n->lock);
        int err = ensure_chunks(n, attr->st_size);
        if (!err) {
            if (attr->st_size > n->size) {
                for (off_t p = n->size; p < attr->st_size;) {
                    off_t in = p % CHUNK, len = CHUNK - in;
                    if (len > attr->st_size - p) len = attr->st_size - p;
                    memset(data + n->chunks[p / CHUNK] * (size_t) CHUNK + in, 0, (size_t) len);
                    p += len;
                }
            }
            n->size = attr->st_size;
            release_chunks(n, (size_t) ((n->size + CHUNK - 1) / CHUNK));
        }
        pthread_rwlock_unlock(&n->lock);
        if (err) { fuse_reply_err(req, err); return; }
    }
    if (to_set & FUSE_SET_ATTR_MODE) n->mode = (n->mode & S_IFMT) | (attr->st_mode & 07777);
    struct stat st;
    fill_stat(ino, &st);
    fuse_reply_attr(req, &st, attr_timeout);
}

static void make(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi) {
    pthread_mutex_lock(&meta);
    if (find(parent, name)) { pthread_mutex_unlock(&meta); fuse_reply_err(req, EEXIST); return; }
    fuse_ino_t ino = new_node(parent, name, mode);
    if (ino && S_ISDIR(mode)) nodes[parent].nlink++;
    pthread_mutex_unlock(&meta);
    if (!ino) { fuse_reply_err(req, ENOSPC); return; }
    if (fi) {
        struct fuse_entry_param e;
        memset(&e, 0, sizeof e);
        e.ino = ino;
        e.attr_timeout = attr_timeout;
        e.entry_timeout = entry_timeout;
        fill_stat(ino, &e.attr);
        fi->fh = ino;
        fi->keep_cache = 1;
        fuse_reply_create(req, &e, fi);
    } else {
        reply_entry(req, ino);
    }
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev) {
    (void) rdev;
    make(req, parent, name, mode, NULL);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode) {
    make(req, parent, name, S_IFDIR | mode, NULL);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi) {
    make(req, parent, name, mode, fi);
}

static void drop(fuse_req_t req, fuse_ino_t parent, const char *name, int dir) {
    pthread_mutex_lock(&meta);
    fuse_ino_t ino = find(parent, name);
    if (!ino) { pthread_mutex_unlock(&meta); fuse_reply_err(req, ENOENT); return; }
    if (dir) {
        for (fuse_ino_t i = 2; i < MAX_INODES; i++)
            if (nodes[i].used && nodes[i].parent == ino) { pthread_mutex_unlock(&meta); fuse_reply_err(req, ENOTEMPTY); return; }
        nodes[parent].nlink--;
    }
    unindex(ino);
    pthread_mutex_unlock(&meta);
    release_chunks(&nodes[ino], 0);
    pthread_mutex_lock(&meta);
    free(nodes[ino].chunks);
    nodes[ino].chunks = NULL;
    free(nodes[ino].name);
    nodes[ino].used = 0;
    free_inodes[nfree_inodes++] = ino;
    pthread_mutex_unlock(&meta);
    fuse_reply_err(req, 0);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name) { drop(req, parent, name, 0); }
static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name) { drop(req, parent, name, 1); }

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    fi->fh = ino;
    fi->keep_cache = 1;
    if (fi->flags & O_TRUNC) {
        pthread_rwlock_wrlock(&nodes[ino].lock);
        nodes[ino].size = 0;
        release_chunks(&nodes[ino], 0);
        pthread_rwlock_unlock(&nodes[ino].lock);
    }
    fuse_reply_open(req, fi);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    (void) ino;
    struct node *n = &nodes[fi->fh];
    char *buf = malloc(size ? size : 1);
    pthread_rwlock_rdlock(&n->lock);
    size_t got = 0;
    if (off < n->size) {
        if ((off_t) size > n->size - off) size = (size_t) (n->size - off);
        while (got < size) {
            off_t p = off + (off_t) got, in = p % CHUNK;
            size_t len = CHUNK - (size_t) in;
            if (len > size - got) len = size - got;
            memcpy(buf + got, data + n->chunks[p / CHUNK] * (size_t) CHUNK + in, len);
            got += len;
        }
    }
    pthread_rwlock_unlock(&n->lock);
    fuse_reply_buf(req, buf, got);
    free(buf);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
    (void) ino;
    struct node *n = &nodes[fi->fh];
    pthread_rwlock_wrlock(&n->lock);
    int err = ensure_chunks(n, off + (off_t) size);
    if (err) { pthread_rwlock_unlock(&n->lock); fuse_reply_err(req, err); return; }
    size_t done = 0;
    while (done < size) {
        off_t p = off + (off_t) done, in = p % CHUNK;
        size_t len = CHUNK - (size_t) in;
        if (len > size - done) len = size - done;
        memcpy(data + n->chunks[p / CHUNK] * (size_t) CHUNK + in, buf + done, len);
        done += len;
    }
    if (off + (off_t) size > n->size) n->size = off + (off_t) size;
    pthread_rwlock_unlock(&n->lock);
    fuse_reply_write(req, size);
}

static void op_ok(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void) ino; (void) fi;
    fuse_reply_err(req, 0);
}

static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi) {
    (void) ino; (void) datasync; (void) fi;
    fuse_reply_err(req, 0);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    fi->fh = ino;
    fuse_reply_open(req, fi);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    (void) fi;
    char *buf = calloc(1, size);
    size_t used = 0;
    struct stat st;
    memset(&st, 0, sizeof st);
    pthread_mutex_lock(&meta);
    /* Offsets: 1 ".", 2 "..", then inode i at position i + 2. */
    for (off_t p = off + 1; p < MAX_INODES + 2; p++) {
        const char *name;
        fuse_ino_t i = (fuse_ino_t) (p - 2);
        if (p == 1) { name = "."; st.st_ino = ino; st.st_mode = S_IFDIR; }
        else if (p == 2) { name = ".."; st.st_ino = nodes[ino].parent; st.st_mode = S_IFDIR; }
        else if (i >= 2 && nodes[i].used && nodes[i].parent == ino) { name = nodes[i].name; st.st_ino = i; st.st_mode = nodes[i].mode; }
        else continue;
        size_t need = fuse_add_direntry(req, buf + used, size - used, name, &st, p);
        if (need > size - used) break;
        used += need;
    }
    pthread_mutex_unlock(&meta);
    fuse_reply_buf(req, buf, used);
    free(buf);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino) {
    (void) ino;
    struct statvfs s;
    memset(&s, 0, sizeof s);
    s.f_bsize = s.f_frsize = CHUNK;
    s.f_blocks = total_chunks;
    s.f_bfree = s.f_bavail = total_chunks - next_chunk + nfree;
    s.f_namemax = 255;
    fuse_reply_statfs(req, &s);
}

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size) {
    (void) ino; (void) name; (void) size;
    fuse_reply_err(req, ENODATA);
}

static const struct fuse_lowlevel_ops ops = {
    .lookup = op_lookup, .getattr = op_getattr, .setattr = op_setattr, .mknod = op_mknod, .mkdir = op_mkdir,
    .unlink = op_unlink, .rmdir = op_rmdir, .open = op_open, .read = op_read, .write = op_write,
    .flush = op_ok, .release = op_ok, .fsync = op_fsync, .opendir = op_opendir, .readdir = op_readdir,
    .releasedir = op_ok, .statfs = op_statfs, .create = op_create, .getxattr = op_getxattr,
};

int main(int argc, char *argv[]) {
    if (argc < 4) {
        fprintf(stderr, "usage: memfs BACKING_FILE SIZE_MIB MOUNTPOINT [-o opts]\n");
        return 2;
    }
    size_t mib = strtoul(argv[2], NULL, 10);
    int fd = open(argv[1], O_RDWR | O_CREAT, 0600);
    if (fd < 0 || ftruncate(fd, (off_t) mib << 20) != 0) { perror(argv[1]); return 1; }
    data = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (data == MAP_FAILED) { perror("mmap"); return 1; }
    total_chunks = mib;
    free_chunks = malloc(total_chunks * sizeof *free_chunks);
    nodes = calloc(MAX_INODES, sizeof *nodes);
    bucket = calloc(BUCKETS, sizeof *bucket);
    next_in_bucket = calloc(MAX_INODES, sizeof *next_in_bucket);
    free_inodes = malloc(MAX_INODES * sizeof *free_inodes);
    for (fuse_ino_t i = MAX_INODES - 1; i >= 2; i--) free_inodes[nfree_inodes++] = i;
    nodes[1].used = 1;
    nodes[1].mode = S_IFDIR | 0755;
    nodes[1].nlink = 2;
    nodes[1].parent = 1;
    nodes[1].name = "";

    char opts[1024] = "fsname=memfs,subtype=memfs,default_permissions";
    char sopts[256] = "big_writes,max_write=131072";
    for (int i = 4; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-o") != 0) continue;
        char *copy = strdup(argv[i + 1]), *tok, *save;
        for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (sscanf(tok, "attr_timeout=%lf", &attr_timeout) == 1) continue;
            if (sscanf(tok, "entry_timeout=%lf", &entry_timeout) == 1) continue;
            strncat(opts, ",", sizeof opts - strlen(opts) - 1);
            strncat(opts, tok, sizeof opts - strlen(opts) - 1);
        }
        free(copy);
    }
    char *margv[] = {"memfs", "-o", opts};
    struct fuse_args margs = FUSE_ARGS_INIT(3, margv);
    struct fuse_chan *ch = fuse_mount(argv[3], &margs);
    if (!ch) return 1;
    char *sargv[] = {"memfs", "-o", sopts};
    struct fuse_args sargs = FUSE_ARGS_INIT(3, sargv);
    struct fuse_session *se = fuse_lowlevel_new(&sargs, &ops, sizeof ops, NULL);
    if (!se) { fuse_unmount(argv[3], ch); return 1; }
    fuse_set_signal_handlers(se);
    fuse_session_add_chan(se, ch);
    fuse_daemonize(0); /* return to the caller once mounted, like any FUSE filesystem */
    int err = fuse_session_loop_mt(se);
    fuse_remove_signal_handlers(se);
    fuse_session_remove_chan(ch);
    fuse_session_destroy(se);
    fuse_unmount(argv[3], ch);
    return err ? 1 : 0;
}
