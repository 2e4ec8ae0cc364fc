package org.cpc.testnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a network of nodes on this machine. A single node binds port 0 and reports what it got; a local
 * network's genesis and peer lists need every node's port before any node starts, so they are picked here.
 *
 * <p>A port picked here is free when picked but is bound later, by the node. In that gap a socket that binds port 0
 * elsewhere in the process (another test's node, an HTTP client's connection) can get the same port from the kernel,
 * and the node then fails with "Address already in use". So ports are picked below the kernel's ephemeral range,
 * which port 0 never hands out, from one cursor per JVM, so two callers never get the same port either. Where that
 * range cannot be read (not Linux), ports 0 are taken, all held at once so none repeats, and released.
 */
public final class Ports {
    /** The lowest port picked: above the registered services most machines run. */
    static final int FIRST = 10_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static int cursor = -1;

    private Ports() {}

    /** Distinct loopback ports free at the time of the call and never handed out before in this JVM. */
    public static synchronized int[] freeLoopback(int count) {
        int end = ephemeralStart();
        if (end <= FIRST) return ephemeral(count);
        // A random start per JVM: two JVMs picking at the same time (two builds on one machine) rarely meet.
        if (cursor < 0) cursor = FIRST + ThreadLocalRandom.current().nextInt(end - FIRST);
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) ports[i] = belowEphemeral(end);
        return ports;
    }

    /** The first port of the kernel's ephemeral range, or 0 when it cannot be read (not Linux). */
    static int ephemeralStart() {
        try {
            // Not Files.readString: on JDK 25 it returned only the first character of this /proc file (size 0).
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).getFirst().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The next free port of [FIRST, end) from the cursor on, wrapping once. */
    private static int belowEphemeral(int end) {
        for (int tried = 0; tried < end - FIRST; tried++) {
            int port = cursor;
            cursor = cursor + 1 < end ? cursor + 1 : FIRST;
            if (bindable(port)) return port;
        }
        throw new UncheckedIOException(new IOException("no free loopback port in " + FIRST + ".." + (end - 1)));
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int[] ephemeral(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("no free port: " + e.getMessage(), e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    if (s != null) s.close();
                } catch (IOException ignored) {
                    // a socket that will not close keeps its port; the node's bind then fails with a clear error
                }
            }
        }
        return ports;
    }
}
