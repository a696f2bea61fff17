package io.nvmfs.fuse;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nvmfs stats MOUNTPOINT}: the online view of a mounted nvmfs, asked of the process that
 * serves it over its {@link StatsSocket} ({@link StatsServer} answers). No socket, or one nobody
 * answers on (a mount killed with -9), is one line naming the mount point, exit 1.
 */
@Command(name = "stats", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Show a mounted nvmfs's live figures: serving process, namespace, options, mode,"
                + " requests served by type, journal fill, free blocks per order, DRAM cache.")
final class StatsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MOUNTPOINT", description = "Where an nvmfs is mounted.")
    Path mountPoint;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Override
    public Integer call() {
        Path mp = mountPoint.toAbsolutePath().normalize();
        if (!Mounts.isNvmfsMount(mp)) {
            throw new UserError(mp + ": no nvmfs is mounted there");
        }
        Path socket = StatsSocket.of(mp);
        if (!Files.exists(socket)) {
            throw new UserError(mp + ": its mount process has no stats socket (" + socket
                    + "); it was mounted by an older nvmfs, or by another user");
        }
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer ask = ByteBuffer.wrap((json ? "json\n" : "text\n").getBytes(StandardCharsets.US_ASCII));
            while (ask.hasRemaining()) {
                c.write(ask);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (c.read(buf) > 0) {
                answer.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            System.out.print(answer.toString(StandardCharsets.UTF_8));
            return 0;
        } catch (IOException e) {
            throw new UserError(mp + ": its stats socket " + socket + " is stale (" + e.getMessage()
                    + "): the mount process is gone; unmount it with 'nvmfs umount " + mp + "'");
        }
    }
}
