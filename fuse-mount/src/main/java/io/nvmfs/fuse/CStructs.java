package io.nvmfs.fuse;

import io.nvmfs.core.Stat;
import io.nvmfs.core.StatFs;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The C structures libfuse 2 exchanges, as laid out on x86-64/aarch64 Linux (LP64, glibc),
 * written and read with FFM at fixed offsets.
 *
 * <pre>
 * struct stat (144)         st_dev 0, st_ino 8, st_nlink 16, st_mode 24 (u32), st_uid 28, st_gid 32,
 *                           st_rdev 40, st_size 48, st_blksize 56, st_blocks 64,
 *                           st_atim 72, st_mtim 88, st_ctim 104 (tv_sec, tv_nsec: 8 + 8)
 * struct fuse_entry_param   ino 0, generation 8, attr 16 (struct stat), attr_timeout 160 (double),
 *   (176)                   entry_timeout 168 (double)
 * struct fuse_file_info     flags 0 (int), fh_old 8, writepage 16 (int), bits 20 (direct_io:1 keep_cache:1
 *   (40)                    flush:1 nonseekable:1 flock_release:1, from bit 0), fh 24 (u64), lock_owner 32
 *                           (libfuse 3 packs writepage into the bit field; libfuse 2 does not)
 * struct statvfs (112)      f_bsize 0, f_frsize 8, f_blocks 16, f_bfree 24, f_bavail 32, f_files 40,
 *                           f_ffree 48, f_favail 56, f_fsid 64, f_flag 72, f_namemax 80
 * struct fuse_ctx           uid 0 (u32), gid 4, pid 8, umask 12
 * struct fuse_args (24)     argc 0 (int), argv 8, allocated 16 (int)
 * </pre>
 * (x86-64 and aarch64 agree on all of these with glibc.)
 */
final class CStructs {
    static final int STAT_SIZE = 144;
    static final int ENTRY_SIZE = 176;
    static final int ENTRY_ATTR = 16;
    static final int FI_FLAGS = 0;
    static final int FI_BITS = 20;
    static final int FI_FH = 24;
    static final int FI_KEEP_CACHE = 1 << 1;
    static final int STATVFS_SIZE = 112;
    static final int ARGS_SIZE = 24;

    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    /**
     * All of the address space, so that a field of a struct libfuse hands over is read at its
     * absolute address without making a segment per call (fuse_file_info on every read and write).
     */
    private static final MemorySegment ANY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private CStructs() {}

    /**
     * The bytes of the NUL-terminated string at {@code address}, without the NUL: names and
     * link targets as the kernel sent them, no charset applied. At most {@code max} bytes are
     * scanned (the kernel never sends longer), one at a time, so nothing past the NUL is read.
     */
    static byte[] cString(long address, int max) {
        MemorySegment s = MemorySegment.ofAddress(address).reinterpret(max + 1L);
        int n = 0;
        while (n <= max && s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, n) != 0) {
            n++;
        }
        return s.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** Writes {@code bytes} and a NUL at the start of {@code dst}; returns its address (for char* arguments). */
    static long cString(MemorySegment dst, byte[] bytes) {
        MemorySegment.copy(bytes, 0, dst, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
        dst.set(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return dst.address();
    }

    static MemorySegment at(long address, long size) {
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    static void stat(MemorySegment s, long off, Stat st) {
        s.asSlice(off, STAT_SIZE).fill((byte) 0);
        s.set(L, off + 8, st.ino());
        s.set(L, off + 16, st.nlink());
        s.set(I, off + 24, st.mode());
        s.set(I, off + 28, st.uid());
        s.set(I, off + 32, st.gid());
        s.set(L, off + 40, st.rdev());
        s.set(L, off + 48, st.size());
        s.set(L, off + 56, 4096);
        s.set(L, off + 64, st.blocks());
        s.set(L, off + 72, st.atimeSec());
        s.set(L, off + 80, st.atimeNsec());
        s.set(L, off + 88, st.mtimeSec());
        s.set(L, off + 96, st.mtimeNsec());
        s.set(L, off + 104, st.ctimeSec());
        s.set(L, off + 112, st.ctimeNsec());
    }

    /** Only st_ino and the type bits of st_mode: what readdir's entries need. */
    static void entry(MemorySegment e, Stat st, double attrTimeout, double entryTimeout) {
        e.set(L, 0, st.ino());
        e.set(L, 8, Integer.toUnsignedLong(st.generation()));
        stat(e, ENTRY_ATTR, st);
        e.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, 160, attrTimeout);
        e.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, 168, entryTimeout);
    }

    static void statvfs(MemorySegment s, StatFs st) {
        s.fill((byte) 0);
        s.set(L, 0, st.blockSize());
        s.set(L, 8, st.blockSize());
        s.set(L, 16, st.blocks());
        s.set(L, 24, st.blocksFree());
        s.set(L, 32, st.blocksAvailable());
        s.set(L, 40, st.files());
        s.set(L, 48, st.filesFree());
        s.set(L, 56, st.filesFree());
        s.set(L, 80, st.nameMax());
    }

    static int fiFlags(long fi) {
        return ANY.get(I, fi + FI_FLAGS);
    }

    static long fiFh(long fi) {
        return ANY.get(L, fi + FI_FH);
    }

    static void fiSetFh(long fi, long fh, boolean keepCache) {
        ANY.set(L, fi + FI_FH, fh);
        if (keepCache) {
            ANY.set(I, fi + FI_BITS, ANY.get(I, fi + FI_BITS) | FI_KEEP_CACHE);
        }
    }
}
