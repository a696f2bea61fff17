package io.nvmfs.fuse;

import io.nvmfs.core.FsStats;
import io.nvmfs.core.NvmFs;
import io.nvmfs.fsck.Json;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The mount process's answer to {@code nvmfs stats}: one daemon thread accepting on the mount's
 * {@link StatsSocket}, each connection asked one word ("text" or "json") and answered with the
 * whole report, then closed. It reads only snapshots ({@link NvmFs#stats}, {@link RequestCounts}),
 * so a stats call never waits for a request and a request never waits for it. The socket is
 * removed at unmount ({@link #close}); one left by a killed mount is replaced by the next mount
 * of that mount point, and {@code nvmfs stats} reports it as stale.
 */
final class StatsServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path socket;
    private final NvmFs fs;
    private final RequestCounts counts;
    private final Transport transport;
    private final String namespace;
    private final Path mountPoint;
    /** Every option the mount runs with ({@link MountOptions#runsWith}): the kernel mount's and nvmfs's own. */
    private final String options;

    private StatsServer(ServerSocketChannel server, Path socket, NvmFs fs, RequestCounts counts, Transport transport, String namespace,
                        Path mountPoint, String options) {
        this.server = server;
        this.socket = socket;
        this.fs = fs;
        this.counts = counts;
        this.transport = transport;
        this.namespace = namespace;
        this.mountPoint = mountPoint;
        this.options = options;
    }

    static StatsServer start(NvmFs fs, RequestCounts counts, Transport transport, String namespace, Path mountPoint, String options)
            throws IOException {
        StatsSocket.makeDir();
        Path socket = StatsSocket.of(mountPoint);
        Files.deleteIfExists(socket); // a killed mount's: this mount point is ours now
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        StatsServer s = new StatsServer(server, socket, fs, counts, transport, namespace, mountPoint, options);
        Thread t = new Thread(s::serve, "nvmfs-stats");
        t.setDaemon(true);
        t.start();
        return s;
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(16);
                while (in.hasRemaining() && c.read(in) > 0 && in.get(in.position() - 1) != '\n') {
                    // read one short line
                }
                String ask = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).trim();
                String answer = ask.equals("json") ? json() : text();
                ByteBuffer out = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) {
                    c.write(out);
                }
            } catch (IOException | RuntimeException e) {
                // a client that went away, or the server closed at unmount: nothing to answer
            }
        }
    }

    private String mode(FsStats st) {
        return st.readOnlyReason() == null ? "rw" : st.readOnlyReason().equals("mounted read-only") ? "ro" : "ro-after-error";
    }

    String text() {
        FsStats st = fs.stats();
        StringBuilder b = new StringBuilder();
        b.append("mount point    ").append(mountPoint).append('\n');
        b.append("namespace      ").append(namespace).append('\n');
        b.append("pid            ").append(ProcessHandle.current().pid()).append('\n');
        b.append("options        ").append(options).append('\n');
        b.append("transport      ").append(transport.describe()).append('\n');
        b.append("mode           ").append(mode(st));
        if (mode(st).equals("ro-after-error")) {
            b.append(" (").append(st.readOnlyReason()).append(')');
        }
        b.append('\n');
        b.append("journal        ").append(st.journalUsedBytes()).append(" of ").append(st.journalBytes()).append(" bytes used (")
                .append(Sizes.human(st.journalUsedBytes())).append(" of ").append(Sizes.human(st.journalBytes())).append(")\n");
        b.append("free           ").append(st.freePages()).append(" pages (").append(Sizes.human(st.freePages() << 12)).append(")\n");
        b.append("inode cache    ").append(st.cachedInodes()).append(" inodes, ").append(st.cacheBytes()).append(" bytes (")
                .append(Sizes.human(st.cacheBytes())).append(")\n");
        b.append("requests since mount\n");
        for (Map.Entry<String, Long> e : counts.snapshot().entrySet()) {
            b.append(String.format("  %-12s %12d%n", e.getKey(), e.getValue()));
        }
        b.append("free blocks per order (like /proc/buddyinfo)\n  ");
        for (int k = 0; k < st.freeBlocksPerOrder().size(); k++) {
            b.append(k).append(':').append(st.freeBlocksPerOrder().get(k)).append(' ');
        }
        return b.append('\n').toString();
    }

    /** The same fields as {@link #text}, named alike. */
    String json() {
        FsStats st = fs.stats();
        Json requests = Json.object();
        counts.snapshot().forEach(requests::put);
        List<String> perOrder = new ArrayList<>();
        st.freeBlocksPerOrder().forEach(n -> perOrder.add(String.valueOf(n)));
        return Json.object()
                .put("mountPoint", mountPoint.toString())
                .put("namespace", namespace)
                .put("pid", ProcessHandle.current().pid())
                .put("options", options)
                .put("transport", transport.describe())
                .put("ringRequests", transport.ringRequests())
                .put("mode", mode(st))
                .put("readOnlyReason", st.readOnlyReason())
                .put("journalUsedBytes", st.journalUsedBytes())
                .put("journalBytes", st.journalBytes())
                .put("freePages", st.freePages())
                .put("cachedInodes", st.cachedInodes())
                .put("cacheBytes", st.cacheBytes())
                .putRaw("requests", requests.toString())
                .putRaw("freeBlocksPerOrder", Json.array(perOrder))
                + "\n";
    }

    /** Stops answering and removes the socket (at unmount). */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // a leftover socket is reported stale by nvmfs stats and replaced by the next mount
        }
    }
}
