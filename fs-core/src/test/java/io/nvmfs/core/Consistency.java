package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.nvmfs.nvmpg.Block;
import io.nvmfs.nvmpg.Owner;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Whole-filesystem checks for tests (fsck proper is its own module): the tree is connected,
 * link counts are right, every page a file references is recorded under the right owner and
 * referenced once, and nothing else is recorded (no leak). Also renders a comparable snapshot.
 */
final class Consistency {
    private Consistency() {}

    /** Path to a description of everything a user can see of it. */
    static TreeMap<String, String> snapshot(NvmFs fs) throws Exception {
        TreeMap<String, String> out = new TreeMap<>();
        walk(fs, fs.root(), "", out, new HashMap<>());
        return out;
    }

    private static void walk(NvmFs fs, long dir, String path, Map<String, String> out, Map<Long, Integer> seen)
            throws Exception {
        for (DirEntry e : fs.readdir(dir, 0, Integer.MAX_VALUE)) {
            if (e.name().equals(".") || e.name().equals("..")) {
                continue;
            }
            String p = path + "/" + e.name();
            Stat st = fs.getattr(e.ino());
            out.put(p, describe(fs, e.ino(), st));
            if (Mode.isDir(st.mode())) {
                assertEquals(dir, fs.lookup(e.ino(), ".."), p + ": '..' names the parent");
                walk(fs, e.ino(), p, out, seen);
            }
        }
    }

    /** What a user sees of one inode: mode, link count, size and a hash of the bytes, or the target; xattrs. */
    static String describe(NvmFs fs, long ino, Stat st) throws Exception {
        StringBuilder d = new StringBuilder();
        d.append(Integer.toOctalString(st.mode())).append(" nlink=").append(st.nlink()).append(" size=").append(st.size());
        if (fs.fileFlags(ino) != 0) {
            d.append(" flags=0x").append(Integer.toHexString(fs.fileFlags(ino)));
        }
        if (Mode.isReg(st.mode())) {
            d.append(" sha=").append(sha(contents(fs, ino, st.size())));
        } else if (Mode.isLink(st.mode())) {
            d.append(" -> ").append(fs.readlink(ino));
        }
        for (String x : new java.util.TreeSet<>(fs.listxattr(ino))) {
            d.append(' ').append(x).append('=').append(sha(fs.getxattr(ino, x)));
        }
        return d.toString();
    }

    static byte[] contents(NvmFs fs, long ino, long size) throws FsException {
        long fh = fs.open(ino, 0);
        try {
            byte[] b = new byte[(int) size];
            fs.read(fh, 0, java.lang.foreign.MemorySegment.ofArray(b), 0, b.length);
            return b;
        } finally {
            fs.release(fh);
        }
    }

    static String sha(byte[] b) throws Exception {
        byte[] h = MessageDigest.getInstance("SHA-256").digest(b);
        return java.util.HexFormat.of().formatHex(h, 0, 6);
    }

    /** Structure and space: fails the test with what is wrong. */
    static void check(NvmFs nf) throws Exception {
        FsCore fs = nf.fs;
        // Pages freed while a live journal record still writes them are given back at the next
        // checkpoint; check the state after it, in which every release has happened.
        fs.journal.checkpoint();
        Map<Long, Integer> links = new HashMap<>();
        Map<Long, Integer> subdirs = new HashMap<>();
        List<Long> dirs = new ArrayList<>(List.of(nf.root()));
        Set<Long> visited = new HashSet<>(dirs);
        while (!dirs.isEmpty()) {
            long d = dirs.remove(dirs.size() - 1);
            for (DirEntry e : nf.readdir(d, 2, Integer.MAX_VALUE)) {
                Stat st = nf.getattr(e.ino());
                assertEquals(Mode.dtype(st.mode()), e.type(), "d_type of " + e.name());
                links.merge(e.ino(), 1, Integer::sum);
                if (Mode.isDir(st.mode())) {
                    subdirs.merge(d, 1, Integer::sum);
                    if (!visited.add(e.ino())) {
                        fail("directory " + e.ino() + " reachable twice");
                    }
                    dirs.add(e.ino());
                }
            }
        }
        Map<Owner, List<long[]>> refs = new HashMap<>();
        refs.put(fs.meta, new ArrayList<>());
        refs.put(fs.data, new ArrayList<>());
        refs.get(fs.meta).add(new long[] {fs.superblock >>> 12, 1});
        for (int k = 0; k < fs.table.chunks(); k++) {
            refs.get(fs.meta).add(new long[] {fs.table.chunkPage(k), 1L << InodeTable.chunkOrder(k)});
        }
        for (long ino = 1; ino < fs.table.capacity(); ino++) {
            if (!fs.table.exists(ino)) {
                continue;
            }
            Stat st = nf.getattr(ino);
            if (Mode.isDir(st.mode())) {
                assertEquals(2 + subdirs.getOrDefault(ino, 0), st.nlink(), "nlink of directory " + ino);
                if (ino != nf.root()) {
                    assertEquals(1, links.getOrDefault(ino, 0), "directory " + ino + " has one name");
                }
            } else {
                assertEquals((int) links.getOrDefault(ino, 0), st.nlink(), "nlink of inode " + ino);
                if (st.nlink() == 0) {
                    fail("inode " + ino + " has no link and is not open");
                }
            }
            Inode n = fs.table.read(ino);
            Owner owner = n.isDir() ? fs.meta : fs.data;
            for (int i = 0; i < n.extents.count(); i++) {
                refs.get(owner).add(new long[] {n.extents.physical(i), 1L << n.extents.order(i)});
            }
            for (long p : n.extentChain.pages()) {
                refs.get(fs.meta).add(new long[] {p, 1});
            }
            if (n.xattrBlock != 0) {
                refs.get(fs.meta).add(new long[] {n.xattrPage(), n.xattrPages()});
            }
            assertEquals(n.pages() * 8, st.blocks(), "st_blocks of inode " + ino);
        }
        for (Map.Entry<Owner, List<long[]>> e : refs.entrySet()) {
            List<long[]> r = e.getValue();
            r.sort((a, b) -> Long.compare(a[0], b[0]));
            List<Block> recorded = fs.pg.records(e.getKey());
            List<String> want = new ArrayList<>();
            for (long[] x : r) {
                want.add(x[0] + "+" + x[1]);
            }
            List<String> have = new ArrayList<>();
            for (Block b : recorded) {
                have.add(b.page() + "+" + b.pages());
            }
            assertEquals(want, have, "pages referenced vs recorded under " + e.getKey());
        }
    }
}
