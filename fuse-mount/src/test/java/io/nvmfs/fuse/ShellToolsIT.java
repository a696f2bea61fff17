package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ordinary shell tools on a real mount: each operation and the errors users see. */
class ShellToolsIT {
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
    void copyMoveDiffDd() throws Exception {
        m.shOk("dd if=/dev/urandom of=/tmp/nvmfs-it-src bs=1M count=24 status=none");
        m.shOk("cp /tmp/nvmfs-it-src big && diff /tmp/nvmfs-it-src big");
        m.shOk("mkdir -p sub/deeper && mv big sub/deeper/moved && diff /tmp/nvmfs-it-src sub/deeper/moved");
        m.shOk("dd if=/dev/zero of=sub/deeper/moved bs=4k seek=3 count=2 conv=notrunc status=none");
        m.shOk("cmp -n 12288 /tmp/nvmfs-it-src sub/deeper/moved");
        assertEquals("25165824", m.shOk("stat -c %s sub/deeper/moved").out().trim());
        m.shOk("rm /tmp/nvmfs-it-src");
    }

    @Test
    void linksShowTheirInodes() throws Exception {
        m.shOk("echo data > orig && ln orig hard && ln -s orig soft");
        String[] inos = m.shOk("stat -c %i orig hard").out().trim().split("\\s+");
        assertEquals(inos[0], inos[1], "hard links share the inode number");
        assertEquals("2", m.shOk("stat -c %h hard").out().trim(), "the new name reports both links");
        assertEquals("2", m.shOk("stat -c %h orig").out().trim(), "and so does the old one, at once");
        m.shOk("rm hard");
        assertEquals("1", m.shOk("stat -c %h orig").out().trim(), "unlinking one name is seen through the other");
        assertEquals("orig", m.shOk("readlink soft").out().trim());
        assertEquals("data", m.shOk("cat soft").out().trim());
        assertTrue(m.shOk("ls -l soft").out().startsWith("l"));
    }

    @Test
    void truncateAndFallocateAndStatBlocks() throws Exception {
        m.shOk("truncate -s 10M sparse");
        assertEquals("10485760 0", m.shOk("stat -c '%s %b' sparse").out().trim(), "a hole holds no blocks");
        m.shOk("fallocate -l 1M prealloc");
        assertEquals("1048576 2048", m.shOk("stat -c '%s %b' prealloc").out().trim());
        m.shOk("fallocate -p -o 0 -l 524288 prealloc");
        assertEquals("1048576 1024", m.shOk("stat -c '%s %b' prealloc").out().trim(), "punched pages are gone");
        m.shOk("truncate -s 100 prealloc");
        assertEquals("100", m.shOk("stat -c %s prealloc").out().trim());
    }

    @Test
    void extendedAttributes() throws Exception {
        m.shOk("touch x && setfattr -n user.colour -v blue x && setfattr -n user.size -v 42 x");
        assertEquals("blue", m.shOk("getfattr --only-values -n user.colour x").out().trim());
        String dump = m.shOk("getfattr -d x").out();
        assertTrue(dump.contains("user.colour=\"blue\"") && dump.contains("user.size=\"42\""), dump);
        m.shOk("setfattr -x user.colour x");
        assertNotEquals(0, m.sh("getfattr -n user.colour x").exit());
    }

    @Test
    void errorsAreTheUsualOnes() throws Exception {
        m.shOk("mkdir e && touch e/f");
        assertTrue(m.sh("mkdir e").err().contains("File exists"));
        assertTrue(m.sh("rmdir e").err().contains("Directory not empty"));
        assertTrue(m.sh("touch " + "n".repeat(256)).err().contains("File name too long"));
        m.shOk("touch " + "n".repeat(255));
        assertTrue(m.sh("cat missing").err().contains("No such file or directory"));
        assertTrue(m.sh("mv e e/f/inside").err().length() > 0);
    }

    @Test
    void permissionsAndTimes() throws Exception {
        m.shOk("touch -d '2001-02-03 04:05:06.123456789' t && chmod 640 t && chown 1000:1000 t");
        assertEquals("640 1000 1000 2001-02-03 04:05:06.123456789 +0000",
                m.shOk("stat -c '%a %u %g %y' t").out().trim());
    }

    @Test
    void dfShowsSpaceComingBackAtOnce() throws Exception {
        long before = Long.parseLong(m.shOk("stat -f -c %f .").out().trim());
        m.shOk("dd if=/dev/zero of=fill bs=1M count=32 status=none && sync fill");
        long during = Long.parseLong(m.shOk("stat -f -c %f .").out().trim());
        assertTrue(before - during >= 8192, "32 MiB took " + (before - during) + " blocks");
        m.shOk("rm fill");
        long after = Long.parseLong(m.shOk("stat -f -c %f .").out().trim());
        assertTrue(after >= before - 2, "free blocks back after rm: " + before + " -> " + after);
    }
}
