package io.nvmfs.images;

import io.nvmfs.core.Caller;
import io.nvmfs.core.FsException;
import io.nvmfs.core.Mode;
import io.nvmfs.core.NvmFs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * What goes into a generated image. Each recipe runs against a freshly made filesystem with a
 * fixed UUID and a fixed clock; {@link #detachCleanly} says whether the image is taken after a
 * clean detach or as a crash would leave it (attached, journal not checkpointed).
 */
public enum Recipe {
    /** mkfs and nothing else. */
    EMPTY(true) {
        @Override
        void populate(NvmFs fs) {}
    },
    /** A tree with every file type, hard links, symlinks, xattrs, a sparse and a fragmented file. */
    TREE(true) {
        @Override
        void populate(NvmFs fs) throws FsException {
            tree(fs);
        }
    },
    /** The tree, then a file that fills the namespace to ENOSPC. */
    FULL(true) {
        @Override
        void populate(NvmFs fs) throws FsException {
            tree(fs);
            NvmFs.Created c = fs.create(fs.root(), "filler", Mode.S_IFREG | 0644, 2, Caller.ROOT);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment chunk = a.allocate(64 * 1024);
                chunk.fill((byte) 0x5a);
                long off = 0;
                try {
                    while (true) {
                        fs.write(c.fh(), off, chunk, 0, (int) chunk.byteSize());
                        off += chunk.byteSize();
                    }
                } catch (FsException full) {
                    // ENOSPC: the namespace is full, which is the point.
                }
            }
            fs.release(c.fh());
        }
    },
    /** The tree, then more changes whose transactions are committed but not checkpointed (a crash). */
    DIRTY_JOURNAL(false) {
        @Override
        void populate(NvmFs fs) throws FsException {
            tree(fs);
            fs.flush();
            long d = fs.mkdir(fs.root(), "after-checkpoint", 0755, Caller.ROOT).ino();
            writeFile(fs, d, "committed", "only the journal knows this file\n");
            fs.rename(fs.root(), "hello.txt", d, "hello-moved.txt", 0);
        }
    },
    /**
     * Version 2 xattr blocks of several orders: a 64 KiB value and a small one on a file (32
     * pages), two of 60 KiB on a directory (32 pages), 600 small attributes on a file (4 pages; the
     * version 1 page held at most 127 of them).
     */
    XATTRS(true) {
        @Override
        void populate(NvmFs fs) throws FsException {
            long root = fs.root();
            long huge = writeFile(fs, root, "huge", "a file with a 64 KiB attribute\n");
            fs.setxattr(huge, "user.huge", pattern(1, 65536), 0);
            fs.setxattr(huge, "user.small", "small".getBytes(StandardCharsets.UTF_8), 0);
            long pair = fs.mkdir(root, "pair", 0755, Caller.ROOT).ino();
            fs.setxattr(pair, "user.a", pattern(2, 60 << 10), 0);
            fs.setxattr(pair, "trusted.b", pattern(3, 60 << 10), 0);
            long many = writeFile(fs, root, "many", "a file with 600 attributes\n");
            for (int i = 0; i < 600; i++) {
                fs.setxattr(many, "user.n" + i, ("value " + i).getBytes(StandardCharsets.UTF_8), 0);
            }
        }
    },
    /** Files unlinked while open, then a crash: inodes with no links and no entry. */
    ORPHANS(false) {
        @Override
        void populate(NvmFs fs) throws FsException {
            tree(fs);
            for (int i = 0; i < 3; i++) {
                NvmFs.Created c = fs.create(fs.root(), "doomed" + i, Mode.S_IFREG | 0600, 2, Caller.ROOT);
                write(fs, c.fh(), 0, ("open and unlinked " + i + "\n").repeat(200));
                fs.fsync(c.fh(), false);
                fs.unlink(fs.root(), "doomed" + i);
            }
            fs.flush();
        }
    };

    private final boolean detachCleanly;

    Recipe(boolean detachCleanly) {
        this.detachCleanly = detachCleanly;
    }

    abstract void populate(NvmFs fs) throws FsException;

    boolean detachCleanly() {
        return detachCleanly;
    }

    static void tree(NvmFs fs) throws FsException {
        long root = fs.root();
        writeFile(fs, root, "hello.txt", "hello, persistent world\n");
        long docs = fs.mkdir(root, "docs", 0755, Caller.ROOT).ino();
        long deep = fs.mkdir(fs.mkdir(docs, "a", 0755, Caller.ROOT).ino(), "b", 0700, Caller.ROOT).ino();
        writeFile(fs, deep, "deep.txt", "three levels down\n");
        long big = writeFile(fs, docs, "big.bin", "0123456789abcdef".repeat(20_000));
        fs.link(big, root, "big-link.bin");
        fs.symlink(root, "to-docs", "docs/a/b/deep.txt", Caller.ROOT);
        fs.mknod(root, "fifo", Mode.S_IFIFO | 0644, 0, Caller.ROOT);
        fs.mknod(root, "tty0", Mode.S_IFCHR | 0620, (4L << 8) | 0, Caller.ROOT);
        fs.mknod(root, "sock", Mode.S_IFSOCK | 0755, 0, Caller.ROOT);
        fs.setxattr(big, "user.origin", "test-images".getBytes(StandardCharsets.UTF_8), 0);
        fs.setxattr(docs, "user.note", "a directory with an attribute".getBytes(StandardCharsets.UTF_8), 0);
        // Sparse: one page at 1 MiB, nothing before it.
        NvmFs.Created sparse = fs.create(root, "sparse", Mode.S_IFREG | 0644, 2, Caller.ROOT);
        write(fs, sparse.fh(), 1 << 20, "after the hole");
        fs.release(sparse.fh());
        // Fragmented: one page every other page, so each is its own extent and they overflow the inode.
        NvmFs.Created frag = fs.create(root, "fragmented", Mode.S_IFREG | 0644, 2, Caller.ROOT);
        for (int p = 0; p < 40; p++) {
            write(fs, frag.fh(), p * 8192L, "page " + p);
        }
        fs.release(frag.fh());
        // Three extents, inline: pages 0, 2 and 4.
        NvmFs.Created holes = fs.create(root, "holes3", Mode.S_IFREG | 0644, 2, Caller.ROOT);
        for (int p = 0; p < 3; p++) {
            write(fs, holes.fh(), p * 8192L, "extent " + p);
        }
        fs.release(holes.fh());
        long many = fs.mkdir(root, "many", 0755, Caller.ROOT).ino();
        for (int i = 0; i < 40; i++) {
            writeFile(fs, many, "file-" + i, "file number " + i + "\n");
        }
    }

    /**
     * {@code length} bytes of numbered 64-byte lines ("value 3 line 00042 ....\n"): each says
     * where it belongs, so a misplaced or mixed-up piece shows, and the image compresses well.
     */
    static byte[] pattern(int seed, int length) {
        StringBuilder b = new StringBuilder(length + 64);
        for (int line = 0; b.length() < length; line++) {
            String head = "value " + seed + " line " + String.format("%05d", line) + " ";
            b.append(head).append(".".repeat(63 - head.length())).append('\n');
        }
        return b.substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    static long writeFile(NvmFs fs, long dir, String name, String content) throws FsException {
        NvmFs.Created c = fs.create(dir, name, Mode.S_IFREG | 0644, 2, Caller.ROOT);
        write(fs, c.fh(), 0, content);
        fs.release(c.fh());
        return c.stat().ino();
    }

    static void write(NvmFs fs, long fh, long offset, String content) throws FsException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        fs.write(fh, offset, MemorySegment.ofArray(b), 0, b.length);
    }
}
