package io.nvmfs.images;

import io.nvmfs.core.DirEntry;
import io.nvmfs.core.FsException;
import io.nvmfs.core.Mode;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.Stat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a whole mounted tree the way a user would (readdir, stat, read every byte, readlink,
 * every xattr) and returns a description of it: path -> type, size, links and a content hash.
 * Any corruption fs-core finds surfaces as an FsException.
 */
final class TreeWalk {
    private TreeWalk() {}

    static Map<String, String> walk(NvmFs fs) throws FsException {
        Map<String, String> out = new TreeMap<>();
        walk(fs, fs.root(), "", out, 0);
        return out;
    }

    private static void walk(NvmFs fs, long dir, String path, Map<String, String> out, int depth) throws FsException {
        if (depth > 64) {
            throw new IllegalStateException("directory tree deeper than 64 at " + path);
        }
        long cookie = 0;
        while (true) {
            var batch = fs.readdir(dir, cookie, 256);
            if (batch.isEmpty()) {
                return;
            }
            for (DirEntry e : batch) {
                cookie = e.nextCookie();
                if (e.name().equals(".") || e.name().equals("..")) {
                    continue;
                }
                String p = path + "/" + e.name();
                Stat st = fs.getattr(e.ino());
                StringBuilder d = new StringBuilder();
                d.append(Integer.toOctalString(st.mode())).append(" links=").append(st.nlink()).append(" size=").append(st.size());
                for (String x : fs.listxattr(e.ino())) {
                    d.append(" xattr ").append(x).append('=').append(new String(fs.getxattr(e.ino(), x)));
                }
                if (Mode.isDir(st.mode())) {
                    out.put(p, d.toString());
                    walk(fs, e.ino(), p, out, depth + 1);
                } else if (Mode.isLink(st.mode())) {
                    out.put(p, d.append(" -> ").append(fs.readlink(e.ino())).toString());
                } else if (Mode.isReg(st.mode())) {
                    // At most the first 8 MiB: a sparse size can be terabytes of holes.
                    long n = Math.min(st.size(), 8L << 20);
                    out.put(p, d.append(" crc=").append(Long.toHexString(contentCrc(fs, e.ino(), n))).toString());
                } else {
                    out.put(p, d.toString());
                }
            }
        }
    }

    static long contentCrc(NvmFs fs, long ino, long size) throws FsException {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        long fh = fs.open(ino, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(1 << 16);
            long off = 0;
            while (off < size) {
                int n = fs.read(fh, off, buf, 0, (int) Math.min(buf.byteSize(), size - off));
                if (n <= 0) {
                    break;
                }
                crc.update(buf.asSlice(0, n).asByteBuffer());
                off += n;
            }
        } finally {
            fs.release(fh);
        }
        return crc.getValue();
    }

    static String read(NvmFs fs, String path) throws FsException {
        long ino = fs.resolve(path);
        long size = fs.getattr(ino).size();
        long fh = fs.open(ino, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.max(1, size));
            fs.read(fh, 0, buf, 0, (int) size);
            return new String(buf.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            fs.release(fh);
        }
    }
}
