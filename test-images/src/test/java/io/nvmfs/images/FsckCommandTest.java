package io.nvmfs.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.core.FsException;
import io.nvmfs.core.NvmFs;
import io.nvmfs.fsck.FsckCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: modes, exit codes, --json, --backup, a mounted namespace, usage errors. */
class FsckCommandTest {
    @TempDir
    Path tmp;

    private Path imageOf(String catalogueCase) throws Exception {
        Path p = tmp.resolve(catalogueCase + ".img");
        Files.write(p, Images.readGz(CatalogueTest.CATALOGUE.resolve(catalogueCase).resolve("image.gz")));
        return p;
    }

    private record Run(int exit, String out, String err) {}

    private static Run fsck(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            int exit = FsckCommand.main(args);
            return new Run(exit, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /**
     * -n on a namespace twice this machine's memory (sparse): the copy-on-write view must not
     * reserve the namespace's size ("Map failed", exit 8, for 32 GiB and more on a 24 GiB machine).
     */
    @Test
    void checkOnlyWorksOnANamespaceLargerThanMemory() throws Exception {
        long ram = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getTotalMemorySize();
        long size = Math.max(32L << 30, (2 * ram + (1L << 30)) & ~((1L << 30) - 1));
        Path img = tmp.resolve("large.img");
        try (io.nvmfs.nvmpg.Namespace ns = io.nvmfs.nvmpg.Namespace.create(img, size)) {
            io.nvmfs.core.Mkfs.format(ns.media(), "large", 0, io.nvmfs.core.TimeSource.SYSTEM);
        }
        Run r = fsck("-fn", img.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        Files.delete(img);
    }

    @Test
    void checkOnlyChangesNothingAndReportsUncorrected() throws Exception {
        Path img = imageOf("f_in02_inode_type");
        byte[] before = Files.readAllBytes(img);
        Run r = fsck("-fn", img.toString());
        assertEquals(4, r.exit(), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("IN02 inode ") && l.endsWith("invalid file type (mode 0170644). Clear the inode? no")), r.out());
        assertArrayEquals(before, Files.readAllBytes(img));
    }

    @Test
    void preenFixesSafeProblemsAndExitsOne() throws Exception {
        Path img = imageOf("f_lc01_link_count");
        Run r = fsck("-fp", img.toString());
        assertEquals(1, r.exit(), r.out());
        assertEquals(0, fsck("-fn", img.toString()).exit());
    }

    @Test
    void preenStopsAtTheFirstUnsafeProblem() throws Exception {
        Path img = imageOf("f_in02_inode_type");
        Run r = fsck("-f", "-a", img.toString());
        assertEquals(4, r.exit(), r.out());
        assertTrue(r.out().contains("UNEXPECTED INCONSISTENCY; run fsck.nvmfs manually"), r.out());
    }

    @Test
    void yesRepairsAndASecondRunIsClean() throws Exception {
        Path img = imageOf("f_cn02_detached_directory");
        assertEquals(1, fsck("-fy", img.toString()).exit());
        assertEquals(0, fsck("-fy", img.toString()).exit());
        try (Arena arena = Arena.ofConfined()) {
            NvmFs fs = NvmFs.attach(Images.inMemory(arena, Files.readAllBytes(img)), Images.options());
            assertEquals("three levels down\n", TreeWalk.read(fs, "/lost+found/#4/b/deep.txt"));
        }
    }

    @Test
    void jsonReportNamesEveryProblem() throws Exception {
        Path img = imageOf("f_dr06_entry_type");
        Run r = fsck("-fy", "--json", img.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().startsWith("{\"namespace\":"), r.out());
        assertTrue(r.out().contains("\"code\":\"DR06\"") && r.out().contains("\"repaired\":true") && r.out().contains("\"exit\":1"),
                r.out());
        assertTrue(!r.out().contains("Pass 1"), "no text lines with --json");
    }

    @Test
    void backupHoldsEveryChangedPageAsItWas() throws Exception {
        Path img = imageOf("f_cn04_detached_file");
        byte[] before = Files.readAllBytes(img);
        Path backup = tmp.resolve("backup");
        assertEquals(1, fsck("-fy", "--backup", backup.toString(), img.toString()).exit());
        byte[] after = Files.readAllBytes(img);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(backup)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(magic);
        assertEquals("NVFSCKB1", new String(magic));
        int pages = 0;
        while (b.hasRemaining()) {
            long page = b.getLong();
            byte[] old = new byte[4096];
            b.get(old);
            System.arraycopy(old, 0, after, (int) (page << 12), 4096);
            pages++;
        }
        assertTrue(pages > 0);
        assertArrayEquals(before, after, "writing the backup's pages back restores the namespace");
        assertEquals(8, fsck("-fy", "--backup", backup.toString(), img.toString()).exit(), "an existing backup is not overwritten");
    }

    @Test
    void refusesToRepairANamespaceInUseButChecksIt() throws Exception {
        Path img = imageOf("f_dr06_entry_type");
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            Run r = fsck("-y", img.toString());
            assertEquals(8, r.exit());
            assertTrue(r.err().contains("is in use by a mount; unmount it first, or check it read-only with -n"), r.err());
            assertEquals(4, fsck("-fn", img.toString()).exit());
        }
    }

    @Test
    void aCleanFilesystemIsNotScannedWithoutForce() throws Exception {
        Path img = imageOf("f_dr06_entry_type");
        Run r = fsck("-n", img.toString());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains(": clean, 1024 pages"), r.out());
    }

    @Test
    void usageErrorsExitSixteenAndOperationalErrorsEight() {
        assertEquals(16, fsck("-n", "-y", "x").exit());
        assertEquals(16, fsck().exit());
        assertEquals(16, fsck("--no-such-option", "x").exit());
        Run missing = fsck("-y", tmp.resolve("absent.img").toString());
        assertEquals(8, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void mountRefusesAnInvalidNamespaceAndNamesFsck() throws Exception {
        byte[] image = Images.readGz(CatalogueTest.CATALOGUE.resolve("f_sb03_both_superblocks").resolve("image.gz"));
        try (Arena arena = Arena.ofConfined()) {
            FsException e = org.junit.jupiter.api.Assertions.assertThrows(FsException.class,
                    () -> NvmFs.attach(Images.inMemory(arena, image), Images.options()));
            assertTrue(e.getMessage().contains("run fsck.nvmfs"), e.getMessage());
        }
        byte[] journal = Images.readGz(CatalogueTest.CATALOGUE.resolve("f_jr03_journal_headers").resolve("image.gz"));
        try (Arena arena = Arena.ofConfined()) {
            FsException e = org.junit.jupiter.api.Assertions.assertThrows(FsException.class,
                    () -> NvmFs.attach(Images.inMemory(arena, journal), Images.options()));
            assertTrue(e.getMessage().contains("journal") && e.getMessage().contains("run fsck.nvmfs"), e.getMessage());
        }
    }
}
