package io.nvmfs.fuse;

import io.nvmfs.core.FsOptions.Atime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The filesystem-independent options of mount(8), resolved left to right as mount(8) applies
 * them: a later option overrides an earlier one, and user, users, owner and group imply
 * restrictions a later option may lift ("user,exec"). Starts from FUSE's defaults: rw, nosuid,
 * nodev, exec, async, relatime.
 *
 * <p>They reach the kernel two ways. libfuse 2.9's fuse_mount turns ro/rw, suid/nosuid,
 * dev/nodev, exec/noexec, sync/async, dirsync and atime/noatime into MS_* flags of the mount(2)
 * it makes ({@link #libfuseOptions}); it does not know strictatime, nodiratime, lazytime or
 * nosymfollow and would drop them without a word, so those are set by a remount right after it
 * ({@link #remountFlags}). Either way {@link #shownIn} is what the kernel then lists.
 *
 * <p>For FUSE the kernel never updates atime itself (its inodes are S_NOATIME): nvmfs does, by
 * {@link #atime}, which is therefore always the policy the kernel lists; a listing from the start
 * updates a directory's atime by the same policy unless {@link #noDirAtime}.
 */
record MountFlags(boolean readOnly, boolean noSuid, boolean noDev, boolean noExec, boolean sync, boolean dirSync,
                  Atime atime, boolean noDirAtime, boolean lazyTime, boolean noSymFollow) {
    static final MountFlags FUSE_DEFAULTS = new MountFlags(false, true, true, false, false, false, Atime.RELATIME, false, false, false);

    // <sys/mount.h>
    static final long MS_RDONLY = 1;
    static final long MS_NOSUID = 2;
    static final long MS_NODEV = 4;
    static final long MS_NOEXEC = 8;
    static final long MS_SYNCHRONOUS = 16;
    static final long MS_REMOUNT = 32;
    static final long MS_NOSYMFOLLOW = 256;
    static final long MS_NOATIME = 1024;
    static final long MS_NODIRATIME = 2048;
    static final long MS_BIND = 4096;
    static final long MS_RELATIME = 1 << 21;
    static final long MS_STRICTATIME = 1 << 24;
    static final long MS_LAZYTIME = 1 << 25;

    /** Options mount(8) documents that change nothing in a FUSE mount itself: fstab's and mount(8)'s own business. */
    private static final Set<String> NO_EFFECT = Set.of("auto", "noauto", "_netdev", "nofail", "nouser", "silent", "loud",
            "nomand", "noiversion");

    /**
     * This state after {@code option}, or null when it is not a filesystem-independent option of
     * mount(8) (the caller then looks at the FUSE and nvmfs ones). Throws {@link UserError} for
     * one nvmfs cannot honour.
     */
    MountFlags with(String option) {
        String key = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
        if (NO_EFFECT.contains(option) || key.equals("comment") || key.startsWith("x-") || key.startsWith("X-")
                || (key.equals("user") && option.contains("="))) {
            return this; // user=NAME: who mounted it, recorded by mount(8) and fusermount
        }
        return switch (option) {
            case "ro" -> new MountFlags(true, noSuid, noDev, noExec, sync, dirSync, atime, noDirAtime, lazyTime, noSymFollow);
            case "rw" -> new MountFlags(false, noSuid, noDev, noExec, sync, dirSync, atime, noDirAtime, lazyTime, noSymFollow);
            case "suid" -> new MountFlags(readOnly, false, noDev, noExec, sync, dirSync, atime, noDirAtime, lazyTime, noSymFollow);
            case "nosuid" -> new MountFlags(readOnly, true, noDev, noExec, sync, dirSync, atime, noDirAtime, lazyTime, noSymFollow);
            case "dev" -> new MountFlags(readOnly, noSuid, false, noExec, sync, dirSync, atime, noDirAtime, lazyTime, noSymFollow);
            case "nodev" -> new MountFlags(readOnly, noSuid, true, noExec, sync, dirSync, atime, noDirAtime, lazyTime, noSymFollow);
            case "exec" -> new MountFlags(readOnly, noSuid, noDev, false, sync, dirSync, atime, noDirAtime, lazyTime, noSymFollow);
            case "noexec" -> new MountFlags(readOnly, noSuid, noDev, true, sync, dirSync, atime, noDirAtime, lazyTime, noSymFollow);
            case "sync" -> new MountFlags(readOnly, noSuid, noDev, noExec, true, dirSync, atime, noDirAtime, lazyTime, noSymFollow);
            case "async" -> new MountFlags(readOnly, noSuid, noDev, noExec, false, dirSync, atime, noDirAtime, lazyTime, noSymFollow);
            case "dirsync" -> new MountFlags(readOnly, noSuid, noDev, noExec, sync, true, atime, noDirAtime, lazyTime, noSymFollow);
            case "noatime" -> withAtime(Atime.NOATIME);
            case "atime" -> atime == Atime.NOATIME ? withAtime(Atime.RELATIME) : this; // "do not use noatime": the default
            case "relatime" -> withAtime(Atime.RELATIME);
            // "do not use relatime": every access updates atime; an earlier noatime stands
            case "norelatime" -> atime == Atime.RELATIME ? withAtime(Atime.STRICTATIME) : this;
            case "strictatime" -> withAtime(Atime.STRICTATIME);
            case "nostrictatime" -> atime == Atime.STRICTATIME ? withAtime(Atime.RELATIME) : this;
            case "nodiratime" -> new MountFlags(readOnly, noSuid, noDev, noExec, sync, dirSync, atime, true, lazyTime, noSymFollow);
            case "diratime" -> new MountFlags(readOnly, noSuid, noDev, noExec, sync, dirSync, atime, false, lazyTime, noSymFollow);
            case "lazytime" -> new MountFlags(readOnly, noSuid, noDev, noExec, sync, dirSync, atime, noDirAtime, true, noSymFollow);
            case "nolazytime" -> new MountFlags(readOnly, noSuid, noDev, noExec, sync, dirSync, atime, noDirAtime, false, noSymFollow);
            case "nosymfollow" -> new MountFlags(readOnly, noSuid, noDev, noExec, sync, dirSync, atime, noDirAtime, lazyTime, true);
            case "symfollow" -> new MountFlags(readOnly, noSuid, noDev, noExec, sync, dirSync, atime, noDirAtime, lazyTime, false);
            case "defaults" -> with("rw").with("suid").with("dev").with("exec").with("async"); // and auto, nouser
            case "user", "users" -> with("noexec").with("nosuid").with("nodev");
            case "owner", "group" -> with("nosuid").with("nodev");
            case "mand" -> throw refused(option, "mandatory locks are not supported (Linux dropped them in 5.15)");
            case "iversion" -> throw refused(option, "nvmfs keeps no i_version change counter (noiversion is what it does)");
            case "remount" -> throw new UserError("mount option 'remount': nvmfs cannot change the options of a mounted"
                    + " filesystem; unmount and mount again");
            default -> switch (key) {
                case "context", "fscontext", "defcontext", "rootcontext" ->
                        throw refused(option, "SELinux labels are not supported by nvmfs");
                default -> null;
            };
        };
    }

    private MountFlags withAtime(Atime a) {
        return new MountFlags(readOnly, noSuid, noDev, noExec, sync, dirSync, a, noDirAtime, lazyTime, noSymFollow);
    }

    private static UserError refused(String option, String why) {
        return new UserError("mount option '" + option + "': " + why + "; remove it");
    }

    /**
     * The flags for fuse_mount's -o, each stated (libfuse starts from nosuid,nodev): the ones its
     * mount.c turns into MS_* flags of the mount(2) it makes, as root directly and otherwise
     * through fusermount (which ignores suid and dev for other users, with a warning).
     */
    List<String> libfuseOptions() {
        List<String> o = new ArrayList<>();
        o.add(readOnly ? "ro" : "rw");
        o.add(noSuid ? "nosuid" : "suid");
        o.add(noDev ? "nodev" : "dev");
        o.add(noExec ? "noexec" : "exec");
        o.add(sync ? "sync" : "async");
        if (dirSync) {
            o.add("dirsync"); // libfuse has no "nodirsync": off unless given
        }
        o.add(atime == Atime.NOATIME ? "noatime" : "atime"); // atime: relatime, the kernel's default, until a remount
        return o;
    }

    /**
     * The flags as they hold for a mount by root or by another user, for {@code nvmfs stats}: the
     * kernel's where only the kernel enforces them ({@link #listed}: suid and dev never hold for
     * another user, lazytime is a kernel flag only root can set), nvmfs's own where nvmfs applies
     * them (ro, sync, the atime policy, nodiratime). Every flag is stated, dirsync, nodiratime,
     * lazytime and nosymfollow only when on.
     */
    List<String> inEffect(boolean root) {
        MountFlags kernel = listed(root);
        List<String> o = new ArrayList<>();
        o.add(readOnly ? "ro" : "rw");
        o.add(kernel.noSuid ? "nosuid" : "suid");
        o.add(kernel.noDev ? "nodev" : "dev");
        o.add(noExec ? "noexec" : "exec");
        o.add(sync ? "sync" : "async");
        if (dirSync) {
            o.add("dirsync");
        }
        o.add(atime.name().toLowerCase(java.util.Locale.ROOT));
        if (noDirAtime) {
            o.add("nodiratime");
        }
        if (kernel.lazyTime) {
            o.add("lazytime");
        }
        if (noSymFollow) {
            o.add("nosymfollow");
        }
        return o;
    }

    /**
     * What the kernel lists for these flags asked by root, or by another user: then fusermount
     * forces nosuid and nodev, and only root may remount, so strictatime shows as relatime and
     * nodiratime and lazytime not at all (nvmfs's own atime policy is still {@link #atime};
     * nosymfollow, which only the kernel can enforce, {@link #checkUnprivileged} refuses).
     */
    MountFlags listed(boolean root) {
        if (root) {
            return this;
        }
        return new MountFlags(readOnly, true, true, noExec, sync, dirSync, atime == Atime.STRICTATIME ? Atime.RELATIME : atime,
                false, false, noSymFollow);
    }

    /**
     * For a mount by a user other than root: refuses nosymfollow (the kernel alone enforces it,
     * and only root may set it after fuse_mount), and returns the line to warn with when suid or
     * dev will not hold (mount.fuse adds both to every mount it makes, so they are not refused),
     * or null.
     */
    String checkUnprivileged() {
        if (noSymFollow) {
            throw refused("nosymfollow", "only root can set it on a FUSE mount");
        }
        if (!noSuid || !noDev) {
            return "suid and dev do not apply: a FUSE mount made by a user other than root is always nosuid,nodev";
        }
        return null;
    }

    /** Whether something the kernel should list is beyond fuse_mount: then {@link #remountFlags} sets it. */
    boolean needsRemount() {
        return atime == Atime.STRICTATIME || noDirAtime || lazyTime || noSymFollow;
    }

    /**
     * The mount(2) flags of the remount that sets what fuse_mount cannot. It restates every flag,
     * since a remount replaces them all. lazytime is a superblock flag: then a full remount (which
     * sets the per-mount flags too; FUSE takes it without asking the filesystem anything, and
     * MS_DIRSYNC cannot change that way, so it is left out); otherwise a bind remount, which
     * changes the per-mount flags only.
     */
    long remountFlags() {
        long f = MS_REMOUNT | (lazyTime ? MS_LAZYTIME : MS_BIND);
        f |= readOnly ? MS_RDONLY : 0;
        f |= noSuid ? MS_NOSUID : 0;
        f |= noDev ? MS_NODEV : 0;
        f |= noExec ? MS_NOEXEC : 0;
        f |= sync && lazyTime ? MS_SYNCHRONOUS : 0; // a superblock flag: only a full remount restates it
        f |= switch (atime) {
            case NOATIME -> MS_NOATIME;
            case RELATIME -> MS_RELATIME;
            case STRICTATIME -> MS_STRICTATIME;
        };
        f |= noDirAtime ? MS_NODIRATIME : 0;
        f |= noSymFollow ? MS_NOSYMFOLLOW : 0;
        return f;
    }

    /**
     * Whether the kernel lists exactly these flags for a mount whose per-mount options (mountinfo
     * field 6) and superblock options (its last field) are given.
     */
    boolean shownIn(Set<String> mountOptions, Set<String> superOptions) {
        Atime shown = mountOptions.contains("noatime") ? Atime.NOATIME
                : mountOptions.contains("relatime") ? Atime.RELATIME : Atime.STRICTATIME;
        return mountOptions.contains("ro") == readOnly && mountOptions.contains("nosuid") == noSuid
                && mountOptions.contains("nodev") == noDev && mountOptions.contains("noexec") == noExec
                && superOptions.contains("sync") == sync && superOptions.contains("dirsync") == dirSync
                && shown == atime && mountOptions.contains("nodiratime") == noDirAtime
                && superOptions.contains("lazytime") == lazyTime && mountOptions.contains("nosymfollow") == noSymFollow;
    }
}
