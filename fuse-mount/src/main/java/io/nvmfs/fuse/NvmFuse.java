package io.nvmfs.fuse;

import io.nvmfs.core.Caller;
import io.nvmfs.core.DirEntry;
import io.nvmfs.core.Errno;
import io.nvmfs.core.FsException;
import io.nvmfs.core.NvmFs;
import io.nvmfs.core.Stat;
import io.nvmfs.core.StatFs;
import io.nvmfs.core.Times;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * jnr-fuse (libfuse 2, path-based) over fs-core. Paths are resolved by fs-core lookups; open
 * files and directories are addressed by the handle kept in {@code fi.fh}. Data moves between
 * the FUSE buffer and the mapped namespace in one copy: the native buffer is wrapped as a
 * {@link MemorySegment}, no {@code byte[]} in between.
 *
 * <p>Every callback catches everything: jffi turns an exception escaping a callback into a
 * return value of 0 (success) for the kernel, so an unexpected one is answered EIO and logged
 * once per kind.
 */
final class NvmFuse extends FuseStubFS {
    private static final Logger LOG = Logger.getLogger("io.nvmfs.fuse");
    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;
    /** (uid_t) -1 / (gid_t) -1 as FUSE passes them: "leave unchanged". */
    private static final long ID_UNCHANGED = 0xffffffffL;

    private final NvmFs fs;
    private final AtomicBoolean loggedUnexpected = new AtomicBoolean();

    NvmFuse(NvmFs fs) {
        this.fs = fs;
        FuseFlags.enable(fuseOperations, FuseFlags.NULLPATH_OK | FuseFlags.UTIME_OMIT_OK);
    }

    @FunctionalInterface
    private interface Call {
        int run() throws Exception;
    }

    /** Runs one callback: its result, -errno for an FsException, -EIO (logged) for anything else. */
    private int guard(String op, String path, Call call) {
        try {
            return call.run();
        } catch (FsException e) {
            return -e.errno().code();
        } catch (Throwable t) {
            if (loggedUnexpected.compareAndSet(false, true)) {
                LOG.log(Level.SEVERE, "unexpected failure in " + op + " " + path + " (answered EIO; further ones not logged)", t);
            }
            return -Errno.EIO.code();
        }
    }

    private long ino(String path) throws FsException {
        return fs.resolve(path);
    }

    private long parentOf(String path) throws FsException {
        int slash = path.lastIndexOf('/');
        return fs.resolve(slash <= 0 ? "/" : path.substring(0, slash));
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private Caller caller() {
        FuseContext c = getContext();
        return new Caller(c.uid.intValue(), c.gid.intValue());
    }

    private static MemorySegment segment(Pointer p, long size) {
        return MemorySegment.ofAddress(p.address()).reinterpret(size);
    }

    static void fill(FileStat st, Stat s) {
        st.st_ino.set(s.ino());
        st.st_mode.set(s.mode());
        st.st_nlink.set(s.nlink());
        st.st_uid.set(s.uid());
        st.st_gid.set(s.gid());
        st.st_size.set(s.size());
        st.st_blocks.set(s.blocks());
        st.st_blksize.set(4096);
        st.st_rdev.set(s.rdev());
        st.st_atim.tv_sec.set(s.atimeSec());
        st.st_atim.tv_nsec.set(s.atimeNsec());
        st.st_mtim.tv_sec.set(s.mtimeSec());
        st.st_mtim.tv_nsec.set(s.mtimeNsec());
        st.st_ctim.tv_sec.set(s.ctimeSec());
        st.st_ctim.tv_nsec.set(s.ctimeNsec());
    }

    @Override
    public int getattr(String path, FileStat stat) {
        return guard("getattr", path, () -> {
            fill(stat, fs.getattr(ino(path)));
            return 0;
        });
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return guard("fgetattr", path, () -> {
            fill(stat, fs.getattr(fs.inodeOf(fi.fh.get())));
            return 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        return guard("readlink", path, () -> {
            byte[] target = fs.readlink(ino(path)).getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int mknod(String path, long mode, long rdev) {
        return guard("mknod", path, () -> {
            fs.mknod(parentOf(path), leaf(path), (int) mode, rdev, caller());
            return 0;
        });
    }

    @Override
    public int mkdir(String path, long mode) {
        return guard("mkdir", path, () -> {
            fs.mkdir(parentOf(path), leaf(path), (int) mode, caller());
            return 0;
        });
    }

    @Override
    public int unlink(String path) {
        return guard("unlink", path, () -> {
            fs.unlink(parentOf(path), leaf(path));
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        return guard("rmdir", path, () -> {
            fs.rmdir(parentOf(path), leaf(path));
            return 0;
        });
    }

    @Override
    public int symlink(String target, String linkPath) {
        return guard("symlink", linkPath, () -> {
            fs.symlink(parentOf(linkPath), leaf(linkPath), target, caller());
            return 0;
        });
    }

    @Override
    public int rename(String from, String to) {
        return guard("rename", from, () -> {
            fs.rename(parentOf(from), leaf(from), parentOf(to), leaf(to), 0);
            return 0;
        });
    }

    @Override
    public int link(String existing, String newPath) {
        return guard("link", newPath, () -> {
            fs.link(ino(existing), parentOf(newPath), leaf(newPath));
            return 0;
        });
    }

    @Override
    public int chmod(String path, long mode) {
        return guard("chmod", path, () -> {
            fs.chmod(ino(path), (int) mode);
            return 0;
        });
    }

    @Override
    public int chown(String path, long uid, long gid) {
        return guard("chown", path, () -> {
            fs.chown(ino(path), uid == ID_UNCHANGED ? -1 : (int) uid, gid == ID_UNCHANGED ? -1 : (int) gid);
            return 0;
        });
    }

    @Override
    public int truncate(String path, long size) {
        return guard("truncate", path, () -> {
            fs.truncate(ino(path), size);
            return 0;
        });
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        return guard("ftruncate", path, () -> {
            fs.truncate(fs.inodeOf(fi.fh.get()), size);
            return 0;
        });
    }

    @Override
    public int utimens(String path, Timespec[] ts) {
        return guard("utimens", path, () -> {
            fs.utimens(ino(path), time(ts[0]), time(ts[1]));
            return 0;
        });
    }

    private static long[] time(Timespec t) {
        long nsec = t.tv_nsec.longValue();
        if (nsec == UTIME_OMIT) {
            return null;
        }
        if (nsec == UTIME_NOW) {
            return Times.NOW;
        }
        return new long[] {t.tv_sec.get(), nsec};
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return guard("open", path, () -> {
            fi.fh.set(fs.open(ino(path), fi.flags.get()));
            return 0;
        });
    }

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        return guard("create", path, () -> {
            NvmFs.Created c = fs.create(parentOf(path), leaf(path), (int) mode, fi.flags.get(), caller());
            fi.fh.set(c.fh());
            return 0;
        });
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return guard("read", path, () -> fs.read(fi.fh.get(), offset, segment(buf, size), 0, (int) size));
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return guard("write", path, () -> fs.write(fi.fh.get(), offset, segment(buf, size), 0, (int) size));
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return guard("flush", path, () -> {
            fs.flush(fi.fh.get());
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return guard("release", path, () -> {
            fs.release(fi.fh.get());
            return 0;
        });
    }

    @Override
    public int fsync(String path, int dataOnly, FuseFileInfo fi) {
        return guard("fsync", path, () -> {
            fs.fsync(fi.fh.get(), dataOnly != 0);
            return 0;
        });
    }

    @Override
    public int fallocate(String path, int mode, long off, long length, FuseFileInfo fi) {
        return guard("fallocate", path, () -> {
            fs.fallocate(fi.fh.get(), mode, off, length);
            return 0;
        });
    }

    @Override
    public int statfs(String path, Statvfs st) {
        return guard("statfs", path, () -> {
            StatFs s = fs.statfs();
            st.f_bsize.set(s.blockSize());
            st.f_frsize.set(s.blockSize());
            st.f_blocks.set(s.blocks());
            st.f_bfree.set(s.blocksFree());
            st.f_bavail.set(s.blocksAvailable());
            st.f_files.set(s.files());
            st.f_ffree.set(s.filesFree());
            st.f_favail.set(s.filesFree());
            st.f_namemax.set(s.nameMax());
            return 0;
        });
    }

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return guard("opendir", path, () -> {
            fi.fh.set(fs.opendir(ino(path)));
            return 0;
        });
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
        return guard("readdir", path, () -> {
            long cookie = offset;
            while (true) {
                List<DirEntry> batch = fs.readdirHandle(fi.fh.get(), cookie, 256);
                if (batch.isEmpty()) {
                    return 0;
                }
                for (DirEntry e : batch) {
                    if (filler.apply(buf, e.name(), null, e.nextCookie()) != 0) {
                        return 0;
                    }
                    cookie = e.nextCookie();
                }
            }
        });
    }

    @Override
    public int releasedir(String path, FuseFileInfo fi) {
        return guard("releasedir", path, () -> {
            fs.releasedir(fi.fh.get());
            return 0;
        });
    }

    @Override
    public int fsyncdir(String path, FuseFileInfo fi) {
        // Directory changes are journaled and durable when each call returns.
        return 0;
    }

    @Override
    public int access(String path, int mask) {
        return guard("access", path, () -> {
            fs.access(ino(path), mask, caller());
            return 0;
        });
    }

    @Override
    public int setxattr(String path, String name, Pointer value, long size, int flags) {
        return guard("setxattr", path, () -> {
            byte[] v = new byte[(int) size];
            value.get(0, v, 0, v.length);
            fs.setxattr(ino(path), name, v, flags);
            return 0;
        });
    }

    @Override
    public int getxattr(String path, String name, Pointer value, long size) {
        return guard("getxattr", path, () -> {
            byte[] v = fs.getxattr(ino(path), name, (int) size);
            if (size > 0) {
                value.put(0, v, 0, v.length);
            }
            return v.length;
        });
    }

    @Override
    public int listxattr(String path, Pointer list, long size) {
        return guard("listxattr", path, () -> {
            byte[] names = fs.listxattr(ino(path), (int) size);
            if (size > 0) {
                list.put(0, names, 0, names.length);
            }
            return names.length;
        });
    }

    @Override
    public int removexattr(String path, String name) {
        return guard("removexattr", path, () -> {
            fs.removexattr(ino(path), name);
            return 0;
        });
    }
}
