package org.cpc.p2p;

import java.util.Objects;
import org.cpc.protocol.crypto.Secp256k1;

/**
 * Messages of the control frame type ({@link Frame#CONTROL}): the handshake, keep-alive and a farewell that says why
 * a connection is refused. The first payload byte is the message type; see docs/protocol.md ("P2P") for the bytes.
 */
sealed interface ControlMessage {
    int MAX_CHAIN_ID_BYTES = 64;
    int MAX_GENESIS_HASH_BYTES = 128;
    int MAX_MONIKER_BYTES = 64;
    int MAX_REASON_BYTES = 256;
    int NONCE_BYTES = 32;

    byte[] encode();

    /**
     * The first handshake message, sent by both sides at once.
     *
     * @param advertise where the sender accepts connections; null if it does not
     */
    record Hello(int version, String chainId, String genesisHash, byte[] publicKey, byte[] nonce,
                 PeerAddress advertise, String moniker) implements ControlMessage {
        static final int TYPE = 1;

        public Hello {
            Objects.requireNonNull(chainId, "chainId");
            Objects.requireNonNull(genesisHash, "genesisHash");
            if (publicKey.length != Secp256k1.PUBLIC_KEY_LENGTH) throw new IllegalArgumentException("public key size");
            if (nonce.length != NONCE_BYTES) throw new IllegalArgumentException("nonce size");
            moniker = moniker == null ? "" : moniker;
        }

        @Override
        public byte[] encode() {
            WireWriter w = new WireWriter().u8(TYPE).u32(version).string(chainId).string(genesisHash)
                    .bytes(publicKey).bytes(nonce);
            if (advertise == null) {
                w.u8(0);
            } else {
                advertise.write(w.u8(1));
            }
            return w.string(moniker).toByteArray();
        }

        static Hello read(WireReader r) throws ProtocolViolationException {
            int version = r.u32();
            String chainId = r.string("chain_id", MAX_CHAIN_ID_BYTES);
            String genesis = r.string("genesis_hash", MAX_GENESIS_HASH_BYTES);
            byte[] pub = r.bytes(Secp256k1.PUBLIC_KEY_LENGTH);
            byte[] nonce = r.bytes(NONCE_BYTES);
            PeerAddress advertise = switch (r.u8()) {
                case 0 -> null;
                case 1 -> PeerAddress.read(r);
                default -> throw new ProtocolViolationException("hello: bad address flag");
            };
            String moniker = r.string("moniker", MAX_MONIKER_BYTES);
            return new Hello(version, chainId, genesis, pub, nonce, advertise, moniker);
        }
    }

    /** The second handshake message: a signature proving the sender holds the key of its hello. */
    record Auth(byte[] signature) implements ControlMessage {
        static final int TYPE = 2;

        public Auth {
            if (signature.length != Secp256k1.SIGNATURE_LENGTH) throw new IllegalArgumentException("signature size");
        }

        @Override
        public byte[] encode() {
            return new WireWriter().u8(TYPE).bytes(signature).toByteArray();
        }
    }

    record Ping(long nonce) implements ControlMessage {
        static final int TYPE = 3;

        @Override
        public byte[] encode() {
            return new WireWriter().u8(TYPE).u64(nonce).toByteArray();
        }
    }

    record Pong(long nonce) implements ControlMessage {
        static final int TYPE = 4;

        @Override
        public byte[] encode() {
            return new WireWriter().u8(TYPE).u64(nonce).toByteArray();
        }
    }

    /** Sent before closing a connection we refuse, so the other side can log why instead of guessing. */
    record Goodbye(String reason) implements ControlMessage {
        static final int TYPE = 5;

        public Goodbye {
            reason = truncate(reason);
        }

        @Override
        public byte[] encode() {
            return new WireWriter().u8(TYPE).string(reason).toByteArray();
        }

        /** A UTF-16 unit is at most 3 UTF-8 bytes, so this many chars always fit the reader's byte limit. */
        private static String truncate(String s) {
            int maxChars = MAX_REASON_BYTES / 3;
            return s.length() <= maxChars ? s : s.substring(0, maxChars);
        }
    }

    static ControlMessage decode(byte[] payload) throws ProtocolViolationException {
        WireReader r = new WireReader(payload, "control message");
        ControlMessage m = switch (r.u8()) {
            case Hello.TYPE -> Hello.read(r);
            case Auth.TYPE -> new Auth(r.bytes(Secp256k1.SIGNATURE_LENGTH));
            case Ping.TYPE -> new Ping(r.u64());
            case Pong.TYPE -> new Pong(r.u64());
            case Goodbye.TYPE -> new Goodbye(r.string("reason", MAX_REASON_BYTES));
            default -> throw new ProtocolViolationException("unknown control message type");
        };
        r.end();
        return m;
    }
}
