package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Damaged metadata found while attached, and refused at attach. */
class FsCorruptionTest {
    @Test
    void damagedInodeGivesEioAndTheFilesystemGoesReadOnly() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long ino = t.writeFile(t.fs.root(), "victim", "x".getBytes());
            t.writeFile(t.fs.root(), "bystander", "y".getBytes());
            t.fs = t.remount();
            long off = t.fs.fs.table.offsetOf(ino);
            t.media.segment().set(ValueLayout.JAVA_BYTE, off + InodeFormat.OFF_SIZE, (byte) 0x5a);
            FsException e = assertThrows(FsException.class, () -> t.fs.getattr(ino));
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage().contains("inode " + ino), e.getMessage());
            FsException ro = assertThrows(FsException.class, () -> t.fs.mkdir(t.fs.root(), "new", 0755, Caller.ROOT));
            assertEquals(Errno.EROFS, ro.errno());
            assertTrue(ro.getMessage().contains("fsck"), ro.getMessage());
            // Reading what is intact still works.
            assertEquals("y", new String(t.readFile(t.fs.lookup(t.fs.root(), "bystander"))));
        }
    }

    @Test
    void damagedDirectoryGivesEio() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long d = t.fs.mkdir(t.fs.root(), "d", 0755, Caller.ROOT).ino();
            t.fs.mknod(d, "f", 0644, 0, Caller.ROOT);
            t.fs = t.remount();
            Inode dir = t.fs.fs.table.read(d);
            long page = dir.extents.physical(0);
            t.media.segment().set(Le.SHORT, (page << 12) + DirentFormat.OFF_REC_LEN, (short) 3);
            assertEquals(Errno.EIO, assertThrows(FsException.class, () -> t.fs.lookup(d, "f")).errno());
        }
    }

    /**
     * A directory page overwritten after its index was loaded (what stray data over metadata
     * leaves): an insert walking the page meets a zero record length. It fails with EIO; before,
     * the walk never advanced and the call hung the serving thread at 100 % CPU.
     */
    @Test
    @org.junit.jupiter.api.Timeout(20)
    void directoryPageZeroedUnderItsIndexFailsTheInsertInsteadOfHanging() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long d = t.fs.mkdir(t.fs.root(), "d", 0755, Caller.ROOT).ino();
            t.fs.mknod(d, "f", 0644, 0, Caller.ROOT);
            long page = t.fs.fs.table.read(d).extents.physical(0);
            t.media.segment().asSlice(page << 12, 4096).fill((byte) 0);
            FsException e = assertThrows(FsException.class, () -> t.fs.mknod(d, "g", 0644, 0, Caller.ROOT));
            assertEquals(Errno.EIO, e.errno());
        }
    }

    @Test
    void attachRefusesADamagedSuperblockAndSaysToRunFsck() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            t.fs.close();
            long sb = t.fs.fs.superblock;
            t.media.segment().set(ValueLayout.JAVA_BYTE, sb + 20, (byte) 1);
            FsException e = assertThrows(FsException.class, () -> NvmFs.attach(t.media, t.options()));
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage().contains("superblock") && e.getMessage().contains("fsck"), e.getMessage());
        }
    }

    @Test
    void attachRefusesADestroyedJournal() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            t.fs.close();
            long jPage = t.media.segment().get(Le.LONG, t.fs.fs.superblock + FsSuperblockFormat.OFF_JOURNAL_PAGE);
            t.media.segment().asSlice(jPage << 12, 4096).fill((byte) 0x11);
            FsException e = assertThrows(FsException.class, () -> NvmFs.attach(t.media, t.options()));
            assertTrue(e.getMessage().contains("journal") && e.getMessage().contains("fsck"), e.getMessage());
        }
    }

    private static long recordedErrors(TestFs t) {
        return t.media.segment().get(Le.LONG, t.fs.fs.superblock + FsSuperblockFormat.OFF_ERRORS);
    }

    /** Corruption found while attached is recorded on the namespace (fsck then checks fully) and turns the mount read-only. */
    @Test
    void corruptionFoundWhileAttachedIsRecordedOnTheNamespace() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long d = t.fs.mkdir(t.fs.root(), "d", 0755, Caller.ROOT).ino();
            t.fs.mknod(d, "f", 0644, 0, Caller.ROOT);
            t.fs = t.remount();
            assertEquals(0, recordedErrors(t));
            long page = t.fs.fs.table.read(d).extents.physical(0);
            t.media.segment().set(Le.SHORT, (page << 12) + DirentFormat.OFF_REC_LEN, (short) 3);
            assertEquals(Errno.EIO, assertThrows(FsException.class, () -> t.fs.readdir(d, 0, 100)).errno());
            assertEquals(1, recordedErrors(t), "the errors field counts the event");
            assertEquals(Errno.EROFS, assertThrows(FsException.class,
                    () -> t.fs.mkdir(t.fs.root(), "new", 0755, Caller.ROOT)).errno());
            t.fs.close();
            NvmFs again = NvmFs.attach(t.media, t.options());
            assertTrue(again.attachReport().stream().anyMatch(l -> l.contains("recorded 1 corruption event")),
                    again.attachReport().toString());
        }
    }

    /** An attach that refuses a damaged image records that too, so fsck without -f does not call it clean. */
    @Test
    void anAttachThatRefusesTheImageRecordsIt() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            TestFs t = new TestFs(arena, 32L << 20);
            long sb = t.fs.fs.superblock;
            t.fs.close();
            t.media.segment().set(Le.LONG, FsSuperblockFormat.chunkSlot(sb, 0), t.media.pages() + 10); // past the end
            assertEquals(Errno.EIO, assertThrows(FsException.class, () -> NvmFs.attach(t.media, t.options())).errno());
            assertEquals(1, t.media.segment().get(Le.LONG, sb + FsSuperblockFormat.OFF_ERRORS));
        }
    }
}
