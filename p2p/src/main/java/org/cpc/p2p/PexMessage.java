package org.cpc.p2p;

import java.util.ArrayList;
import java.util.List;

/** Peer exchange on {@link Channel#PEX}: a request for addresses and the answer. Handled inside this module. */
sealed interface PexMessage {
    /** Most addresses in one answer; a longer list is a protocol violation. */
    int MAX_ADDRESSES = 64;

    byte[] encode();

    record Request() implements PexMessage {
        static final int TYPE = 1;

        @Override
        public byte[] encode() {
            return new byte[] {TYPE};
        }
    }

    record Addresses(List<PeerAddress> addresses) implements PexMessage {
        static final int TYPE = 2;

        public Addresses {
            addresses = List.copyOf(addresses);
            if (addresses.size() > MAX_ADDRESSES) throw new IllegalArgumentException("over " + MAX_ADDRESSES);
        }

        @Override
        public byte[] encode() {
            WireWriter w = new WireWriter().u8(TYPE).u16(addresses.size());
            for (PeerAddress a : addresses) a.write(w);
            return w.toByteArray();
        }
    }

    static PexMessage decode(byte[] payload) throws ProtocolViolationException {
        WireReader r = new WireReader(payload, "pex message");
        PexMessage m = switch (r.u8()) {
            case Request.TYPE -> new Request();
            case Addresses.TYPE -> {
                int n = r.u16();
                if (n > MAX_ADDRESSES) throw new ProtocolViolationException("pex: " + n + " addresses, limit " + MAX_ADDRESSES);
                List<PeerAddress> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) list.add(PeerAddress.read(r));
                yield new Addresses(list);
            }
            default -> throw new ProtocolViolationException("unknown pex message type");
        };
        r.end();
        return m;
    }
}
