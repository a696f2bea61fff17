package io.nvmfs.fuse;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * One thread's share of {@link KillNineIT}: random file operations in a directory of the mount
 * that only this thread uses, and the model of what the filesystem must hold after a crash.
 *
 * <p>What the model promises, from nvmfs's own promises: a change to names or xattrs (create,
 * rename, link, unlink, setxattr) is durable once its call has returned; file data is durable
 * once fsync has returned, and stays so until the file's content is changed again (write,
 * truncate, punch). Writes go through descriptors kept open across operations and closed at
 * random, so written data is often neither closed nor fsync'd when the kill comes (close would
 * persist it too, and the model would then never see fsync make a difference). A call that failed (the mount died under it) may or may not have happened:
 * the names it touched become uncertain and the contents and xattrs of the files it touched
 * unknown, and none of them is checked until {@link #rebuild} reads the recovered state.
 */
final class KillNineWorkload {
    private static final int MAX_NAMES = 24;
    private static final int MAX_SIZE = 384 << 10;

    /** A file (an inode): its names are the keys of {@link #names} mapping to it. */
    private static final class Node {
        byte[] content;
        /** SHA-256 of the content as of the last fsync, while unchanged since; null otherwise. */
        String durable;
        final Map<String, byte[]> xattrs = new TreeMap<>();
        /** False once a call that may have changed the xattrs failed. */
        boolean xattrsKnown = true;

        Node(byte[] content) {
            this.content = content;
        }
    }

    /** What {@link #verify} found. */
    record Check(int fsynced, int lost, int wrong, int metadata, List<String> problems) {
    }

    final Path dir;
    private final Random rnd;
    private final Map<String, Node> names = new TreeMap<>();
    private final Set<String> uncertain = new TreeSet<>();
    /** Descriptors kept open for writing, one per file at most. */
    private final Map<Node, FileChannel> open = new IdentityHashMap<>();
    private int nextName;
    long ops;

    KillNineWorkload(Path dir, long seed) {
        this.dir = dir;
        this.rnd = new Random(seed);
    }

    /**
     * Runs operations until the first failure. A failure once {@code killing} is set is the dying
     * mount and ends the run quietly (returns null); one before it is returned.
     */
    Throwable run(Watchdog w, AtomicBoolean killing) {
        while (true) {
            try {
                step(w);
                ops++;
            } catch (Throwable t) {
                if (killing.get()) {
                    return null;
                }
                return new AssertionError(dir.getFileName() + ": operation " + ops + " failed before the kill", t);
            }
        }
    }

    private void step(Watchdog w) throws Exception {
        int r = rnd.nextInt(100);
        if (names.isEmpty() || (r < 14 && names.size() < MAX_NAMES)) {
            create(w);
        } else if (r < 28) {
            write(w, pick(), true);
        } else if (r < 42) {
            write(w, pick(), false);
        } else if (r < 62) {
            fsync(w, pick());
        } else if (r < 70) {
            rename(w, pick(), rnd.nextBoolean() && names.size() < MAX_NAMES ? fresh() : pick());
        } else if (r < 75 && names.size() < MAX_NAMES) {
            link(w, pick(), fresh());
        } else if (r < 82 || names.size() >= MAX_NAMES) {
            unlink(w, pick());
        } else if (r < 88) {
            truncate(w, pick());
        } else if (r < 94) {
            punch(w, pick());
        } else {
            setxattr(w, pick());
        }
    }

    private String pick() {
        List<String> all = new ArrayList<>(names.keySet());
        return all.get(rnd.nextInt(all.size()));
    }

    private String fresh() {
        return "f" + nextName++;
    }

    private byte[] bytes(int max) {
        byte[] b = new byte[1 + rnd.nextInt(max)];
        rnd.nextBytes(b);
        return b;
    }

    /** Runs {@code call}; if it fails, what it touched is uncertain from then on. */
    private void guarded(Watchdog w, String what, List<String> touchedNames, List<Node> touchedNodes, Watchdog.FsRun call)
            throws Exception {
        try {
            w.run(dir.getFileName() + ": " + what, call);
        } catch (Exception | Error e) {
            uncertain.addAll(touchedNames);
            for (Node n : touchedNodes) {
                n.durable = null;
                n.xattrsKnown = false;
            }
            throw e;
        }
    }

    private void create(Watchdog w) throws Exception {
        String name = fresh();
        byte[] data = bytes(64 << 10);
        guarded(w, "create " + name, List.of(name), List.of(),
                () -> Files.write(dir.resolve(name), data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        names.put(name, new Node(data));
    }

    private void write(Watchdog w, String name, boolean append) throws Exception {
        Node n = names.get(name);
        if (n.content.length >= MAX_SIZE) {
            truncate(w, name);
            return;
        }
        byte[] data = bytes(32 << 10);
        long at = append ? n.content.length : rnd.nextInt(n.content.length + 1);
        FileChannel ch = channel(w, name, n);
        guarded(w, (append ? "append to " : "overwrite ") + name, List.of(), List.of(n), () -> writeFully(ch, data, at));
        byte[] c = Arrays.copyOf(n.content, (int) Math.max(n.content.length, at + data.length));
        System.arraycopy(data, 0, c, (int) at, data.length);
        n.content = c;
        n.durable = null;
        if (rnd.nextInt(4) == 0) {
            close(w, n);
        }
    }

    /** The open descriptor of {@code n}, opened through {@code name} if there is none. */
    private FileChannel channel(Watchdog w, String name, Node n) throws Exception {
        FileChannel ch = open.get(n);
        if (ch == null) {
            ch = w.call(dir.getFileName() + ": open " + name, () -> FileChannel.open(dir.resolve(name), StandardOpenOption.WRITE));
            open.put(n, ch);
        }
        return ch;
    }

    /** close(2): FLUSH and RELEASE, which persist the file's data (or free it, once it has no name). */
    private void close(Watchdog w, Node n) throws Exception {
        FileChannel ch = open.remove(n);
        if (ch != null) {
            guarded(w, "close", List.of(), List.of(n), ch::close);
        }
    }

    private void closeIfNameless(Watchdog w, Node n) throws Exception {
        if (n != null && !names.containsValue(n)) {
            close(w, n);
        }
    }

    /** After the kill: the descriptors are dead; closing them only lets the old mount go. */
    void abandonDescriptors() {
        for (FileChannel ch : open.values()) {
            try {
                ch.close();
            } catch (java.io.IOException | RuntimeException e) {
                // ENOTCONN from the dead mount
            }
        }
        open.clear();
    }

    private static void writeFully(FileChannel ch, byte[] data, long at) throws java.io.IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
    }

    private void fsync(Watchdog w, String name) throws Exception {
        Node n = names.get(name);
        FileChannel kept = open.get(n);
        guarded(w, "fsync " + name, List.of(), List.of(n), () -> {
            if (kept != null) {
                kept.force(true);
            } else {
                try (FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        });
        n.durable = sha256(n.content);
    }

    private void rename(Watchdog w, String from, String to) throws Exception {
        Node moved = names.get(from);
        Node replaced = names.get(to);
        guarded(w, "rename " + from + " " + to, List.of(from, to), List.of(),
                () -> Files.move(dir.resolve(from), dir.resolve(to), StandardCopyOption.ATOMIC_MOVE));
        if (moved != replaced) { // rename(2) between two links of one file does nothing
            names.remove(from);
            names.put(to, moved);
            closeIfNameless(w, replaced);
        }
    }

    private void link(Watchdog w, String existing, String name) throws Exception {
        guarded(w, "link " + existing + " " + name, List.of(name), List.of(),
                () -> Files.createLink(dir.resolve(name), dir.resolve(existing)));
        names.put(name, names.get(existing));
    }

    private void unlink(Watchdog w, String name) throws Exception {
        guarded(w, "unlink " + name, List.of(name), List.of(), () -> Files.delete(dir.resolve(name)));
        closeIfNameless(w, names.remove(name));
    }

    private void truncate(Watchdog w, String name) throws Exception {
        Node n = names.get(name);
        int size = rnd.nextInt(n.content.length + 1);
        guarded(w, "truncate " + name + " " + size, List.of(), List.of(n), () -> {
            try (FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.WRITE)) {
                ch.truncate(size);
            }
        });
        n.content = Arrays.copyOf(n.content, size);
        n.durable = null;
    }

    /** fallocate(1) -p: PUNCH_HOLE | KEEP_SIZE; the range reads as zeros, the size stays. */
    private void punch(Watchdog w, String name) throws Exception {
        Node n = names.get(name);
        int off = rnd.nextInt(n.content.length + 1);
        int len = 1 + rnd.nextInt(64 << 10);
        guarded(w, "punch " + name + " " + off + "+" + len, List.of(), List.of(n), () -> {
            Mounted.Result r = Mounted.run(List.of("fallocate", "-p", "-o", Integer.toString(off), "-l", Integer.toString(len),
                    dir.resolve(name).toString()));
            if (r.exit() != 0) {
                throw new java.io.IOException("fallocate -p failed: " + r.err());
            }
        });
        Arrays.fill(n.content, off, Math.min(n.content.length, off + len), (byte) 0);
        n.durable = null;
    }

    private void setxattr(Watchdog w, String name) throws Exception {
        Node n = names.get(name);
        String key = "k" + rnd.nextInt(3);
        byte[] value = bytes(200);
        guarded(w, "setxattr " + name + " user." + key, List.of(), List.of(n),
                () -> Files.getFileAttributeView(dir.resolve(name), UserDefinedFileAttributeView.class).write(key, ByteBuffer.wrap(value)));
        n.xattrs.put(key, value);
    }

    /** The files this model says are durable: "name sha256" for each certain name of an fsync'd, unchanged file. */
    List<String> claims() {
        List<String> lines = new ArrayList<>();
        names.forEach((name, n) -> {
            if (n.durable != null && !uncertain.contains(name)) {
                lines.add(name + " " + n.durable);
            }
        });
        return lines;
    }

    /**
     * Checks the recovered directory against the model: every name that is not uncertain is
     * there and no other; every fsync'd file still unchanged since has exactly that content; every
     * file whose xattrs are known has exactly those.
     */
    Check verify(Watchdog w) throws Exception {
        Set<String> onDisk = w.call("list " + dir, () -> {
            try (Stream<Path> s = Files.list(dir)) {
                return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
            }
        });
        int fsynced = 0;
        int lost = 0;
        int wrong = 0;
        int metadata = 0;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Node> e : names.entrySet()) {
            String name = e.getKey();
            Node n = e.getValue();
            if (uncertain.contains(name)) {
                continue;
            }
            if (n.durable != null) {
                fsynced++;
            }
            if (!onDisk.contains(name)) {
                if (n.durable != null) {
                    lost++;
                    problems.add(dir.getFileName() + "/" + name + ": fsync'd file lost");
                } else {
                    metadata++;
                    problems.add(dir.getFileName() + "/" + name + ": a name whose create/rename/link had returned is gone");
                }
                continue;
            }
            Path p = dir.resolve(name);
            if (n.durable != null) {
                byte[] read = w.call("read " + p, () -> Files.readAllBytes(p));
                String sha = sha256(read);
                if (!sha.equals(n.durable)) {
                    wrong++;
                    problems.add(dir.getFileName() + "/" + name + ": fsync'd content " + n.durable.substring(0, 12) + " ("
                            + n.content.length + " bytes), found " + sha.substring(0, 12) + " (" + read.length + " bytes)");
                }
            }
            if (n.xattrsKnown) {
                Map<String, byte[]> found = w.call("xattrs " + p, () -> xattrs(p));
                if (!sameXattrs(found, n.xattrs)) {
                    metadata++;
                    problems.add(dir.getFileName() + "/" + name + ": xattrs " + found.keySet() + " differ from the set ones "
                            + n.xattrs.keySet());
                }
            }
        }
        for (String name : onDisk) {
            if (!names.containsKey(name) && !uncertain.contains(name)) {
                metadata++;
                problems.add(dir.getFileName() + "/" + name + ": present, but its unlink or rename away had returned");
            }
        }
        return new Check(fsynced, lost, wrong, metadata, problems);
    }

    /**
     * Makes the model what the recovered directory holds (hard links found by inode number). All
     * of it is durable once the filesystem is next unmounted cleanly, which the caller does.
     */
    void rebuild(Watchdog w) throws Exception {
        names.clear();
        uncertain.clear();
        Map<Object, Node> byInode = new HashMap<>();
        List<Path> files = w.call("list " + dir, () -> {
            try (Stream<Path> s = Files.list(dir)) {
                return s.sorted().toList();
            }
        });
        for (Path p : files) {
            Object ino = w.call("stat " + p, () -> Files.getAttribute(p, "unix:ino"));
            Node n = byInode.get(ino);
            if (n == null) {
                n = new Node(w.call("read " + p, () -> Files.readAllBytes(p)));
                n.durable = sha256(n.content);
                n.xattrs.putAll(w.call("xattrs " + p, () -> xattrs(p)));
                byInode.put(ino, n);
            }
            names.put(p.getFileName().toString(), n);
        }
    }

    private static Map<String, byte[]> xattrs(Path p) throws java.io.IOException {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        Map<String, byte[]> m = new TreeMap<>();
        for (String k : v.list()) {
            ByteBuffer b = ByteBuffer.allocate(v.size(k));
            v.read(k, b);
            m.put(k, Arrays.copyOf(b.array(), b.position()));
        }
        return m;
    }

    private static boolean sameXattrs(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String k : a.keySet()) {
            if (!Arrays.equals(a.get(k), b.get(k))) {
                return false;
            }
        }
        return true;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
