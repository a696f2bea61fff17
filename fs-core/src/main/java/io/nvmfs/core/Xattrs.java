package io.nvmfs.core;

import io.nvmfs.nvmpg.OutOfSpaceException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extended attributes, version 1: all of an inode's attributes in one page of the metadata owner
 * (ext4's default limit is likewise one block), replaced copy-on-write: a new page is written
 * and persisted, one journaled inode record switches to it, the old page is freed after commit.
 *
 * <pre>
 * off  size  field
 *   0     4  magic    "XATR"
 *   4     4  count
 *   8     4  used     bytes of entries after the header
 *  12     4  crc32c   CRC32C of bytes 0..11 and of the used entry bytes
 *  16   ...  entries  [name_len u8][0 u8][value_len u16][name][value], each padded to 4 bytes
 * </pre>
 */
final class Xattrs {
    static final int MAGIC = XattrPageFormat.MAGIC;
    static final int HEADER = XattrPageFormat.HEADER;
    static final int XATTR_CREATE = 1;
    static final int XATTR_REPLACE = 2;
    static final int MAX_NAME = 255;
    static final int MAX_VALUE = 65536;

    private Xattrs() {}

    static void checkName(String name, Inode n, boolean writing) throws FsException {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > MAX_NAME) {
            throw new FsException(Errno.ERANGE, "xattr name of " + b.length + " bytes (1..255)");
        }
        if (name.startsWith("user.")) {
            if (writing && !Mode.isReg(n.mode) && !n.isDir()) {
                throw new FsException(Errno.EPERM, "user.* attributes only on regular files and directories");
            }
        } else if (PosixAcl.isAclName(name)) {
            if (writing && name.equals(PosixAcl.DEFAULT) && !n.isDir()) {
                throw new FsException(Errno.EACCES, "a default ACL is for directories only");
            }
        } else if (!name.startsWith("trusted.") && !name.startsWith("security.")) {
            throw new FsException(Errno.EOPNOTSUPP, "xattr namespace of '" + name + "' is not supported");
        }
        if (name.indexOf('.') == name.length() - 1) {
            throw new FsException(Errno.EINVAL, "xattr name '" + name + "' has no name after its namespace");
        }
    }

    /** All attributes of {@code n}, in stored order. */
    static Map<String, byte[]> read(FsCore fs, Inode n) throws FsException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (n.xattrPage == 0) {
            return out;
        }
        MemorySegment s = fs.seg;
        long at = n.xattrPage << 12;
        int count = s.get(Le.INT, at + 4);
        int used = s.get(Le.INT, at + 8);
        if (s.get(Le.INT, at) != MAGIC || used < 0 || used > 4096 - HEADER || count < 0 || count > used / 4
                || s.get(Le.INT, at + 12) != crc(s, at, used)) {
            throw fs.corrupt(new CorruptFsException("inode " + n.ino + " xattr page " + n.xattrPage, "bad header or checksum"));
        }
        long p = at + HEADER;
        long end = at + HEADER + used;
        for (int i = 0; i < count; i++) {
            if (end - p < 4) {
                throw fs.corrupt(new CorruptFsException("inode " + n.ino + " xattr page", "entry " + i + " runs past the end"));
            }
            int nameLen = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, p));
            int valueLen = Short.toUnsignedInt(s.get(Le.SHORT, p + 2));
            if (nameLen == 0 || p + 4 + nameLen + valueLen > end) {
                throw fs.corrupt(new CorruptFsException("inode " + n.ino + " xattr page", "entry " + i + " runs past the end"));
            }
            String name = new String(s.asSlice(p + 4, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            out.put(name, s.asSlice(p + 4 + nameLen, valueLen).toArray(ValueLayout.JAVA_BYTE));
            p += (4 + nameLen + valueLen + 3) & ~3;
        }
        return out;
    }

    /** Replaces {@code n}'s attribute page by one holding {@code attrs}; queues the old page's free. */
    static void store(FsCore fs, Inode n, Map<String, byte[]> attrs, FsCore.AfterCommit after) throws FsException {
        int used = 0;
        for (Map.Entry<String, byte[]> e : attrs.entrySet()) {
            used += (4 + e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length + 3) & ~3;
        }
        if (used > 4096 - HEADER) {
            throw new FsException(Errno.ENOSPC, "extended attributes of inode " + n.ino + " would take " + used
                    + " bytes; at most " + (4096 - HEADER) + " fit");
        }
        long old = n.xattrPage;
        if (attrs.isEmpty()) {
            n.xattrPage = 0;
        } else {
            long page;
            try {
                page = fs.allocate(fs.meta, 0);
            } catch (OutOfSpaceException e) {
                throw NvmFs.noSpace(e);
            }
            MemorySegment s = fs.seg;
            long at = page << 12;
            s.asSlice(at, 4096).fill((byte) 0);
            long p = at + HEADER;
            for (Map.Entry<String, byte[]> e : attrs.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] value = e.getValue();
                s.set(ValueLayout.JAVA_BYTE, p, (byte) name.length);
                s.set(Le.SHORT, p + 2, (short) value.length);
                MemorySegment.copy(name, 0, s, ValueLayout.JAVA_BYTE, p + 4, name.length);
                MemorySegment.copy(value, 0, s, ValueLayout.JAVA_BYTE, p + 4 + name.length, value.length);
                p += (4 + name.length + value.length + 3) & ~3;
            }
            s.set(Le.INT, at, MAGIC);
            s.set(Le.INT, at + 4, attrs.size());
            s.set(Le.INT, at + 8, used);
            s.set(Le.INT, at + 12, crc(s, at, used));
            fs.media.persist(at, 4096);
            n.xattrPage = page;
        }
        if (old != 0) {
            after.free(fs.meta, old, 0);
        }
    }

    private static int crc(MemorySegment s, long at, int used) {
        return XattrPageFormat.crc(s, at, used);
    }

    /** The names as listxattr returns them: each followed by a NUL. */
    /** listxattr's bytes; {@code trusted.} names only for a privileged caller (as ext4, XFS, tmpfs). */
    static byte[] listBytes(Map<String, byte[]> attrs, boolean privileged) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String name : attrs.keySet()) {
            if (!privileged && name.startsWith("trusted.")) {
                continue;
            }
            out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    static List<String> names(Map<String, byte[]> attrs) {
        return new ArrayList<>(attrs.keySet());
    }
}
