package io.nvmfs.core;

/** What statfs reports (struct statvfs), in 4 KiB blocks. */
public record StatFs(long blockSize, long blocks, long blocksFree, long blocksAvailable, long files, long filesFree,
                     int nameMax) {
}
