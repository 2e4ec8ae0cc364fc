package org.cpc.testnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {
    @Test
    void portsArePickedBelowTheEphemeralRangeNeverTwiceAndAreFree() throws Exception {
        int ephemeral = Ports.ephemeralStart();
        assumeTrue(ephemeral > Ports.FIRST, "a Linux kernel whose ephemeral range starts above " + Ports.FIRST);
        Set<Integer> seen = new HashSet<>();
        for (int call = 0; call < 20; call++) {
            for (int p : Ports.freeLoopback(6)) {
                assertThat(p).isBetween(Ports.FIRST, ephemeral - 1);
                assertThat(seen.add(p)).as("port %d handed out twice", p).isTrue();
            }
        }
        // What the picked ports are kept apart from: sockets bound to port 0, as every node of another test binds.
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) held.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            for (ServerSocket s : held) assertThat(s.getLocalPort()).isGreaterThanOrEqualTo(ephemeral);
            for (int p : Ports.freeLoopback(4)) {
                try (ServerSocket s = new ServerSocket(p, 50, InetAddress.getLoopbackAddress())) {
                    assertThat(s.getLocalPort()).isEqualTo(p);
                }
            }
        } finally {
            for (ServerSocket s : held) s.close();
        }
    }
}
