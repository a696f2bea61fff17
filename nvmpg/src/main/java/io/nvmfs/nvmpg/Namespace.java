package io.nvmfs.nvmpg;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A persistent-memory namespace mapped whole into this process: a device-DAX character
 * device, a file on a DAX filesystem, or an ordinary (sparse) file standing in for one.
 *
 * <p>The mapping is one {@link MemorySegment} owned by one shared {@link Arena}; {@link #close}
 * is the single, deterministic unmap. MAP_SYNC is asked for first and granted only on DAX;
 * elsewhere the mapping is an ordinary shared one and persist becomes a ranged msync. In both
 * cases {@link MemorySegment#force} does the right thing for the mapping it is called on.
 */
public final class Namespace implements AutoCloseable {
    /** Mode of a namespace file this class creates: rw------- (see {@link #create}). */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private final Path path;
    private final Arena arena;
    private final Media media;

    private Namespace(Path path, Arena arena, Media media) {
        this.path = path;
        this.arena = arena;
        this.media = media;
    }

    /**
     * Creates a new sparse file of {@code sizeBytes} (rounded down to whole pages) and maps
     * it. Refuses to touch an existing file: formatting over one is a decision for the caller.
     * The file is created readable and writable by its owner only (0600, whatever the umask, which
     * can only narrow it), in the open(2) that creates it: the image holds every file's contents
     * whatever their own permissions, so it is never readable by others, not even briefly.
     */
    public static Namespace create(Path path, long sizeBytes) throws NamespaceOpenException {
        if (sizeBytes < Layout.MIN_PAGES * (long) Pages.SIZE) {
            throw new NamespaceOpenException("namespace " + path + ": size " + sizeBytes
                    + " bytes is too small; nvmpg needs at least " + Layout.MIN_PAGES * Pages.SIZE + " bytes");
        }
        long size = sizeBytes & ~(Pages.SIZE - 1L);
        try (FileChannel ch = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SPARSE), OWNER_ONLY)) {
            // Extending by writing one byte at the end keeps the file sparse on every Linux filesystem.
            ch.write(java.nio.ByteBuffer.wrap(new byte[1]), size - 1);
        } catch (FileAlreadyExistsException e) {
            throw new NamespaceOpenException("namespace " + path + ": already exists; remove it or open it instead");
        } catch (IOException e) {
            throw new NamespaceOpenException("namespace " + path + ": cannot create: " + e.getMessage(), e);
        }
        return open(path);
    }

    /** Maps an existing file or device-DAX character device read-write. */
    public static Namespace open(Path path) throws NamespaceOpenException {
        return open(path, true);
    }

    /**
     * Maps an existing namespace read-only, through a descriptor opened O_RDONLY: for readers
     * that must work on an image they cannot write (mode 0400, a read-only file) and must never
     * change one ({@code nvmfs info}). The segment is read-only, so a stray store fails loudly
     * instead of reaching the media; persisting through it is never needed.
     */
    public static Namespace openReadOnly(Path path) throws NamespaceOpenException {
        return open(path, false);
    }

    private static Namespace open(Path path, boolean write) throws NamespaceOpenException {
        if (!Files.exists(path)) {
            throw new NamespaceOpenException("namespace " + path
                    + ": no such file or device; create one with 'nvmfs mkfs --size SIZE " + path + "'");
        }
        if (Files.isDirectory(path)) {
            throw new NamespaceOpenException("namespace " + path + ": is a directory, not a file or DAX device");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(path, write ? Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : Set.of(StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
            throw new NamespaceOpenException("namespace " + path + ": no such file or device");
        } catch (AccessDeniedException e) {
            throw new NamespaceOpenException("namespace " + path + ": permission denied (needs read"
                    + (write ? " and write" : "") + " access)");
        } catch (IOException e) {
            throw new NamespaceOpenException("namespace " + path + ": cannot open: " + e.getMessage(), e);
        }
        try (ch) {
            long size = NamespaceSize.of(path, ch) & ~(Pages.SIZE - 1L);
            if (size < Layout.MIN_PAGES * (long) Pages.SIZE) {
                throw new NamespaceOpenException("namespace " + path + ": " + size
                        + " bytes is too small; nvmpg needs at least " + Layout.MIN_PAGES * Pages.SIZE + " bytes");
            }
            return map(path, ch, size, write);
        } catch (IOException e) {
            throw new NamespaceOpenException("namespace " + path + ": cannot map: " + e.getMessage(), e);
        }
    }

    private static Namespace map(Path path, FileChannel ch, long size, boolean write) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment segment;
            MappingMode mode;
            try {
                segment = ch.map(write ? jdk.nio.mapmode.ExtendedMapMode.READ_WRITE_SYNC
                        : jdk.nio.mapmode.ExtendedMapMode.READ_ONLY_SYNC, 0, size, arena);
                mode = MappingMode.MAP_SYNC;
            } catch (IOException | UnsupportedOperationException notDax) {
                // Expected on every non-DAX filesystem: the kernel refuses MAP_SYNC with EOPNOTSUPP.
                segment = ch.map(write ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, size, arena);
                mode = MappingMode.MSYNC;
            }
            return new Namespace(path, arena, new Media(segment, new MappedPersistence(segment), mode));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public Media media() {
        return media;
    }

    public MappingMode mode() {
        return media.mode();
    }

    public long size() {
        return media.size();
    }

    /** Unmaps. Every segment obtained from {@link #media()} becomes unusable. */
    @Override
    public void close() {
        arena.close();
    }
}
