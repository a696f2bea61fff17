package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Long random operation sequences against a plain in-memory model of the tree (paths to model
 * inodes, so hard links share), with clean remounts and, in the crash variant, abandon-and-attach
 * at random points (every write is fsync'd there, so nothing durable may be lost). After each
 * comparison the structure and space must be consistent too.
 */
class FsModelTest {
    private static final String[] NAMES = {"a", "b", "c", "dd", "e"};

    /** A model inode. */
    private static final class MNode {
        final boolean dir;
        byte[] data = new byte[0];
        int perms;
        String target;
        final Map<String, byte[]> xattrs = new TreeMap<>();

        MNode(boolean dir, int perms) {
            this.dir = dir;
            this.perms = perms;
        }
    }

    private final Map<String, MNode> paths = new TreeMap<>();
    private Random rnd;
    private TestFs t;

    @ParameterizedTest(name = "seed {0}, crash {1}")
    @CsvSource({"1,false", "2,false", "3,true", "4,true", "5,false", "6,true"})
    void randomOperationsMatchTheModel(long seed, boolean crash) throws Exception {
        rnd = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            t = new TestFs(arena, 64L << 20);
            for (int step = 0; step < 1500; step++) {
                try {
                    randomOp(crash);
                } catch (FsException e) {
                    throw new AssertionError("step " + step + ": unexpected " + e.getMessage(), e);
                }
                if (rnd.nextInt(150) == 0) {
                    if (crash && rnd.nextBoolean()) {
                        t.crashAndAttach();
                    } else {
                        t.remount();
                    }
                }
                if (step % 100 == 99) {
                    compare(step);
                }
            }
            compare(-1);
            t.fs.close();
        }
    }

    private void compare(int step) throws Exception {
        TreeMap<String, String> expected = new TreeMap<>();
        Map<MNode, Integer> links = new HashMap<>();
        for (MNode n : paths.values()) {
            links.merge(n, 1, Integer::sum);
        }
        for (Map.Entry<String, MNode> e : paths.entrySet()) {
            expected.put(e.getKey(), render(e.getKey(), e.getValue(), links.get(e.getValue())));
        }
        assertEquals(expected, Consistency.snapshot(t.fs), "tree at step " + step);
        Consistency.check(t.fs);
    }

    private String render(String path, MNode n, int links) throws Exception {
        int subdirs = 0;
        for (Map.Entry<String, MNode> e : paths.entrySet()) {
            if (e.getValue().dir && parentOf(e.getKey()).equals(path)) {
                subdirs++;
            }
        }
        int type = n.dir ? Mode.S_IFDIR : n.target != null ? Mode.S_IFLNK : Mode.S_IFREG;
        int nlink = n.dir ? 2 + subdirs : links;
        long size = n.dir ? -1 : n.target != null ? n.target.getBytes().length : n.data.length;
        StringBuilder d = new StringBuilder(Integer.toOctalString(type | n.perms)).append(" nlink=").append(nlink)
                .append(" size=");
        if (n.dir) {
            d.append(t.fs.getattr(t.fs.resolve(path)).size());
        } else {
            d.append(size);
        }
        if (type == Mode.S_IFREG) {
            d.append(" sha=").append(Consistency.sha(n.data));
        } else if (n.target != null) {
            d.append(" -> ").append(n.target);
        }
        for (Map.Entry<String, byte[]> x : n.xattrs.entrySet()) {
            d.append(' ').append(x.getKey()).append('=').append(Consistency.sha(x.getValue()));
        }
        return d.toString();
    }

    private static String parentOf(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "" : path.substring(0, i);
    }

    private String randomDir() {
        List<String> dirs = new ArrayList<>(List.of(""));
        for (Map.Entry<String, MNode> e : paths.entrySet()) {
            if (e.getValue().dir) {
                dirs.add(e.getKey());
            }
        }
        return dirs.get(rnd.nextInt(dirs.size()));
    }

    private String randomPath() {
        return randomDir() + "/" + NAMES[rnd.nextInt(NAMES.length)];
    }

    private long ino(String path) throws FsException {
        return path.isEmpty() ? t.fs.root() : t.fs.resolve(path);
    }

    private String existing(boolean wantDir, boolean wantFile) {
        List<String> c = new ArrayList<>();
        for (Map.Entry<String, MNode> e : paths.entrySet()) {
            MNode n = e.getValue();
            if ((wantDir && n.dir) || (wantFile && !n.dir && n.target == null)) {
                c.add(e.getKey());
            }
        }
        return c.isEmpty() ? null : c.get(rnd.nextInt(c.size()));
    }

    private void randomOp(boolean crash) throws Exception {
        NvmFs fs = t.fs;
        String p = randomPath();
        String parent = parentOf(p);
        String name = p.substring(p.lastIndexOf('/') + 1);
        boolean exists = paths.containsKey(p);
        switch (rnd.nextInt(12)) {
            case 0, 1 -> {
                if (!exists) {
                    fs.mknod(ino(parent), name, 0640, 0, Caller.ROOT);
                    paths.put(p, new MNode(false, 0640));
                }
            }
            case 2 -> {
                if (!exists) {
                    fs.mkdir(ino(parent), name, 0750, Caller.ROOT);
                    paths.put(p, new MNode(true, 0750));
                }
            }
            case 3, 4 -> {
                String f = existing(false, true);
                if (f != null) {
                    MNode n = paths.get(f);
                    int off = rnd.nextInt(200_000);
                    byte[] b = new byte[1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 40_000)];
                    rnd.nextBytes(b);
                    long fh = fs.open(ino(f), Handle.O_RDWR);
                    fs.write(fh, off, MemorySegment.ofArray(b), 0, b.length);
                    if (crash || rnd.nextBoolean()) {
                        fs.fsync(fh, false);
                    }
                    fs.release(fh);
                    if (off + b.length > n.data.length) {
                        n.data = Arrays.copyOf(n.data, off + b.length);
                    }
                    System.arraycopy(b, 0, n.data, off, b.length);
                }
            }
            case 5 -> {
                String f = existing(false, true);
                if (f != null) {
                    MNode n = paths.get(f);
                    int size = rnd.nextInt(250_000);
                    fs.truncate(ino(f), size);
                    n.data = Arrays.copyOf(n.data, size);
                }
            }
            case 6 -> {
                if (exists && !paths.get(p).dir) {
                    fs.unlink(ino(parent), name);
                    paths.remove(p);
                } else if (exists && isEmptyDir(p)) {
                    fs.rmdir(ino(parent), name);
                    paths.remove(p);
                }
            }
            case 7 -> rename(p);
            case 8 -> {
                String f = existing(false, true);
                if (f != null && !exists) {
                    fs.link(ino(f), ino(parent), name);
                    paths.put(p, paths.get(f));
                }
            }
            case 9 -> {
                if (!exists) {
                    String target = "t" + rnd.nextInt(1000);
                    fs.symlink(ino(parent), name, target, Caller.ROOT);
                    MNode n = new MNode(false, 0777);
                    n.target = target;
                    paths.put(p, n);
                }
            }
            case 10 -> {
                String f = existing(true, true);
                if (f != null) {
                    MNode n = paths.get(f);
                    String key = "user.k" + rnd.nextInt(3);
                    if (rnd.nextInt(3) == 0 && n.xattrs.containsKey(key)) {
                        fs.removexattr(ino(f), key);
                        n.xattrs.remove(key);
                    } else {
                        byte[] v = new byte[rnd.nextInt(100)];
                        rnd.nextBytes(v);
                        fs.setxattr(ino(f), key, v, 0);
                        n.xattrs.put(key, v);
                    }
                }
            }
            default -> {
                String f = existing(true, true);
                if (f != null) {
                    int perms = rnd.nextInt(01000);
                    fs.chmod(ino(f), perms);
                    paths.get(f).perms = perms;
                }
            }
        }
    }

    private boolean isEmptyDir(String p) {
        for (String q : paths.keySet()) {
            if (q.startsWith(p + "/")) {
                return false;
            }
        }
        return true;
    }

    private void rename(String to) throws Exception {
        List<String> all = new ArrayList<>(paths.keySet());
        if (all.isEmpty()) {
            return;
        }
        String from = all.get(rnd.nextInt(all.size()));
        MNode src = paths.get(from);
        MNode dst = paths.get(to);
        if (from.equals(to) || to.startsWith(from + "/")) {
            return;
        }
        if (dst != null) {
            if (src == dst) {
                return;
            }
            if (src.dir != dst.dir || (dst.dir && !isEmptyDir(to))) {
                return;
            }
        }
        t.fs.rename(ino(parentOf(from)), from.substring(from.lastIndexOf('/') + 1),
                ino(parentOf(to)), to.substring(to.lastIndexOf('/') + 1), 0);
        Map<String, MNode> moved = new HashMap<>();
        for (Map.Entry<String, MNode> e : new ArrayList<>(paths.entrySet())) {
            String k = e.getKey();
            if (k.equals(from) || k.startsWith(from + "/")) {
                moved.put(to + k.substring(from.length()), e.getValue());
                paths.remove(k);
            }
        }
        paths.remove(to);
        paths.putAll(moved);
    }
}
