package io.nvmfs.bench;

import io.nvmfs.nvmpg.Namespace;
import io.nvmfs.nvmpg.NamespaceOpenException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A sparse namespace file in /dev/shm (tmpfs): real mapping and msync, no disk in the way. */
final class ShmNamespace implements AutoCloseable {
    final Path path;
    final Namespace namespace;

    ShmNamespace(String name, long size) throws NamespaceOpenException {
        Path dir = Path.of(System.getProperty("nvmfs.bench.dir", "/dev/shm"));
        this.path = dir.resolve("nvmfs-bench-" + name + "-" + ProcessHandle.current().pid() + ".img");
        this.namespace = Namespace.create(path, size);
    }

    @Override
    public void close() {
        namespace.close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
