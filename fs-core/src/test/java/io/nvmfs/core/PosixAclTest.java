package io.nvmfs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POSIX ACLs as fs-core keeps them: validation, the access ACL and the mode set together,
 * chmod following into the ACL, inheritance of a default ACL at create (in place of the umask),
 * and every change surviving a remount.
 */
class PosixAclTest {
    private TestFs t;
    private NvmFs fs;

    @BeforeEach
    void setUp() throws Exception {
        t = TestFs.ofSize(64L << 20);
        fs = t.fs;
    }

    @AfterEach
    void tearDown() throws Exception {
        t.close();
    }

    /** An ACL value from {tag, perm, id} triples. */
    static byte[] acl(int... e) {
        ByteBuffer b = ByteBuffer.allocate(4 + 8 * (e.length / 3)).order(ByteOrder.LITTLE_ENDIAN).putInt(2);
        for (int i = 0; i < e.length; i += 3) {
            b.putShort((short) e[i]).putShort((short) e[i + 1]).putInt(e[i + 2]);
        }
        return b.array();
    }

    private static final int U = PosixAcl.USER_OBJ;
    private static final int NU = PosixAcl.USER;
    private static final int G = PosixAcl.GROUP_OBJ;
    private static final int NG = PosixAcl.GROUP;
    private static final int M = PosixAcl.MASK;
    private static final int O = PosixAcl.OTHER;
    private static final int X = -1;

    @Test
    void onlyValidAclsAreTaken() {
        for (byte[] bad : new byte[][] {new byte[3], acl(U, 7, X, G, 5, X), acl(U, 7, X, NU, 5, 1000, G, 5, X, O, 0, X),
            acl(U, 7, X, G, 5, X, O, 8, X), acl(G, 5, X, U, 7, X, O, 0, X), acl(U, 7, X, NU, 5, 7, NU, 4, 7, G, 5, X, M, 7, X, O, 0, X),
            acl(U, 7, X, G, 5, X, O, 0, X, 0x40, 1, X)}) {
            assertEquals(Errno.EINVAL, assertThrows(FsException.class, () -> PosixAcl.parse(bad)).errno());
        }
        byte[] v1 = acl(U, 7, X, G, 5, X, O, 0, X);
        v1[0] = 1;
        assertEquals(Errno.EINVAL, assertThrows(FsException.class, () -> PosixAcl.parse(v1)).errno(), "version 1");
    }

    @Test
    void anAccessAclSetsTheModeAndOneTheModeSaysIsNotStored() throws Exception {
        long f = t.writeFile(fs.root(), "f", new byte[10]);
        fs.setxattr(f, PosixAcl.ACCESS, acl(U, 6, X, NU, 7, 1000, G, 4, X, M, 5, X, O, 0, X), 0);
        assertEquals(0100650, fs.getattr(f).mode(), "owner rw, mask r-x shown as the group bits, other none");
        assertArrayEquals(acl(U, 6, X, NU, 7, 1000, G, 4, X, M, 5, X, O, 0, X), fs.getxattr(f, PosixAcl.ACCESS));
        fs.setxattr(f, PosixAcl.ACCESS, acl(U, 7, X, G, 1, X, O, 4, X), 0);
        assertEquals(0100714, fs.getattr(f).mode());
        assertNull(fs.getxattrOrNull(f, PosixAcl.ACCESS), "three base entries say no more than the mode");
        fs.chmod(f, 02775);
        fs.setxattr(f, PosixAcl.ACCESS, acl(U, 7, X, G, 5, X, NG, 7, 50, M, 7, X, O, 5, X), 0, true);
        assertEquals(0100775, fs.getattr(f).mode(), "set-group-ID taken away when the kernel says so");
    }

    @Test
    void chmodMovesTheAclsOwnerMaskAndOther() throws Exception {
        long f = t.writeFile(fs.root(), "f", new byte[10]);
        fs.setxattr(f, PosixAcl.ACCESS, acl(U, 7, X, NU, 7, 1000, G, 7, X, M, 7, X, O, 7, X), 0);
        fs.chmod(f, 0640);
        assertEquals(0100640, fs.getattr(f).mode());
        assertArrayEquals(acl(U, 6, X, NU, 7, 1000, G, 7, X, M, 4, X, O, 0, X), fs.getxattr(f, PosixAcl.ACCESS),
                "the mask, not the owning group, takes the group bits; named entries stay");
        t.remount();
        assertArrayEquals(acl(U, 6, X, NU, 7, 1000, G, 7, X, M, 4, X, O, 0, X), t.fs.getxattr(f, PosixAcl.ACCESS));
        assertEquals(0100640, t.fs.getattr(f).mode());
    }

    @Test
    void aDefaultAclTakesTheUmasksPlaceAtCreate() throws Exception {
        long d = fs.mkdir(fs.root(), "d", 0777, Caller.ROOT).ino();
        byte[] def = acl(U, 7, X, NU, 6, 1000, G, 5, X, M, 7, X, O, 0, X);
        fs.setxattr(d, PosixAcl.DEFAULT, def, 0);
        Caller umask077 = new Caller(0, 0, 077);
        long file = fs.create(d, "file", 0666, Handle.O_RDWR, umask077).stat().ino();
        assertEquals(0100660, fs.getattr(file).mode(), "0666 limited by the default ACL, not by the umask 077");
        assertArrayEquals(acl(U, 6, X, NU, 6, 1000, G, 5, X, M, 6, X, O, 0, X), fs.getxattr(file, PosixAcl.ACCESS));
        assertNull(fs.getxattrOrNull(file, PosixAcl.DEFAULT), "files get no default ACL");
        long sub = fs.mkdir(d, "sub", 0750, umask077).ino();
        assertEquals(040750, fs.getattr(sub).mode());
        assertArrayEquals(def, fs.getxattr(sub, PosixAcl.DEFAULT), "directories pass the default ACL on");
        assertArrayEquals(acl(U, 7, X, NU, 6, 1000, G, 5, X, M, 5, X, O, 0, X), fs.getxattr(sub, PosixAcl.ACCESS));
        long tmp = fs.tmpfile(d, 0600, Handle.O_RDWR, umask077).stat().ino();
        assertArrayEquals(acl(U, 6, X, NU, 6, 1000, G, 5, X, M, 0, X, O, 0, X), fs.getxattr(tmp, PosixAcl.ACCESS));
        long outside = fs.create(fs.root(), "outside", 0666, Handle.O_RDWR, umask077).stat().ino();
        assertEquals(0100600, fs.getattr(outside).mode(), "no default ACL: the umask");
        assertEquals(0120777, fs.getattr(fs.symlink(d, "l", "file", umask077).ino()).mode(), "symlinks take neither");
        t.remount();
        assertArrayEquals(acl(U, 6, X, NU, 6, 1000, G, 5, X, M, 6, X, O, 0, X), t.fs.getxattr(file, PosixAcl.ACCESS));
        assertArrayEquals(def, t.fs.getxattr(sub, PosixAcl.DEFAULT));
    }

    @Test
    void aDefaultAclIsForDirectoriesAndAclsAreListed() throws Exception {
        long f = t.writeFile(fs.root(), "f", new byte[1]);
        assertEquals(Errno.EACCES, assertThrows(FsException.class,
                () -> fs.setxattr(f, PosixAcl.DEFAULT, acl(U, 7, X, G, 5, X, O, 5, X), 0)).errno());
        fs.setxattr(f, PosixAcl.ACCESS, acl(U, 7, X, G, 5, X, NG, 7, 9, M, 5, X, O, 5, X), 0);
        assertEquals(java.util.List.of(PosixAcl.ACCESS), fs.listxattr(f));
        assertEquals(Errno.EOPNOTSUPP, assertThrows(FsException.class, () -> fs.setxattr(f, "system.other", new byte[1], 0)).errno());
        fs.removexattr(f, PosixAcl.ACCESS);
        assertEquals(0100755, fs.getattr(f).mode(), "removing the ACL leaves the mode");
    }
}
