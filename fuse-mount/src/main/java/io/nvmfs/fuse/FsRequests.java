package io.nvmfs.fuse;

import io.nvmfs.core.DirEntry;
import io.nvmfs.core.Errno;
import io.nvmfs.core.FsException;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.Stat;
import io.nvmfs.core.Times;
import io.nvmfs.fuse.protocol.AccessIn;
import io.nvmfs.fuse.protocol.AttrOut;
import io.nvmfs.fuse.protocol.CopyFileRangeIn;
import io.nvmfs.fuse.protocol.CreateIn;
import io.nvmfs.fuse.protocol.Dirent;
import io.nvmfs.fuse.protocol.DirentPlus;
import io.nvmfs.fuse.protocol.EntryOut;
import io.nvmfs.fuse.protocol.FallocateIn;
import io.nvmfs.fuse.protocol.FileHandleIn;
import io.nvmfs.fuse.protocol.ForgetIn;
import io.nvmfs.fuse.protocol.GetxattrOut;
import io.nvmfs.fuse.protocol.InHeader;
import io.nvmfs.fuse.protocol.InitOut;
import io.nvmfs.fuse.protocol.IoctlIn;
import io.nvmfs.fuse.protocol.LinkIn;
import io.nvmfs.fuse.protocol.LseekIn;
import io.nvmfs.fuse.protocol.MkdirIn;
import io.nvmfs.fuse.protocol.MknodIn;
import io.nvmfs.fuse.protocol.NotifyInvalInode;
import io.nvmfs.fuse.protocol.OpenIn;
import io.nvmfs.fuse.protocol.OpenOut;
import io.nvmfs.fuse.protocol.ReadIn;
import io.nvmfs.fuse.protocol.RenameIn;
import io.nvmfs.fuse.protocol.SetattrIn;
import io.nvmfs.fuse.protocol.StatfsOut;
import io.nvmfs.fuse.protocol.StatxOut;
import io.nvmfs.fuse.protocol.WriteIn;
import io.nvmfs.fuse.protocol.WriteOut;
import io.nvmfs.fuse.protocol.XattrIn;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The requests over fs-core: each reads its body from {@link Request} and answers through
 * {@link Reply}. The kernel's node id is the inode number, so hard links are one kernel inode,
 * GETATTR is answered by inode (also for unlinked open files), and no path is ever built.
 *
 * <p>A handler answers once on success; a failure it throws ({@link FsException}: its errno;
 * anything else: EIO) is answered by {@link Dispatcher}. Where the kernel takes something with
 * a reply (a lookup reference, an open handle), a reply it refuses (the request was interrupted,
 * ENOENT) gives that back here, since no FORGET or RELEASE will ever come for it.
 */
final class FsRequests {
    private static final int O_ACCMODE = 3;
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    private static final int O_APPEND = 02000;
    /** The SETATTR bits that set something (libfuse 2's set); a SETATTR with none of them is a chown(-1, -1). */
    private static final int SETS = SetattrIn.MODE | SetattrIn.UID | SetattrIn.GID | SetattrIn.SIZE_BIT | SetattrIn.ATIME
            | SetattrIn.MTIME | SetattrIn.ATIME_NOW | SetattrIn.MTIME_NOW;
    private static final String ACL_PREFIX = "system.posix_acl_";
    /** Entries fs-core is asked for at a time while a listing reply fills. */
    private static final int LIST_BATCH = 128;

    private final NvmFs fs;
    private final InitNegotiation init;
    private final double attrTimeout;
    private final double entryTimeout;

    FsRequests(NvmFs fs, InitNegotiation init, double attrTimeout, double entryTimeout) {
        this.fs = fs;
        this.init = init;
        this.attrTimeout = attrTimeout;
        this.entryTimeout = entryTimeout;
    }

    NvmFs fs() {
        return fs;
    }

    // ------------------------------------------------------------------ replies

    /**
     * Replies an entry: the kernel then holds the inode once more until it forgets it, which
     * fs-core is told first (a FORGET racing the reply must find the count already raised).
     */
    private void entry(Reply rp, Stat st) throws FsException {
        fs.remember(st.ino());
        EntryOut.write(rp.buf, Reply.BODY, st, entryTimeout, attrTimeout);
        if (!rp.send(EntryOut.SIZE)) {
            fs.forget(st.ino(), 1);
        }
    }

    private void attr(Reply rp, Stat st) {
        AttrOut.write(rp.buf, Reply.BODY, st, attrTimeout);
        rp.send(AttrOut.SIZE);
    }

    /** Tells the kernel that {@code ino}'s cached attributes are stale (offset -1: attributes only, no lock taken). */
    private static void attributesChanged(Reply rp, MemorySegment note, long ino) {
        NotifyInvalInode.write(note, ino, -1, 0);
        rp.notify(note, NotifyInvalInode.LENGTH);
    }

    // ------------------------------------------------------------------ names

    /**
     * LOOKUP. Besides names in directories, the kernel asks for "." of any inode (a file handle
     * of open_by_handle_at whose inode it has forgotten: EXPORT_SUPPORT) and ".." of a directory
     * (to reconnect one found that way). "." of a file nothing names any more is ENOENT, which
     * the kernel reports as ESTALE; the generation in the entry lets it tell a reused number.
     */
    void lookup(Request rq, Reply rp) throws FsException {
        byte[] name = rq.string(InHeader.SIZE);
        if (name.length == 1 && name[0] == '.') {
            Stat st = fs.getattr(rq.nodeid());
            if (st.nlink() == 0) {
                throw new FsException(Errno.ENOENT, "inode " + rq.nodeid() + " has no name");
            }
            entry(rp, st);
            return;
        }
        entry(rp, fs.getattr(fs.lookup(rq.nodeid(), name)));
    }

    /** FORGET has no answer: the kernel gives back nlookup references; an unlinked file nothing else holds is freed now. */
    void forget(Request rq) throws FsException {
        fs.forget(rq.nodeid(), ForgetIn.nlookup(rq.buf));
    }

    /** BATCH_FORGET: FORGET for many inodes. Each is given back even if one fails; the first failure is rethrown. */
    void batchForget(Request rq) throws FsException {
        int n = ForgetIn.batchCount(rq.buf);
        if (InHeader.SIZE + 8 + (long) ForgetIn.ONE * n > rq.length()) {
            throw new IllegalArgumentException("BATCH_FORGET of " + n + " in " + rq.length() + " bytes");
        }
        FsException first = null;
        for (int i = 0; i < n; i++) {
            try {
                fs.forget(ForgetIn.batchNodeid(rq.buf, i), ForgetIn.batchNlookup(rq.buf, i));
            } catch (FsException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    void mknod(Request rq, Reply rp) throws FsException {
        entry(rp, fs.mknod(rq.nodeid(), rq.string(InHeader.SIZE + MknodIn.SIZE), MknodIn.mode(rq.buf),
                Integer.toUnsignedLong(MknodIn.rdev(rq.buf)), rq.caller(MknodIn.umask(rq.buf))));
    }

    void mkdir(Request rq, Reply rp) throws FsException {
        entry(rp, fs.mkdir(rq.nodeid(), rq.string(InHeader.SIZE + MkdirIn.SIZE), MkdirIn.mode(rq.buf),
                rq.caller(MkdirIn.umask(rq.buf))));
    }

    void symlink(Request rq, Reply rp) throws FsException {
        int nameEnd = rq.nul(InHeader.SIZE);
        byte[] name = rq.bytes(InHeader.SIZE, nameEnd);
        entry(rp, fs.symlink(rq.nodeid(), name, rq.string(nameEnd + 1), rq.caller()));
    }

    void link(Request rq, Reply rp) throws FsException {
        entry(rp, fs.link(LinkIn.oldnodeid(rq.buf), rq.nodeid(), rq.string(InHeader.SIZE + LinkIn.SIZE)));
    }

    void unlink(Request rq, Reply rp) throws FsException {
        fs.unlink(rq.nodeid(), rq.string(InHeader.SIZE));
        rp.ok();
    }

    void rmdir(Request rq, Reply rp) throws FsException {
        fs.rmdir(rq.nodeid(), rq.string(InHeader.SIZE));
        rp.ok();
    }

    /** RENAME, and RENAME2 with its flags: NOREPLACE and EXCHANGE as fs-core does them; WHITEOUT (overlayfs's) EINVAL. */
    void rename(Request rq, Reply rp, boolean withFlags) throws FsException {
        int at = InHeader.SIZE + (withFlags ? RenameIn.SIZE2 : RenameIn.SIZE);
        int flags = withFlags ? RenameIn.flags(rq.buf) : 0;
        int oldEnd = rq.nul(at);
        byte[] oldName = rq.bytes(at, oldEnd);
        byte[] newName = rq.string(oldEnd + 1);
        if ((flags & ~(NvmFs.RENAME_NOREPLACE | NvmFs.RENAME_EXCHANGE)) != 0) {
            throw new FsException(Errno.EINVAL, "rename flags " + flags + " (only RENAME_NOREPLACE and RENAME_EXCHANGE)");
        }
        fs.rename(rq.nodeid(), oldName, RenameIn.newdir(rq.buf), newName, flags);
        rp.ok();
    }

    // ------------------------------------------------------------------ attributes

    void getattr(Request rq, Reply rp) throws FsException {
        attr(rp, fs.getattr(rq.nodeid()));
    }

    /** STATX: GETATTR's attributes and the birth time nvmfs keeps (statx's btime, what ext4 shows as Birth). */
    void statx(Request rq, Reply rp) throws FsException {
        StatxOut.write(rp.buf, Reply.BODY, fs.getattr(rq.nodeid()), attrTimeout);
        rp.send(StatxOut.SIZE);
    }

    void setattr(Request rq, Reply rp) throws FsException {
        long ino = rq.nodeid();
        MemorySegment m = rq.buf;
        int valid = SetattrIn.valid(m);
        if ((valid & SetattrIn.KILL_SUIDGID) != 0) {
            fs.killPrivileges(ino, CallerGroups.of(rq.pid(), rq.gid())); // the reply carries the new mode
        }
        if ((valid & SetattrIn.MODE) != 0) {
            fs.chmod(ino, SetattrIn.mode(m));
        }
        if ((valid & (SetattrIn.UID | SetattrIn.GID)) != 0) {
            fs.chown(ino, (valid & SetattrIn.UID) != 0 ? SetattrIn.uid(m) : -1, (valid & SetattrIn.GID) != 0 ? SetattrIn.gid(m) : -1);
        } else if ((valid & SETS) == 0) {
            // Only chown(f, -1, -1) sends a SETATTR setting nothing (at most FATTR_CTIME: utimensat
            // with both UTIME_OMIT never reaches the filesystem): it still takes the privileges a
            // chown takes, and changes ctime.
            fs.chown(ino, -1, -1);
        }
        if ((valid & SetattrIn.SIZE_BIT) != 0) {
            fs.truncate(ino, SetattrIn.size(m));
        }
        if ((valid & (SetattrIn.ATIME | SetattrIn.MTIME | SetattrIn.ATIME_NOW | SetattrIn.MTIME_NOW)) != 0) {
            fs.utimens(ino, time(valid, SetattrIn.ATIME, SetattrIn.ATIME_NOW, SetattrIn.atime(m), SetattrIn.atimensec(m)),
                    time(valid, SetattrIn.MTIME, SetattrIn.MTIME_NOW, SetattrIn.mtime(m), SetattrIn.mtimensec(m)));
        }
        attr(rp, fs.getattr(ino));
    }

    private static long[] time(int valid, int set, int now, long sec, int nsec) {
        if ((valid & now) != 0) {
            return Times.NOW;
        }
        if ((valid & set) != 0) {
            return new long[] {sec, Integer.toUnsignedLong(nsec)};
        }
        return null;
    }

    void readlink(Request rq, Reply rp) throws FsException {
        byte[] target = fs.readlinkBytes(rq.nodeid());
        MemorySegment.copy(target, 0, rp.buf, java.lang.foreign.ValueLayout.JAVA_BYTE, Reply.BODY, target.length);
        rp.send(target.length);
    }

    void access(Request rq, Reply rp) throws FsException {
        fs.access(rq.nodeid(), AccessIn.mask(rq.buf), rq.caller());
        rp.ok();
    }

    void statfs(Reply rp) {
        StatfsOut.write(rp.buf, Reply.BODY, fs.statfs());
        rp.send(StatfsOut.SIZE);
    }

    // ------------------------------------------------------------------ files

    void open(Request rq, Reply rp) throws FsException {
        long ino = rq.nodeid();
        long fh = fs.open(ino, openFlags(OpenIn.flags(rq.buf)));
        // Reads the kernel serves from its page cache never reach nvmfs, so they cannot update
        // atime: when a read is due to update it (relatime after a change, strictatime always),
        // this open drops the cached pages and the first read comes here.
        OpenOut.write(rp.buf, Reply.BODY, fh, fs.readUpdatesAtime(ino) ? 0 : OpenOut.KEEP_CACHE);
        if (!rp.send(OpenOut.SIZE)) {
            fs.release(fh); // the open was interrupted: no RELEASE will come for this handle
        }
    }

    void create(Request rq, Reply rp) throws FsException {
        NvmFs.Created c = fs.create(rq.nodeid(), rq.string(InHeader.SIZE + CreateIn.SIZE), CreateIn.mode(rq.buf),
                openFlags(CreateIn.flags(rq.buf)), rq.caller(CreateIn.umask(rq.buf)));
        createdAndOpen(rp, c);
    }

    /** The reply to CREATE and TMPFILE: the entry, then the open handle; both given back if the kernel refuses it. */
    private void createdAndOpen(Reply rp, NvmFs.Created c) throws FsException {
        fs.remember(c.stat().ino());
        EntryOut.write(rp.buf, Reply.BODY, c.stat(), entryTimeout, attrTimeout);
        OpenOut.write(rp.buf, Reply.BODY + EntryOut.SIZE, c.fh(), OpenOut.KEEP_CACHE);
        if (!rp.send(EntryOut.SIZE + OpenOut.SIZE)) {
            fs.release(c.fh());
            fs.forget(c.stat().ino(), 1);
        }
    }

    /**
     * TMPFILE (open with O_TMPFILE): an open regular file in the directory's care but in no
     * directory, answered as CREATE is (its name in the request is the kernel's placeholder).
     * linkat gives it a name (LINK); unnamed, it is freed at its last close.
     */
    void tmpfile(Request rq, Reply rp) throws FsException {
        createdAndOpen(rp, fs.tmpfile(rq.nodeid(), CreateIn.mode(rq.buf), openFlags(CreateIn.flags(rq.buf)),
                rq.caller(CreateIn.umask(rq.buf))));
    }

    /**
     * The open flags fs-core gets. With the writeback cache the kernel reads pages through a
     * handle opened write-only (to fill a partly written page) and computes append offsets itself
     * before writing back; so a write-only handle is opened read-write and O_APPEND is dropped.
     * Permissions are not widened: the kernel checked the caller's access mode at open
     * (default_permissions), and the handle never reaches the caller.
     */
    int openFlags(int flags) {
        if (init.writebackGranted()) {
            if ((flags & O_ACCMODE) == O_WRONLY) {
                flags = (flags & ~O_ACCMODE) | O_RDWR;
            }
            flags &= ~O_APPEND;
        }
        return flags;
    }

    void read(Request rq, Reply rp) throws FsException {
        int size = (int) Math.min(Integer.toUnsignedLong(ReadIn.size(rq.buf)), rp.room());
        int n = fs.read(ReadIn.fh(rq.buf), ReadIn.offset(rq.buf), rp.buf, Reply.BODY, size);
        rp.send(n);
    }

    void write(Request rq, Reply rp, MemorySegment note) throws FsException {
        long ino = rq.nodeid();
        int size = WriteIn.size(rq.buf);
        if (size < 0 || WriteIn.DATA + (long) size > rq.length()) {
            throw new IllegalArgumentException("WRITE of " + size + " bytes in a request of " + rq.length());
        }
        if ((WriteIn.writeFlags(rq.buf) & WriteIn.KILL_SUIDGID) != 0 && fs.killPrivileges(ino, CallerGroups.of(rq.pid(), rq.gid()))) {
            attributesChanged(rp, note, ino);
        }
        int n = fs.write(WriteIn.fh(rq.buf), WriteIn.offset(rq.buf), rq.buf, WriteIn.DATA, size);
        if (n < size && init.writebackGranted()) {
            // The kernel's write-back takes a short count as done and drops the rest of its
            // pages: only an error reaches the file's mapping and so the next fsync and close.
            throw new FsException(Errno.ENOSPC, "no space for " + (size - n) + " of " + size + " written-back bytes");
        }
        WriteOut.write(rp.buf, Reply.BODY, n);
        rp.send(WriteOut.SIZE);
    }

    void flush(Request rq, Reply rp) throws FsException {
        fs.flush(FileHandleIn.fh(rq.buf));
        rp.ok();
    }

    /**
     * RELEASE, after which the kernel is told the file's attributes when the tail trim changed
     * st_blocks: it keeps the blocks it last asked for until attr_timeout, and nothing it does
     * at close invalidates them (it does after a write).
     */
    void release(Request rq, Reply rp, MemorySegment note) throws FsException {
        long ino = rq.nodeid();
        boolean blocksChanged = fs.release(FileHandleIn.fh(rq.buf));
        rp.ok();
        if (blocksChanged) {
            attributesChanged(rp, note, ino);
        }
    }

    void fsync(Request rq, Reply rp) throws FsException {
        fs.fsync(FileHandleIn.fh(rq.buf), (FileHandleIn.flags(rq.buf) & FileHandleIn.FSYNC_FDATASYNC) != 0);
        rp.ok();
    }

    /**
     * The kernel passes fallocate on without taking privileges away (it does for write and
     * truncate, through HANDLE_KILLPRIV_V2), while the VFS of a local filesystem takes them on
     * every fallocate by a caller without CAP_FSETID: nvmfs does so here, root standing for
     * CAP_FSETID (FUSE does not say which capabilities the caller has).
     */
    void fallocate(Request rq, Reply rp, MemorySegment note) throws FsException {
        long ino = rq.nodeid();
        if (rq.uid() != 0 && fs.killPrivileges(ino, CallerGroups.of(rq.pid(), rq.gid()))) {
            attributesChanged(rp, note, ino);
        }
        fs.fallocate(FallocateIn.fh(rq.buf), FallocateIn.mode(rq.buf), FallocateIn.offset(rq.buf), FallocateIn.length(rq.buf));
        rp.ok();
    }

    /**
     * COPY_FILE_RANGE: the bytes go from one file's pages to the other's inside the namespace,
     * never through the kernel or a FUSE buffer. The kernel caps len below 4 GiB, so the count
     * fits the reply's u32.
     */
    void copyFileRange(Request rq, Reply rp) throws FsException {
        if (CopyFileRangeIn.flags(rq.buf) != 0) {
            throw new FsException(Errno.EINVAL, "copy_file_range flags " + CopyFileRangeIn.flags(rq.buf));
        }
        long len = Math.min(CopyFileRangeIn.len(rq.buf), 0xffff_f000L);
        long copied = fs.copyRange(CopyFileRangeIn.fhIn(rq.buf), CopyFileRangeIn.offIn(rq.buf), CopyFileRangeIn.fhOut(rq.buf),
                CopyFileRangeIn.offOut(rq.buf), len);
        WriteOut.write(rp.buf, Reply.BODY, (int) copied);
        rp.send(WriteOut.SIZE);
    }

    /** LSEEK: SEEK_DATA and SEEK_HOLE from the file's extent map (the kernel answers the other whences). */
    void lseek(Request rq, Reply rp) throws FsException {
        int whence = LseekIn.whence(rq.buf);
        if (whence != LseekIn.SEEK_DATA && whence != LseekIn.SEEK_HOLE) {
            throw new FsException(Errno.EINVAL, "lseek whence " + whence);
        }
        long at = fs.seekData(rq.nodeid(), LseekIn.offset(rq.buf), whence == LseekIn.SEEK_HOLE);
        LseekIn.writeOut(rp.buf, Reply.BODY, at);
        rp.send(LseekIn.OUT_SIZE);
    }

    /**
     * IOCTL: the kernel's own fileattr requests (chattr, lsattr, FS_IOC_FSGETXATTR), which it
     * sends through an open it makes for the purpose, after checking who may change what (owner;
     * CAP_LINUX_IMMUTABLE for immutable and append-only). Any other command is ENOTTY: user
     * ioctls are restricted for FUSE servers, and nvmfs defines none.
     */
    void ioctl(Request rq, Reply rp) throws FsException {
        long ino = rq.nodeid();
        int out = Reply.BODY + IoctlIn.OUT_SIZE;
        switch (IoctlIn.cmd(rq.buf)) {
            case IoctlIn.FS_IOC_GETFLAGS, IoctlIn.FS_IOC32_GETFLAGS -> {
                rp.buf.set(ValueLayout.JAVA_INT_UNALIGNED, out, fs.fileFlags(ino));
                IoctlIn.writeOut(rp.buf, Reply.BODY);
                rp.send(IoctlIn.OUT_SIZE + 4);
            }
            case IoctlIn.FS_IOC_SETFLAGS, IoctlIn.FS_IOC32_SETFLAGS -> {
                requireInput(rq, 4);
                fs.setFileFlags(ino, IoctlIn.inputInt(rq.buf, 0));
                IoctlIn.writeOut(rp.buf, Reply.BODY);
                rp.send(IoctlIn.OUT_SIZE);
            }
            case IoctlIn.FS_IOC_FSGETXATTR -> {
                rp.buf.asSlice(out, IoctlIn.FSXATTR_SIZE).fill((byte) 0);
                rp.buf.set(ValueLayout.JAVA_INT_UNALIGNED, out, fs.fileXflags(ino)); // fsx_xflags; extsize, nextents, projid 0
                IoctlIn.writeOut(rp.buf, Reply.BODY);
                rp.send(IoctlIn.OUT_SIZE + IoctlIn.FSXATTR_SIZE);
            }
            case IoctlIn.FS_IOC_FSSETXATTR -> {
                requireInput(rq, 16);
                if (IoctlIn.inputInt(rq.buf, 12) != 0) { // fsx_projid: nvmfs keeps no project ids
                    throw new FsException(Errno.EOPNOTSUPP, "project ids are not supported");
                }
                fs.setFileXflags(ino, IoctlIn.inputInt(rq.buf, 0));
                IoctlIn.writeOut(rp.buf, Reply.BODY);
                rp.send(IoctlIn.OUT_SIZE);
            }
            default -> throw new FsException(Errno.ENOTTY, "ioctl 0x" + Integer.toHexString(IoctlIn.cmd(rq.buf)));
        }
    }

    private static void requireInput(Request rq, int bytes) throws FsException {
        if (IoctlIn.inSize(rq.buf) < bytes || rq.length() < InHeader.SIZE + IoctlIn.SIZE + bytes) {
            throw new FsException(Errno.EINVAL, "ioctl input of " + IoctlIn.inSize(rq.buf) + " bytes, " + bytes + " needed");
        }
    }

    // ------------------------------------------------------------------ directories

    void opendir(Request rq, Reply rp) throws FsException {
        long fh = fs.opendir(rq.nodeid());
        OpenOut.write(rp.buf, Reply.BODY, fh, 0);
        if (!rp.send(OpenOut.SIZE)) {
            fs.releasedir(fh);
        }
    }

    void releasedir(Request rq, Reply rp) throws FsException {
        fs.releasedir(FileHandleIn.fh(rq.buf));
        rp.ok();
    }

    /** Directory changes are journaled: durable when each call returned. */
    void fsyncdir(Reply rp) {
        rp.ok();
    }

    /** Writes one listing record for {@code e} at {@code at} if it fits in {@code room}; returns its length either way. */
    @FunctionalInterface
    private interface ListingRecord {
        long put(DirEntry e, long at, long room) throws FsException;
    }

    /**
     * Fills the reply of a READDIR or READDIRPLUS with whole records from the cookie the request
     * continues after, as many as its size allows; returns the bytes used.
     */
    private long fillListing(Request rq, Reply rp, ListingRecord record) throws FsException {
        long room = Math.min(Integer.toUnsignedLong(ReadIn.size(rq.buf)), rp.room());
        long used = 0;
        long cookie = ReadIn.offset(rq.buf);
        long fh = ReadIn.fh(rq.buf);
        while (true) {
            List<DirEntry> batch = fs.readdirHandle(fh, cookie, LIST_BATCH);
            if (batch.isEmpty()) {
                return used;
            }
            for (DirEntry e : batch) {
                long need = record.put(e, Reply.BODY + used, room - used);
                if (need > room - used) {
                    return used;
                }
                used += need;
                cookie = e.nextCookie();
            }
        }
    }

    void readdir(Request rq, Reply rp) throws FsException {
        long used = fillListing(rq, rp, (e, at, room) -> Dirent.put(rp.buf, at, room, e.ino(), e.nextCookie(), e.type(), e.nameBytes()));
        rp.send((int) used);
    }

    /**
     * READDIRPLUS: each entry with the attributes a LOOKUP would answer. The kernel links every
     * entry it is sent (but "." and "..", sent with node id 0), each one lookup reference, so
     * each is remembered before the reply and forgotten again if the kernel refuses it. An entry
     * removed between the listing and its stat goes without attributes (node id 0).
     */
    void readdirplus(Request rq, Reply rp, LongList remembered) throws FsException {
        remembered.clear();
        long used;
        try {
            used = fillListing(rq, rp, (e, at, room) -> {
                byte[] name = e.nameBytes();
                long need = DirentPlus.recordLength(name.length);
                if (need > room) {
                    return need;
                }
                Stat st = dot(name) ? null : statOrNull(e.ino());
                if (st != null) {
                    fs.remember(st.ino());
                    remembered.add(st.ino());
                }
                return DirentPlus.put(rp.buf, at, room, st, e.ino(), e.nextCookie(), e.type(), name, entryTimeout, attrTimeout);
            });
        } catch (FsException | RuntimeException | Error e) {
            forgetAll(remembered);
            throw e;
        }
        if (!rp.send((int) used)) {
            forgetAll(remembered);
        }
    }

    private Stat statOrNull(long ino) {
        try {
            return fs.getattr(ino);
        } catch (FsException e) {
            return null;
        }
    }

    private void forgetAll(LongList inos) throws FsException {
        for (int i = 0; i < inos.size(); i++) {
            fs.forget(inos.get(i), 1);
        }
        inos.clear();
    }

    private static boolean dot(byte[] name) {
        return name.length == 1 && name[0] == '.' || name.length == 2 && name[0] == '.' && name[1] == '.';
    }

    // ------------------------------------------------------------------ extended attributes

    /**
     * SETXATTR. A POSIX ACL set here may change the mode (fs-core ties the two), which the kernel
     * may have cached: its attributes are marked stale.
     */
    void setxattr(Request rq, Reply rp, MemorySegment note) throws FsException {
        boolean ext = init.granted(InitOut.SETXATTR_EXT);
        int nameAt = InHeader.SIZE + (ext ? XattrIn.EXT_SIZE : XattrIn.SIZE);
        int nameEnd = rq.nul(nameAt);
        int size = XattrIn.size(rq.buf);
        if (size < 0 || nameEnd + 1 + (long) size > rq.length()) {
            throw new IllegalArgumentException("SETXATTR value of " + size + " bytes in a request of " + rq.length());
        }
        String name = new String(rq.bytes(nameAt, nameEnd), java.nio.charset.StandardCharsets.UTF_8);
        boolean killSgid = ext && (XattrIn.setxattrFlags(rq.buf) & XattrIn.ACL_KILL_SGID) != 0;
        fs.setxattr(rq.nodeid(), name, rq.bytes(nameEnd + 1, nameEnd + 1 + size), XattrIn.flags(rq.buf), killSgid);
        if (name.startsWith(ACL_PREFIX)) {
            attributesChanged(rp, note, rq.nodeid());
        }
        rp.ok();
    }

    void getxattr(Request rq, Reply rp) throws FsException {
        int size = XattrIn.size(rq.buf);
        byte[] v = fs.getxattrOrNull(rq.nodeid(), rq.text(InHeader.SIZE + XattrIn.SIZE));
        if (v == null) {
            rp.error(Errno.ENODATA.code()); // not thrown: a missing attribute is common, and an exception dear
        } else if (size != 0 && v.length > size) {
            rp.error(Errno.ERANGE.code());
        } else {
            xattr(rp, v, size);
        }
    }

    void listxattr(Request rq, Reply rp) throws FsException {
        int size = XattrIn.size(rq.buf);
        xattr(rp, fs.listxattr(rq.nodeid(), size, rq.caller()), size);
    }

    private static void xattr(Reply rp, byte[] v, int size) {
        if (size == 0) {
            GetxattrOut.write(rp.buf, Reply.BODY, v.length);
            rp.send(GetxattrOut.SIZE);
            return;
        }
        if (v.length > rp.room()) {
            rp.error(Errno.E2BIG.code());
            return;
        }
        MemorySegment.copy(v, 0, rp.buf, java.lang.foreign.ValueLayout.JAVA_BYTE, Reply.BODY, v.length);
        rp.send(v.length);
    }

    void removexattr(Request rq, Reply rp) throws FsException {
        fs.removexattr(rq.nodeid(), rq.text(InHeader.SIZE));
        rp.ok();
    }

    // ------------------------------------------------------------------ the filesystem

    /** SYNCFS: everything written is made durable, as fsync does for one file. */
    void syncfs(Reply rp) throws FsException {
        fs.flush();
        rp.ok();
    }
}
