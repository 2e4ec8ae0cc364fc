package org.cpc.consensus;

import java.util.List;
import java.util.Objects;
import org.cpc.protocol.codec.WireName;

/**
 * What a validator signed at the highest height it signed at (CometBFT's {@code priv_validator_state}, extended):
 * every signature of that height in signing order, the last one being the furthest position. Keeping the whole
 * height, not only the last message, lets a restarted node replay its WAL — which re-asks for each signature of
 * the height in order — and get the very same signatures back, so its state (its own votes counted, its lock)
 * is rebuilt exactly. Anything at or before the last position with other sign bytes is refused.
 *
 * @param signatures non-empty, strictly increasing positions
 */
public record SignState(long height, List<Signed> signatures) {
    /** Bound on signatures kept per height (three per round): past it the oldest rounds' are forgotten. */
    public static final int MAX_SIGNATURES = 64;

    /** The signing steps of a round, in the order a validator signs them (the order is what the guard compares). */
    public enum Kind implements WireName {
        PROPOSAL,
        PREVOTE,
        PRECOMMIT;

        public static Kind ofWire(String s) {
            return WireName.of(Kind.class, s, "signing step");
        }
    }

    /**
     * @param signBytesSha256 hex SHA-256 of the sign bytes
     * @param signature hex signature that was returned for them
     */
    public record Signed(int round, Kind kind, String signBytesSha256, String signature) {
        public Signed {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(signBytesSha256, "signBytesSha256");
            Objects.requireNonNull(signature, "signature");
            if (round < 0) throw new IllegalArgumentException("round must be >= 0");
        }

        int compare(int r, Kind k) {
            return round != r ? Integer.compare(round, r) : kind.compareTo(k);
        }
    }

    public SignState {
        signatures = List.copyOf(signatures);
        if (height < 0) throw new IllegalArgumentException("height must be >= 0");
        if (signatures.isEmpty() || signatures.size() > MAX_SIGNATURES) {
            throw new IllegalArgumentException("1.." + MAX_SIGNATURES + " signatures per height");
        }
        for (int i = 1; i < signatures.size(); i++) {
            Signed a = signatures.get(i - 1);
            if (a.compare(signatures.get(i).round(), signatures.get(i).kind()) >= 0) {
                throw new IllegalArgumentException("signatures must be in increasing (round, step) order");
            }
        }
    }

    public Signed last() {
        return signatures.getLast();
    }

    /** The signature given at (round, kind) of this height, or null. */
    public Signed at(int round, Kind kind) {
        for (Signed s : signatures) if (s.round() == round && s.kind() == kind) return s;
        return null;
    }

    /** Negative, zero or positive as the last position is before, at or after (h, r, k). */
    public int comparePosition(long h, int r, Kind k) {
        return height != h ? Long.compare(height, h) : last().compare(r, k);
    }

    /** This state with {@code s} signed next (at this height, or starting {@code h}), dropping the oldest past the bound. */
    public SignState then(long h, Signed s) {
        if (h != height) return new SignState(h, List.of(s));
        List<Signed> next = new java.util.ArrayList<>(signatures);
        next.add(s);
        if (next.size() > MAX_SIGNATURES) next.removeFirst();
        return new SignState(h, next);
    }
}
