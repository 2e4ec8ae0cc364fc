package org.cpc.consensus;

import java.util.Objects;

/**
 * The last message a validator signed (CometBFT's {@code priv_validator_state}): where it is, what it signed
 * (the SHA-256 of the sign bytes) and the signature, so an identical request after a restart gets the same
 * signature back and any other request at or before this point is refused.
 *
 * @param signBytesSha256 hex SHA-256 of the sign bytes
 * @param signature hex signature that was returned for them
 */
public record SignState(long height, int round, Kind kind, String signBytesSha256, String signature) {
    /** The signing steps of a round, in the order a validator signs them (the order is what the guard compares). */
    public enum Kind {
        PROPOSAL("proposal"),
        PREVOTE("prevote"),
        PRECOMMIT("precommit");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Kind ofWire(String s) {
            for (Kind k : values()) if (k.wire.equals(s)) return k;
            throw new IllegalArgumentException("unknown signing step '" + s + "'");
        }
    }

    public SignState {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(signBytesSha256, "signBytesSha256");
        Objects.requireNonNull(signature, "signature");
        if (height < 0 || round < 0) throw new IllegalArgumentException("height and round must be >= 0");
    }

    /** Negative, zero or positive as (height, round, kind) is before, at or after {@code o}'s. */
    public int comparePosition(long h, int r, Kind k) {
        if (height != h) return Long.compare(height, h);
        if (round != r) return Integer.compare(round, r);
        return kind.compareTo(k);
    }
}
