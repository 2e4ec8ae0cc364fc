package org.cpc.p2p;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A hand-driven peer on a real socket: it runs the real handshake (or parts of it) and then writes whatever bytes a
 * test wants, to play a misbehaving or slow node.
 */
final class RawPeer implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    final NodeIdentity identity;

    RawPeer(int port, NodeIdentity identity) throws IOException {
        this.identity = identity;
        this.socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(10_000);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    /** Connects and completes the real handshake with {@code cfg}. */
    static RawPeer handshaken(int port, NodeIdentity identity, P2pConfig cfg) throws IOException {
        RawPeer p = new RawPeer(port, identity);
        new Handshake(cfg, identity, null).run(p.in, p.out, peerId -> null);
        return p;
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads and drops frames until the other side closes; false if it is still open after the socket timeout. */
    boolean closedByRemote() {
        try {
            while (true) Frame.read(in, Integer.MAX_VALUE);
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
