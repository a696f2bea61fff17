package io.nvmfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nvmfs.core.FsOptions.Atime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How mount(8)'s options resolve, and what reaches libfuse and the remount (the real kernel is in MountFlagsIT). */
class MountFlagsTest {
    private static MountFlags of(String options) {
        return MountOptions.parse(List.of(options.split(","))).flags();
    }

    @Test
    void aLaterOptionOverridesAnEarlierOne() {
        assertFalse(of("noexec,exec").noExec());
        assertTrue(of("exec,noexec").noExec());
        assertEquals(Atime.NOATIME, of("strictatime,noatime").atime());
        assertEquals(Atime.STRICTATIME, of("noatime,strictatime").atime());
        assertFalse(of("nodiratime,diratime").noDirAtime());
        assertTrue(of("ro,rw,ro").readOnly());
    }

    @Test
    void theAtimeWordsMeanWhatMount8Says() {
        assertEquals(Atime.RELATIME, of("noatime,atime").atime(), "atime: do not use noatime, so the default");
        assertEquals(Atime.STRICTATIME, of("strictatime,atime").atime(), "atime lifts noatime only");
        assertEquals(Atime.STRICTATIME, of("norelatime").atime(), "norelatime: do not use relatime");
        assertEquals(Atime.NOATIME, of("noatime,norelatime").atime());
        assertEquals(Atime.RELATIME, of("strictatime,nostrictatime").atime());
    }

    @Test
    void userUsersOwnerAndGroupImplyRestrictionsALaterOptionLifts() {
        MountFlags user = of("user");
        assertTrue(user.noExec() && user.noSuid() && user.noDev());
        MountFlags lifted = of("dev,suid,users,exec,dev,suid");
        assertFalse(lifted.noExec() || lifted.noSuid() || lifted.noDev());
        MountFlags owner = of("dev,suid,owner");
        assertTrue(owner.noSuid() && owner.noDev() && !owner.noExec());
        assertEquals(of("dev,suid,group"), owner);
        assertEquals(of(""), of("user=alice"), "user=NAME records who mounted it; it implies nothing");
    }

    @Test
    void defaultsAreFusesAndDefaultsTheWordIsMount8s() {
        assertEquals(MountFlags.FUSE_DEFAULTS, of(""));
        MountFlags d = of("nosuid,ro,sync,defaults");
        assertFalse(d.readOnly() || d.noSuid() || d.noDev() || d.noExec() || d.sync());
    }

    /** What nvmfs stats lists (the real mount, as root, is in StatsIT). */
    @Test
    void theOptionsAMountRunsWithHoldForTheUserWhoMountsIt() {
        MountOptions none = MountOptions.parse(List.of());
        assertEquals("fsname=/x/fs.img,subtype=nvmfs,default_permissions,rw,nosuid,nodev,exec,async,relatime,"
                + "commit=5,cache_size=64M,attr_timeout=1,entry_timeout=1", none.runsWith("/x/fs.img", true), "the defaults, stated");
        MountOptions given = MountOptions.parse(List.of("suid", "dev", "strictatime", "nodiratime", "lazytime", "allow_other",
                "commit=0", "cache_size=1536K", "attr_timeout=0.5", "entry_timeout=2.0", "writeback_cache", "debug"));
        assertEquals("fsname=/a\\,b,subtype=nvmfs,default_permissions,rw,suid,dev,exec,async,strictatime,nodiratime,lazytime,"
                + "allow_other,commit=0,cache_size=1536K,attr_timeout=0.5,entry_timeout=2,writeback_cache,debug",
                given.runsWith("/a,b", true));
        assertEquals("fsname=/a\\,b,subtype=nvmfs,default_permissions,rw,nosuid,nodev,exec,async,strictatime,nodiratime,"
                + "allow_other,commit=0,cache_size=1536K,attr_timeout=0.5,entry_timeout=2,writeback_cache,debug",
                given.runsWith("/a,b", false), "another user: fusermount forces nosuid,nodev, only root sets lazytime;"
                + " nvmfs's own atime policy holds");
        assertFalse(MountOptions.parse(List.of("writeback_cache", "sync")).runsWith("/x", true).contains("writeback_cache"),
                "not with sync: the kernel is not given it");
        assertEquals(1536L << 10, Sizes.parse(Sizes.option(1536L << 10)));
        assertEquals("100", Sizes.option(100));
        assertEquals("2G", Sizes.option(2L << 30));
    }

    @Test
    void fsOptionsFollowTheFlags() {
        var fs = MountOptions.parse(List.of("ro", "sync", "norelatime")).fs();
        assertTrue(fs.readOnly() && fs.sync());
        assertEquals(Atime.STRICTATIME, fs.atime());
        assertEquals(Atime.NOATIME, MountOptions.parse(List.of("user", "noatime")).fs().atime());
    }

    @Test
    void libfuseGetsEveryFlagItKnowsStatedAndTheRemountTheRest() {
        assertEquals(List.of("rw", "nosuid", "nodev", "exec", "async", "atime"), of("").libfuseOptions());
        assertEquals(List.of("ro", "suid", "dev", "noexec", "sync", "dirsync", "noatime"),
                of("ro,suid,dev,noexec,sync,dirsync,noatime").libfuseOptions());
        assertFalse(of("noatime,noexec,dev,suid,dirsync,sync,ro").needsRemount());
        for (String o : List.of("strictatime", "norelatime", "nodiratime", "lazytime", "nosymfollow")) {
            assertTrue(of(o).needsRemount(), o);
        }
        // a bind remount (per-mount flags only) restating everything
        assertEquals(MountFlags.MS_REMOUNT | MountFlags.MS_BIND | MountFlags.MS_NOSUID | MountFlags.MS_NODEV
                | MountFlags.MS_RELATIME | MountFlags.MS_NODIRATIME, of("nodiratime").remountFlags());
        assertEquals(MountFlags.MS_REMOUNT | MountFlags.MS_BIND | MountFlags.MS_NOEXEC | MountFlags.MS_STRICTATIME,
                of("dev,suid,noexec,strictatime").remountFlags());
        // lazytime is the superblock's: a full remount, which must restate sync too
        assertEquals(MountFlags.MS_REMOUNT | MountFlags.MS_LAZYTIME | MountFlags.MS_RDONLY | MountFlags.MS_NOSUID
                | MountFlags.MS_NODEV | MountFlags.MS_SYNCHRONOUS | MountFlags.MS_NOATIME, of("ro,sync,noatime,lazytime").remountFlags());
    }

    @Test
    void shownInComparesWithWhatTheKernelLists() {
        assertTrue(of("").shownIn(Set.of("rw", "nosuid", "nodev", "relatime"), Set.of("rw", "user_id=0")));
        assertFalse(of("noexec").shownIn(Set.of("rw", "nosuid", "nodev", "relatime"), Set.of("rw")), "noexec dropped");
        assertTrue(of("strictatime,dev,suid").shownIn(Set.of("rw"), Set.of("rw")), "strictatime: no atime word at all");
        assertTrue(of("lazytime,dirsync,noatime,nodiratime").shownIn(Set.of("rw", "nosuid", "nodev", "noatime", "nodiratime"),
                Set.of("rw", "dirsync", "lazytime")));
        assertFalse(of("lazytime").shownIn(Set.of("rw", "nosuid", "nodev", "relatime"), Set.of("rw")));
    }

    @Test
    void aMountByAnotherUserThanRoot() {
        MountFlags asked = of("dev,suid,strictatime,nodiratime,lazytime,noexec");
        MountFlags listed = asked.listed(false);
        assertEquals(of("noexec"), listed, "nosuid,nodev forced; the remount-only flags not set");
        assertEquals(asked, asked.listed(true));
        assertTrue(asked.checkUnprivileged().contains("nosuid,nodev"));
        assertNull(of("noexec,noatime").checkUnprivileged());
        UserError e = assertThrows(UserError.class, () -> of("nosymfollow").checkUnprivileged());
        assertTrue(e.getMessage().contains("nosymfollow"), e.getMessage());
    }

    @Test
    void optionsNvmfsCannotHonourAreRefusedAndOthersAreLeftToTheCaller() {
        for (String o : List.of("mand", "iversion", "remount", "context=x", "fscontext=x", "defcontext=x", "rootcontext=x")) {
            UserError e = assertThrows(UserError.class, () -> MountFlags.FUSE_DEFAULTS.with(o), o);
            assertTrue(e.getMessage().startsWith("mount option '" + o + "'"), e.getMessage());
        }
        for (String o : List.of("auto", "noauto", "_netdev", "nofail", "nouser", "silent", "loud", "nomand", "noiversion",
                "x-systemd.automount", "X-mount.mkdir", "comment=x")) {
            assertEquals(MountFlags.FUSE_DEFAULTS, MountFlags.FUSE_DEFAULTS.with(o), o);
        }
        for (String o : List.of("allow_other", "cache_size=1M", "bogus")) {
            assertNull(MountFlags.FUSE_DEFAULTS.with(o), o);
        }
    }
}
