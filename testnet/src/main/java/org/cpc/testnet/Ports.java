package org.cpc.testnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Ports for a network of nodes on this machine. A single node binds port 0 and reports what it got; a local
 * network's genesis and peer lists need every node's port before any node starts, so they are picked here.
 */
public final class Ports {
    private Ports() {}

    /** Distinct loopback ports free at the time of the call (all held at once, so none is handed out twice). */
    public static int[] freeLoopback(int count) {
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
