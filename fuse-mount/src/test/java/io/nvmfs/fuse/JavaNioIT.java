package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** java.nio.file on a real mount. */
class JavaNioIT {
    @TempDir
    static Path dir;
    static Mounted m;

    @BeforeAll
    static void mount() throws Exception {
        m = Mounted.fresh(dir, "512M");
    }

    @AfterAll
    static void unmount() throws Exception {
        m.close();
    }

    @Test
    void filesDirectoriesAndErrors() throws Exception {
        Path d = m.mnt.resolve("nio");
        Files.createDirectory(d);
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(d));
        byte[] data = new byte[3_000_000];
        new Random(1).nextBytes(data);
        Path f = Files.write(d.resolve("f.bin"), data);
        assertArrayEquals(data, Files.readAllBytes(f));
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(d));
        assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(d.resolve("nope")));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        try (Stream<Path> s = Files.list(d)) {
            assertEquals(1, s.count());
        }
        Files.delete(f);
        Files.delete(d);
        assertFalse(Files.exists(d));
    }

    @Test
    void hardLinksHaveEqualInodes() throws Exception {
        Path a = Files.writeString(m.mnt.resolve("a"), "x");
        Path b = Files.createLink(m.mnt.resolve("b"), a);
        assertEquals(Files.getAttribute(a, "unix:ino"), Files.getAttribute(b, "unix:ino"));
        assertEquals(2, Files.getAttribute(a, "unix:nlink"));
        Path s = Files.createSymbolicLink(m.mnt.resolve("s"), Path.of("a"));
        assertEquals(Path.of("a"), Files.readSymbolicLink(s));
    }

    @Test
    void unlinkedOpenFileVanishesAndKeepsWorking() throws Exception {
        Path p = m.mnt.resolve("ghost");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("before".getBytes()));
            Files.delete(p);
            try (Stream<Path> s = Files.list(m.mnt)) {
                assertTrue(s.noneMatch(q -> q.getFileName().toString().startsWith(".fuse_hidden")
                        || q.getFileName().toString().equals("ghost")), "no trace of the unlinked file");
            }
            ch.write(ByteBuffer.wrap("after".getBytes()));
            ByteBuffer back = ByteBuffer.allocate(64);
            ch.read(back, 0);
            assertEquals("beforeafter", new String(back.array(), 0, back.position()));
            Thread.sleep(1500); // past the kernel's attribute cache: fstat must be answered by inode, not path
            assertEquals(11, ch.size());
        }
    }

    @Test
    void renameOverAnOpenFile() throws Exception {
        Path target = Files.writeString(m.mnt.resolve("target"), "old contents");
        Path src = Files.writeString(m.mnt.resolve("src"), "new contents");
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ)) {
            Files.move(src, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            ByteBuffer b = ByteBuffer.allocate(64);
            ch.read(b, 0);
            assertEquals("old contents", new String(b.array(), 0, b.position()), "the open handle still reads the old file");
        }
        assertEquals("new contents", Files.readString(target));
    }

    @Test
    void bigSequentialFileRoundTrips() throws Exception {
        Path p = m.mnt.resolve("big.bin");
        byte[] block = new byte[1 << 20];
        new Random(2).nextBytes(block);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < 64; i++) {
                ch.write(ByteBuffer.wrap(block));
            }
            ch.force(true);
        }
        assertEquals(64L << 20, Files.size(p));
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            for (int i = 0; i < 64; i++) {
                b.clear();
                while (b.hasRemaining()) {
                    ch.read(b);
                }
                assertArrayEquals(block, b.array(), "block " + i);
            }
        }
        Files.delete(p);
    }
}
