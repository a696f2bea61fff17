package io.nvmfs.core;

/** The POSIX errors fs-core reports, with Linux's numbers (what FUSE hands back, negated). */
public enum Errno {
    EPERM(1), ENOENT(2), EIO(5), ENXIO(6), E2BIG(7), EBADF(9), EACCES(13), EEXIST(17), EXDEV(18), ENOTDIR(20), EISDIR(21), ENOTTY(25),
    ENODEV(19), EINVAL(22), EFBIG(27), ENOSPC(28), EROFS(30), EMLINK(31), ERANGE(34), ENAMETOOLONG(36), ENOSYS(38), ENOTEMPTY(39),
    ENODATA(61), EPROTO(71), EOPNOTSUPP(95);

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    /** The Linux errno value. */
    public int code() {
        return code;
    }
}
