/**
 * The FUSE kernel protocol's messages (the kernel's include/uapi/linux/fuse.h, protocol 7.44),
 * one class per layout, each drawing its layout in its comment and reading or writing its fields
 * at fixed offsets of a {@link java.lang.foreign.MemorySegment} (little-endian, as x86-64 and
 * aarch64 are; the kernel marks a byte-swapped INIT with its own opcode). A request is a
 * {@link InHeader} followed by the opcode's body at {@link InHeader#SIZE}; a reply an
 * {@link OutHeader} followed by its body at {@link OutHeader#SIZE}. Nothing here allocates: the
 * serving threads read and write their own buffers in place.
 */
package io.nvmfs.fuse.protocol;
