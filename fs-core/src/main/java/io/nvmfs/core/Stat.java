package io.nvmfs.core;

/** What getattr reports (struct stat). {@code blocks} counts 512-byte units, as st_blocks does. */
public record Stat(long ino, int mode, int nlink, int uid, int gid, long size, long blocks, long rdev,
                   long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec, long ctimeSec, int ctimeNsec,
                   long btimeSec, int btimeNsec, int generation) {
    static Stat of(Inode n) {
        return new Stat(n.ino, n.mode, n.nlink, n.uid, n.gid, n.size, n.pages() * 8, n.rdev,
                n.sec[Inode.ATIME], n.nsec[Inode.ATIME], n.sec[Inode.MTIME], n.nsec[Inode.MTIME],
                n.sec[Inode.CTIME], n.nsec[Inode.CTIME], n.sec[Inode.BTIME], n.nsec[Inode.BTIME], n.generation);
    }
}
