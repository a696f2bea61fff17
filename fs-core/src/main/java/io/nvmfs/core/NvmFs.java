package io.nvmfs.core;

import io.nvmfs.nvmpg.Media;
import io.nvmfs.nvmpg.NvmPages;
import io.nvmfs.nvmpg.NvmpgException;
import io.nvmfs.nvmpg.OutOfSpaceException;
import io.nvmfs.nvmpg.Owner;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The filesystem as an in-process API, inode- and handle-based, mirroring what FUSE calls.
 *
 * <h2>Concurrency model</h2>
 * Every inode has a read/write lock ({@link InodeLocks}, striped by inode number). An operation
 * takes the locks of every inode it reads or changes before it looks at them, all at once
 * (sorted: no lock-order cycles); an operation that must first look a name up to learn which
 * inode to lock does the lookup, takes all its locks, checks the name still leads where it did,
 * and retries otherwise. Cross-directory moves of directories additionally take {@code renameLock}
 * first, so the loop check (walking parents) sees a stable tree; nothing else is global. The
 * data path (read, write) takes only its inode's lock. Lower-level locks (inode table, journal,
 * nvmpg) are taken inside and never call back up.
 *
 * <h2>Durability</h2>
 * Metadata changes are journaled transactions, durable when the call returns. File data is
 * written straight into the mapped namespace and persisted at fsync, flush, release, by the
 * periodic flusher, or at once with {@code sync}; the size and extents that expose it are
 * committed only after it is persisted.
 */
public final class NvmFs implements AutoCloseable {
    public static final int RENAME_NOREPLACE = 1;
    public static final int RENAME_EXCHANGE = 2;
    static final int MAX_LINKS = 65000;

    final FsCore fs;
    private final List<String> attachReport;
    private final Handles handles;
    private final XattrCalls xattrs;
    private final ReentrantLock renameLock = new ReentrantLock();
    private final ScheduledExecutorService flusher;
    private volatile boolean closed;

    private NvmFs(FsCore fs, List<String> attachReport) {
        this.fs = fs;
        this.attachReport = List.copyOf(attachReport);
        this.handles = new Handles(this, fs);
        this.xattrs = new XattrCalls(this, fs);
        if (fs.options.commitMillis() > 0 && !fs.isReadOnly()) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "nvmfs-flusher");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(this::flushQuietly, fs.options.commitMillis(), fs.options.commitMillis(),
                    TimeUnit.MILLISECONDS);
        } else {
            flusher = null;
        }
    }

    /**
     * Attaches the filesystem on {@code media}: nvmpg attach, journal replay, and after an unclean
     * detach the leak and orphan scan. Errors name the problem and say to run fsck.
     */
    public static NvmFs attach(Media media, FsOptions options) throws FsException {
        NvmPages pg;
        try {
            pg = options.readOnly() ? NvmPages.attachReadOnly(media) : NvmPages.attach(media);
        } catch (io.nvmfs.nvmpg.CorruptNamespaceException e) {
            throw new FsException(Errno.EIO, e.getMessage() + "; run fsck.nvmfs", e);
        } catch (NvmpgException e) {
            throw new FsException(Errno.EIO, e.getMessage(), e);
        }
        UUID uuid = pg.superblock().uuid();
        Owner meta = pg.findOwner(Owners.meta(uuid)).orElse(null);
        Owner data = pg.findOwner(Owners.data(uuid)).orElse(null);
        if (meta == null || data == null || pg.root(meta) == 0) {
            throw new FsException(Errno.EINVAL, "no nvmfs filesystem on this namespace (nvmpg is there, the filesystem"
                    + " owners are not); create one with mkfs");
        }
        long sbPage = pg.root(meta);
        if (sbPage <= 0 || sbPage >= media.pages()) {
            throw new FsException(Errno.EIO, "filesystem superblock pointer " + sbPage + " is outside the namespace; run fsck.nvmfs");
        }
        long sb = sbPage << 12;
        String problem = FsSuperblockFormat.problemBeforeReplay(media.segment(), sb);
        if (problem != null) {
            throw new FsException(Errno.EIO, "filesystem superblock: " + problem + "; run fsck.nvmfs");
        }
        long jPage = media.segment().get(Le.LONG, sb + FsSuperblockFormat.OFF_JOURNAL_PAGE);
        int jOrder = media.segment().get(Le.INT, sb + FsSuperblockFormat.OFF_JOURNAL_ORDER);
        if (jPage <= 0 || jPage + (1L << jOrder) > media.pages()) {
            throw new FsException(Errno.EIO, "journal block " + jPage + " order " + jOrder + " is outside the namespace; run fsck.nvmfs");
        }
        List<String> report = new ArrayList<>(pg.attachRepairs());
        try {
            Journal journal = options.readOnly() ? Journal.openReadOnly(media, jPage << 12, (1L << jOrder) << 12)
                    : Journal.open(media, jPage << 12, (1L << jOrder) << 12);
            if (journal.replayed() > 0) {
                report.add("replayed " + journal.replayed() + " journal transactions");
            }
            String replayedProblem = FsSuperblockFormat.problem(media.segment(), sb);
            if (replayedProblem != null) { // torn by a feature upgrade, and the journal did not complete it
                throw new CorruptFsException("filesystem superblock", replayedProblem + " after journal replay");
            }
            if (!options.readOnly()) {
                String upgraded = FeatureUpgrade.run(media.segment(), journal, sb);
                if (upgraded != null) {
                    report.add(upgraded);
                }
            }
            InodeTable table = new InodeTable(media, sb);
            table.load();
            FsCore core = new FsCore(media, pg, meta, data, journal, table, options, sb);
            boolean clean = media.segment().get(Le.LONG, sb + FsSuperblockFormat.OFF_CLEAN) == 1;
            if (!clean && !options.readOnly()) {
                report.addAll(SpaceScan.run(core));
            }
            if (!options.readOnly()) {
                media.segment().set(Le.LONG, sb + FsSuperblockFormat.OFF_CLEAN, 0L);
                media.persist(sb + FsSuperblockFormat.OFF_CLEAN, 8);
                long[] now = options.time().now();
                FsSuperblockFormat.recordMount(media, sb, now[0] * 1000 + now[1] / 1_000_000);
                // After clean = 0: a crash between a chunk's removal and its release leaves a leak
                // that only an unclean attach's scan returns. Orphans freed above may have emptied chunks.
                core.shrinkInodeTable();
            }
            long errors = media.segment().get(Le.LONG, sb + FsSuperblockFormat.OFF_ERRORS);
            if (errors != 0) {
                report.add("the filesystem recorded " + errors + " corruption event" + (errors == 1 ? "" : "s")
                        + " before; run fsck.nvmfs to check it fully");
            }
            return new NvmFs(core, report);
        } catch (CorruptFsException e) {
            if (!options.readOnly()) {
                FsCore.recordError(media, sb);
            }
            throw new FsException(Errno.EIO, e.getMessage() + "; run fsck.nvmfs", e);
        }
    }

    /**
     * A fault on the namespace mapping — the JVM's InternalError for SIGBUS, when the namespace file
     * was truncated under the mount or the device failed: turns the filesystem read-only (and
     * logs why) like any corruption; the caller answers its request with EIO.
     */
    public void mappingFault(Throwable fault) {
        fs.corrupt(new CorruptFsException("namespace", "a fault accessing the mapped namespace (" + fault.getMessage()
                + "): was the file truncated, or did the device fail?"));
    }

    /** Whether the filesystem refuses changes (mounted ro, or read-only after corruption or a fault). */
    /** A live snapshot for {@code nvmfs stats}; takes the allocator's and journal's locks briefly, no inode lock. */
    public FsStats stats() {
        io.nvmfs.nvmpg.AllocatorStats st = fs.pg.stats();
        return new FsStats(fs.readOnlyReason(), fs.journal.usedBytes(), fs.journal.capacity(), st.freePages(),
                st.freeBlocks(), fs.cache.entries(), fs.cache.weightedBytes());
    }

    public boolean isReadOnly() {
        return fs.isReadOnly();
    }

    /** What attach replayed or repaired, one line each. */
    public List<String> attachReport() {
        return attachReport;
    }

    /**
     * Persists everything (open files' data too), checkpoints the journal, and marks the
     * filesystem clean. Handles still open are released.
     */
    @Override
    public void close() throws FsException {
        if (closed) {
            return;
        }
        closed = true;
        if (flusher != null) {
            flusher.shutdownNow();
            try {
                flusher.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            for (long ino : fs.kernelRefs.heldInodes()) {
                forget(ino, Long.MAX_VALUE);
            }
            for (Long fh : handles.open()) {
                release(fh);
            }
            flush();
        } catch (InternalError fault) {
            // The mapping faults: nothing more can be persisted; the namespace stays unclean for fsck.
            mappingFault(fault);
            throw new FsException(Errno.EIO, "cannot persist at detach: " + fault.getMessage() + "; run fsck.nvmfs", fault);
        }
        if (!fs.isReadOnly()) {
            fs.journal.checkpoint();
            fs.seg.set(Le.LONG, fs.superblock + FsSuperblockFormat.OFF_CLEAN, 1L);
            fs.media.persist(fs.superblock + FsSuperblockFormat.OFF_CLEAN, 8);
        }
    }

    /** Writes out every inode holding unpersisted data or metadata (the periodic flush). */
    public void flush() throws FsException {
        for (Inode pinned : fs.cache.pinnedSnapshot()) {
            try (var held = fs.locks.writeAll(pinned.ino)) {
                Inode n = fs.cache.get(pinned.ino);
                if (n != null) {
                    fs.commits.sync(n);
                }
            }
        }
        fs.journal.checkpointIfHolding();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (FsException e) {
            java.util.logging.Logger.getLogger("io.nvmfs.core").warning("periodic flush failed: " + e.getMessage());
        }
    }

    /** Journal capacity and bytes in use (for {@code nvmfs info} and benchmarks). */
    public record JournalStats(long capacityBytes, long usedBytes) {
    }

    public JournalStats journalStats() {
        return new JournalStats(fs.journal.capacity(), fs.journal.usedBytes());
    }

    // ================================================================ attributes

    /**
     * The kernel now holds {@code ino} once more (an entry was replied for it). Until it forgets
     * it, the inode is not freed even when its last name goes: see {@link KernelRefs}.
     */
    public void remember(long ino) {
        fs.kernelRefs.add(ino);
    }

    /** The kernel gives back {@code nlookup} references; a removed file or directory nothing else holds goes now. */
    public void forget(long ino, long nlookup) throws FsException {
        if (!fs.kernelRefs.drop(ino, nlookup)) {
            return;
        }
        try (var held = fs.locks.writeAll(ino)) {
            if (!fs.table.exists(ino)) {
                return;
            }
            Inode n = fs.inode(ino);
            if (n.nlink == 0 && fs.unreferenced(n)) {
                Namespace.freeOrphan(this, n);
            }
        }
    }

    /** Whether a read of {@code ino} now would update its atime (the mount's atime policy). */
    public boolean readUpdatesAtime(long ino) throws FsException {
        if (fs.isReadOnly()) {
            return false;
        }
        try (var held = readLock(ino)) {
            return Times.atimeDue(fs.options.atime(), fs.inode(ino), fs.options.time());
        }
    }

    public long root() {
        return InodeTable.ROOT;
    }

    public Stat getattr(long ino) throws FsException {
        try (var held = readLock(ino)) {
            return Stat.of(fs.inode(ino));
        }
    }

    /** Names are bytes ({@code byte[]} methods); a {@code String} name is taken as its UTF-8 bytes. */
    static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public long lookup(long parent, String name) throws FsException {
        return lookup(parent, utf8(name));
    }

    public long lookup(long parent, byte[] name) throws FsException {
        if (Name.isDot(name)) {
            return dirOf(parent);
        }
        try (var held = readLock(parent)) {
            Inode dir = requireDir(fs.inode(parent));
            if (Name.isDotDot(name)) {
                return dir.parent;
            }
            long ino = fs.directory(dir).lookup(Name.checked(name));
            if (ino == 0) {
                throw new FsException(Errno.ENOENT, "'" + Name.of(name) + "' not in directory " + parent);
            }
            return ino;
        }
    }

    private long dirOf(long ino) throws FsException {
        try (var held = readLock(ino)) {
            requireDir(fs.inode(ino));
            return ino;
        }
    }

    /** Resolves an absolute path ("/a/b") by lookups from the root. */
    public long resolve(String path) throws FsException {
        long ino = root();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                ino = lookup(ino, part);
            }
        }
        return ino;
    }

    public Stat chmod(long ino, int mode) throws FsException {
        return xattrs.chmod(ino, mode);
    }

    /** Changes owner and/or group; -1 leaves one unchanged. */
    /**
     * chown(2), {@code -1} keeping that id. As the VFS does for every chown of a non-directory,
     * whoever the caller and even with both ids -1: set-user-ID goes, set-group-ID goes when group
     * execute is set (without it the bit marks mandatory locking), and so do file capabilities.
     */
    public Stat chown(long ino, int uid, int gid) throws FsException {
        Stat st = setattr(ino, "chown", n -> {
            if (uid != -1) {
                n.uid = uid;
            }
            if (gid != -1) {
                n.gid = gid;
            }
            if (!n.isDir()) {
                n.mode &= ~privilegeBits(n.mode, true); // the caller's group does not matter to chown
            }
        });
        if (!Mode.isDir(st.mode()) && removeCapability(ino)) {
            st = getattr(ino);
        }
        return st;
    }

    /** The xattr a file's capabilities live in; writing to the file takes them away. */
    public static final String CAPABILITY_XATTR = "security.capability";

    /**
     * Takes from a file what a write, truncate or chown by an unprivileged caller must take (the
     * VFS rule, which FUSE's HANDLE_KILLPRIV_V2 hands to the filesystem): set-user-ID;
     * set-group-ID when group execute is set (without it the bit means mandatory locking and
     * stays); the capability xattr. Writes nothing when there is nothing to take.
     */
    public void killPrivileges(long ino) throws FsException {
        killPrivileges(ino, gid -> true);
    }

    /**
     * What the VFS does to a file changed by a caller without CAP_FSETID (write, truncate,
     * fallocate): set-user-ID goes; set-group-ID goes if the file is group-executable, or if the
     * caller is not in the file's group ({@code callerInGroup}) — without group execute the bit
     * otherwise marks mandatory locking and stays; and the file's capabilities go. Returns
     * whether the mode changed (so cached attributes elsewhere are stale).
     */
    public boolean killPrivileges(long ino, java.util.function.IntPredicate callerInGroup) throws FsException {
        Stat st = getattr(ino);
        int mode = st.mode();
        // The caller's groups are asked for only when they decide (set-group-ID without group
        // execute): every write by an ordinary user comes here, and looking them up reads /proc.
        boolean sgidDecidedByGroup = (mode & Mode.S_ISGID) != 0 && (mode & Mode.S_IXGRP) == 0;
        int kill = Mode.isDir(mode) ? 0
                : mode & privilegeBits(mode, !sgidDecidedByGroup || callerInGroup.test(st.gid()));
        if (kill != 0) {
            setattr(ino, null, n -> n.mode &= ~kill);
        }
        removeCapability(ino);
        return kill != 0;
    }

    /** Removes the file's capabilities, if it has any; returns whether it had. */
    private boolean removeCapability(long ino) throws FsException {
        if (getxattrOrNull(ino, CAPABILITY_XATTR) == null) {
            return false;
        }
        try {
            removexattr(ino, CAPABILITY_XATTR);
        } catch (FsException e) {
            if (e.errno() != Errno.ENODATA) { // removed meanwhile
                throw e;
            }
        }
        return true;
    }

    private static int privilegeBits(int mode, boolean callerInGroup) {
        return Mode.S_ISUID | ((mode & Mode.S_IXGRP) != 0 || !callerInGroup ? Mode.S_ISGID : 0);
    }

    /** Sets atime and mtime: {@code null} = UTIME_OMIT, {@code Times.NOW} = UTIME_NOW, else {sec, nsec}. */
    public Stat utimens(long ino, long[] atime, long[] mtime) throws FsException {
        long[] now = fs.now();
        // Setting both to now (touch) needs only write access; an append-only file allows that, as ext4.
        boolean touch = (atime == null || atime == Times.NOW) && (mtime == null || mtime == Times.NOW);
        return setattr(ino, touch ? null : "set its times", n -> {
            if (atime != null) {
                n.setTime(Inode.ATIME, atime == Times.NOW ? now : atime);
            }
            if (mtime != null) {
                n.setTime(Inode.MTIME, mtime == Times.NOW ? now : mtime);
            }
        });
    }

    /** chattr flags of {@code ino} (Linux's FS_*_FL values: immutable, append-only, nodump, noatime). */
    public int fileFlags(long ino) throws FsException {
        try (var held = readLock(ino)) {
            return fs.inode(ino).flags;
        }
    }

    /** The same as struct fsxattr's fsx_xflags (FS_IOC_FSGETXATTR). */
    public int fileXflags(long ino) throws FsException {
        return FileFlags.toXflags(fileFlags(ino));
    }

    /**
     * Sets the chattr flags of {@code ino} (the kernel has checked the caller may: the owner, and
     * CAP_LINUX_IMMUTABLE to change immutable or append-only); EOPNOTSUPP for any other flag, as
     * nvmfs keeps only those four. Changes ctime, in one commit.
     */
    public void setFileFlags(long ino, int flags) throws FsException {
        FileFlags.requireSupported(flags);
        fs.checkWritable();
        try (var held = fs.locks.writeAll(ino)) {
            fs.commits.changeAttributes(fs.inode(ino), n -> n.flags = flags); // the one change an immutable inode takes
        }
    }

    /** As {@link #setFileFlags} from struct fsxattr's fsx_xflags (FS_IOC_FSSETXATTR). */
    public void setFileXflags(long ino, int xflags) throws FsException {
        setFileFlags(ino, FileFlags.fromXflags(xflags));
    }

    public Stat truncate(long ino, long size) throws FsException {
        fs.checkWritable();
        try (var held = fs.locks.writeAll(ino)) {
            Inode n = fs.inode(ino);
            if (n.isDir()) {
                throw new FsException(Errno.EISDIR, "inode " + ino + " is a directory");
            }
            if (!Mode.isReg(n.mode)) {
                throw new FsException(Errno.EINVAL, "inode " + ino + " is not a regular file");
            }
            FileFlags.requireChangeable(n, "truncate");
            fs.commits.change(n, after -> {
                FileData.truncate(fs, n, size, after);
                long[] now = fs.now();
                n.setTime(Inode.MTIME, now);
                n.setTime(Inode.CTIME, now);
            });
            return Stat.of(n);
        }
    }

    /** An attribute change, refused by an immutable or append-only inode when {@code what} names it (else immutable only). */
    private Stat setattr(long ino, String what, InodeCommits.AttributeChange change) throws FsException {
        fs.checkWritable();
        try (var held = fs.locks.writeAll(ino)) {
            Inode n = fs.inode(ino);
            if (what != null) {
                FileFlags.requireChangeable(n, what);
            } else if (FileFlags.immutable(n)) {
                FileFlags.requireChangeable(n, "set its times");
            }
            fs.commits.changeAttributes(n, change);
            return Stat.of(n);
        }
    }

    public StatFs statfs() {
        try {
            fs.kernelRefs.awaitForgotten(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Pages freed under live journal records are held back until a checkpoint (FORMAT.md,
        // "Freeing"); df right after rm must count them free, as ext4's does after its commit.
        if (!fs.isReadOnly()) {
            fs.journal.checkpointIfHolding();
        }
        var st = fs.pg.stats();
        long freeInodes = fs.table.freeCount() + Math.min(InodeTable.maxInodes() - fs.table.capacity(), st.freePages() * 16);
        long used = fs.table.capacity() - fs.table.freeCount() - 1;
        long available = Math.max(0, st.freePages() - fs.metaReserve);
        return new StatFs(4096, st.usablePages(), st.freePages(), available, used + freeInodes, freeInodes, 255);
    }

    /** access(2): F_OK (0), or any of R (4), W (2), X (1) for {@code caller}; EACCES when denied. */
    public void access(long ino, int mask, Caller caller) throws FsException {
        Stat st = getattr(ino);
        if ((mask & 2) != 0 && fs.isReadOnly()) {
            throw new FsException(Errno.EROFS, "filesystem is read-only");
        }
        if (mask == 0) {
            return;
        }
        int perms = st.mode();
        if (caller.uid() == 0) {
            boolean anyExec = (perms & 0111) != 0 || Mode.isDir(perms);
            if ((mask & 1) != 0 && !anyExec) {
                throw new FsException(Errno.EACCES, "no execute permission on inode " + ino);
            }
            return;
        }
        int shift = caller.uid() == st.uid() ? 6 : caller.gid() == st.gid() ? 3 : 0;
        int granted = (perms >> shift) & 7;
        if ((granted & mask) != mask) {
            throw new FsException(Errno.EACCES, "permission denied on inode " + ino);
        }
    }

    // ================================================================ creating names

    /** Creates a regular file, FIFO, socket or device node. */
    public Stat mknod(long parent, String name, int mode, long rdev, Caller caller) throws FsException {
        return mknod(parent, utf8(name), mode, rdev, caller);
    }

    public Stat mknod(long parent, byte[] name, int mode, long rdev, Caller caller) throws FsException {
        int type = mode & Mode.S_IFMT;
        if (type == 0) {
            mode |= Mode.S_IFREG;
            type = Mode.S_IFREG;
        }
        if (type == Mode.S_IFDIR || type == Mode.S_IFLNK || !Mode.validType(mode)) {
            throw new FsException(Errno.EINVAL, "mknod cannot make type 0" + Integer.toOctalString(type));
        }
        return Namespace.create(this, parent, name, mode, rdev, null, caller).stat();
    }

    public Stat mkdir(long parent, String name, int mode, Caller caller) throws FsException {
        return mkdir(parent, utf8(name), mode, caller);
    }

    public Stat mkdir(long parent, byte[] name, int mode, Caller caller) throws FsException {
        return Namespace.create(this, parent, name, Mode.S_IFDIR | (mode & Mode.PERMS), 0, null, caller).stat();
    }

    public Stat symlink(long parent, String name, String target, Caller caller) throws FsException {
        return symlink(parent, utf8(name), utf8(target), caller);
    }

    /** A symbolic link to {@code t}: the target is stored and returned as these bytes, whatever they are. */
    public Stat symlink(long parent, byte[] name, byte[] t, Caller caller) throws FsException {
        if (t.length == 0) {
            throw new FsException(Errno.ENOENT, "empty symlink target");
        }
        if (t.length > 4095) {
            throw new FsException(Errno.ENAMETOOLONG, "symlink target of " + t.length + " bytes (at most 4095)");
        }
        return Namespace.create(this, parent, name, Mode.S_IFLNK | 0777, 0, t, caller).stat();
    }

    public String readlink(long ino) throws FsException {
        return new String(readlinkBytes(ino), java.nio.charset.StandardCharsets.UTF_8);
    }

    public byte[] readlinkBytes(long ino) throws FsException {
        try (var held = readLock(ino)) {
            Inode n = fs.inode(ino);
            if (!Mode.isLink(n.mode)) {
                throw new FsException(Errno.EINVAL, "inode " + ino + " is not a symlink");
            }
            byte[] b = new byte[(int) n.size];
            FileData.read(fs, n, 0, MemorySegment.ofArray(b), 0, b.length);
            return b;
        }
    }

    public Stat link(long ino, long newParent, String newName) throws FsException {
        return link(ino, newParent, utf8(newName));
    }

    public Stat link(long ino, long newParent, byte[] newName) throws FsException {
        return Namespace.link(this, ino, newParent, newName);
    }

    public void unlink(long parent, String name) throws FsException {
        unlink(parent, utf8(name));
    }

    public void unlink(long parent, byte[] name) throws FsException {
        Namespace.remove(this, parent, name, false);
    }

    public void rmdir(long parent, String name) throws FsException {
        rmdir(parent, utf8(name));
    }

    public void rmdir(long parent, byte[] name) throws FsException {
        Namespace.remove(this, parent, name, true);
    }

    public void rename(long oldParent, String oldName, long newParent, String newName, int flags) throws FsException {
        rename(oldParent, utf8(oldName), newParent, utf8(newName), flags);
    }

    public void rename(long oldParent, byte[] oldName, long newParent, byte[] newName, int flags) throws FsException {
        Namespace.rename(this, oldParent, oldName, newParent, newName, flags);
    }

    ReentrantLock renameLock() {
        return renameLock;
    }

    // ================================================================ handles and data

    /** Result of {@link #create}: the new (or opened) file and its handle. */
    public record Created(long fh, Stat stat) {
    }

    /** Opens an existing inode; returns the handle. O_TRUNC truncates. */
    public long open(long ino, int flags) throws FsException {
        return handles.open(ino, flags);
    }

    /** Creates and opens a regular file (O_EXCL: EEXIST if it exists; otherwise an existing one is opened). */
    public Created create(long parent, String name, int mode, int flags, Caller caller) throws FsException {
        return create(parent, utf8(name), mode, flags, caller);
    }

    public Created create(long parent, byte[] name, int mode, int flags, Caller caller) throws FsException {
        return handles.create(parent, name, mode, flags, caller);
    }

    /**
     * O_TMPFILE: a regular file opened with {@code flags}, made by {@code caller} in directory
     * {@code parent} but named by none (nlink 0) until {@link #link} gives it a name; freed at its
     * last close if it never gets one, and by the next attach after a crash.
     */
    public Created tmpfile(long parent, int mode, int flags, Caller caller) throws FsException {
        return handles.tmpfile(parent, mode, flags, caller);
    }

    /** Inode of an open handle. */
    public long inodeOf(long fh) throws FsException {
        return handles.inodeOf(fh);
    }

    public int read(long fh, long offset, MemorySegment dst, long dstOffset, int length) throws FsException {
        return handles.read(fh, offset, dst, dstOffset, length);
    }

    public int write(long fh, long offset, MemorySegment src, long srcOffset, int length) throws FsException {
        return handles.write(fh, offset, src, srcOffset, length);
    }

    /** fsync / fdatasync: the file's data and metadata are durable on return. */
    public void fsync(long fh, boolean dataOnly) throws FsException {
        handles.fsync(fh, dataOnly);
    }

    /** flush (close of one descriptor): persists the file like fsync: data is durable at close (ARCHITECTURE.md, "A write"). */
    public void flush(long fh) throws FsException {
        handles.flush(fh);
    }

    /**
     * copy_file_range: up to {@code len} bytes from handle {@code fhIn} at {@code offIn} to handle
     * {@code fhOut} at {@code offOut}, clipped at the source's end; the bytes copied. Inside the
     * namespace: one copy from the source's pages to the destination's.
     */
    public long copyRange(long fhIn, long offIn, long fhOut, long offOut, long len) throws FsException {
        return handles.copyRange(fhIn, offIn, fhOut, offOut, len);
    }

    /**
     * Last close of a handle: persists, and frees an unlinked file once nothing holds it open.
     * True when the file's st_blocks changed (the blocks past EOF given back): a cache of its
     * attributes (the kernel's) is then stale.
     */
    public boolean release(long fh) throws FsException {
        return handles.release(fh);
    }

    /** fallocate: mode 0 (allocate, extend size), KEEP_SIZE, PUNCH_HOLE|KEEP_SIZE, ZERO_RANGE[|KEEP_SIZE]. */
    public void fallocate(long fh, int mode, long offset, long length) throws FsException {
        handles.fallocate(fh, mode, offset, length);
    }

    /**
     * lseek(SEEK_DATA) ({@code hole} false) and lseek(SEEK_HOLE) ({@code hole} true) from
     * {@code offset} on file {@code ino} ({@link FileData#seek}); EISDIR for a directory.
     */
    public long seekData(long ino, long offset, boolean hole) throws FsException {
        try (var held = readLock(ino)) {
            Inode n = fs.inode(ino);
            if (n.isDir()) {
                throw new FsException(Errno.EISDIR, "inode " + ino + " is a directory");
            }
            return FileData.seek(n, offset, hole);
        }
    }

    // ================================================================ extended attributes

    /** setxattr with XATTR_CREATE (EEXIST if present) / XATTR_REPLACE (ENODATA if absent) / 0. */
    public void setxattr(long ino, String name, byte[] value, int flags) throws FsException {
        xattrs.setxattr(ino, name, value, flags, false);
    }

    /**
     * setxattr, where {@code killSgid} says the caller may not keep set-group-ID through setting
     * an access ACL (it is neither in the file's group nor has CAP_FSETID: the kernel decides and
     * says so). POSIX ACLs ({@code system.posix_acl_access}, {@code system.posix_acl_default}) are
     * validated and tied to the mode as {@link PosixAcl} describes.
     */
    public void setxattr(long ino, String name, byte[] value, int flags, boolean killSgid) throws FsException {
        xattrs.setxattr(ino, name, value, flags, killSgid);
    }

    /** The value of {@code name}, or null when absent (the cheap answer to the kernel's per-write query). */
    public byte[] getxattrOrNull(long ino, String name) throws FsException {
        return xattrs.getxattrOrNull(ino, name);
    }

    /** The value of {@code name}; ENODATA when absent. */
    public byte[] getxattr(long ino, String name) throws FsException {
        return xattrs.getxattr(ino, name);
    }

    /** getxattr with the caller's buffer size: 0 asks for the length; longer than {@code size} is ERANGE. */
    public byte[] getxattr(long ino, String name, int size) throws FsException {
        return xattrs.getxattr(ino, name, size);
    }

    public List<String> listxattr(long ino) throws FsException {
        return xattrs.listxattr(ino);
    }

    /** listxattr's NUL-separated names for root, ERANGE when longer than a non-zero {@code size}. */
    public byte[] listxattr(long ino, int size) throws FsException {
        return xattrs.listxattr(ino, size, true);
    }

    /** As {@link #listxattr(long, int)} for {@code caller}: {@code trusted.} names only for root. */
    public byte[] listxattr(long ino, int size, Caller caller) throws FsException {
        return xattrs.listxattr(ino, size, caller.uid() == 0);
    }

    public void removexattr(long ino, String name) throws FsException {
        xattrs.removexattr(ino, name);
    }

    // ================================================================ directories

    /** opendir: a handle on directory {@code ino} (ENOTDIR otherwise), for readdir and fsyncdir. */
    public long opendir(long ino) throws FsException {
        return handles.opendir(ino);
    }

    /** releasedir: closes a handle from {@link #opendir}. */
    public void releasedir(long fh) throws FsException {
        handles.releasedir(fh);
    }

    /** readdir through a handle from {@link #opendir}. */
    public List<DirEntry> readdirHandle(long fh, long cookie, int max) throws FsException {
        return handles.readdirHandle(fh, cookie, max);
    }

    /** readdir: "." and ".." first, then entries from {@code cookie} (0 = start), at most {@code max}. */
    public List<DirEntry> readdir(long ino, long cookie, int max) throws FsException {
        try (var held = readLock(ino)) {
            Inode dir = requireDir(fs.inode(ino));
            List<DirEntry> out = new ArrayList<>();
            if (cookie == 0 && out.size() < max) {
                out.add(new DirEntry(DirEntry.DOT, dir.ino, Mode.dtype(Mode.S_IFDIR), 1));
            }
            if (cookie <= 1 && out.size() < max) {
                out.add(new DirEntry(DirEntry.DOT_DOT, dir.parent, Mode.dtype(Mode.S_IFDIR), 2));
            }
            if (out.size() < max) {
                try {
                    Directory.list(fs.seg, dir, Math.max(cookie, 2), max - out.size(), out);
                } catch (CorruptFsException e) {
                    throw fs.corrupt(e);
                }
            }
            return out;
        }
    }

    // ================================================================ helpers

    Inode requireDir(Inode n) throws FsException {
        if (!n.isDir()) {
            throw new FsException(Errno.ENOTDIR, "inode " + n.ino + " is not a directory");
        }
        return n;
    }

    ReadHeld readLock(long ino) {
        var l = fs.locks.of(ino).readLock();
        l.lock();
        return new ReadHeld(l);
    }

    /** A read lock released by try-with-resources. */
    record ReadHeld(java.util.concurrent.locks.Lock lock) implements AutoCloseable {
        @Override
        public void close() {
            lock.unlock();
        }
    }

    static FsException noSpace(OutOfSpaceException e) {
        return new FsException(Errno.ENOSPC, e.getMessage());
    }
}
