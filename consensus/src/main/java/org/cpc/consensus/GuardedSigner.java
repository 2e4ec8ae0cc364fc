package org.cpc.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.function.Consumer;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;

/**
 * Double-sign protection around a validator's key (CometBFT's file privval): before a signature leaves, the
 * (height, round, step) it covers is recorded durably in a {@link SignStateStore} — written when it is signed, and
 * fsynced by {@link #sync}, which the driver calls before sending anything. A request for an earlier
 * position is refused, except that any position of that height already signed returns the stored signature when
 * the sign bytes are identical (a restarted node replaying its WAL and re-broadcasting what it signed before the
 * crash) — and is refused when they differ. Refusals throw
 * {@link SignRefusedException}, which the state machine treats as "send nothing".
 *
 * <p>The position is read from the sign bytes themselves ({@link SignBytes}: JCS JSON with a domain tag), so the
 * guard needs no change to {@link Signer} and no cooperation from the caller; it signs nothing else.
 */
public final class GuardedSigner implements Signer {
    private final Signer key;
    private final SignStateStore store;
    private final Consumer<SignRefusedException> onRefused;
    private SignState last;

    /**
     * @param onRefused told of each refusal before it is thrown (the node logs it)
     * @throws RuntimeException if the store cannot be read: starting without the last state could double-sign
     */
    public GuardedSigner(Signer key, SignStateStore store, Consumer<SignRefusedException> onRefused) {
        this.key = Objects.requireNonNull(key);
        this.store = Objects.requireNonNull(store);
        this.onRefused = Objects.requireNonNull(onRefused);
        this.last = store.load().orElse(null);
    }

    @Override
    public String address() {
        return key.address();
    }

    /** What this key signed at its highest height, or null if it never signed. */
    public synchronized SignState last() {
        return last;
    }

    @Override
    public synchronized String sign(byte[] message) {
        Position p = position(message);
        String digest = Hex.encode(Sha256.hash(message));
        if (last != null && last.height() == p.height) {
            SignState.Signed given = last.at(p.round, p.kind);
            if (given != null) {
                if (given.signBytesSha256().equals(digest)) return given.signature();
                throw refuse("refusing to sign " + p + ": already signed different bytes there (sha256 "
                        + given.signBytesSha256() + "); signing these would equivocate");
            }
        }
        if (last != null && last.comparePosition(p.height, p.round, p.kind) > 0) {
            SignState.Signed l = last.last();
            throw refuse("refusing to sign " + p + ": already signed " + l.kind().wire() + " at height "
                    + last.height() + " round " + l.round() + " (signing an earlier step could double-sign)");
        }
        String signature = key.sign(message);
        SignState next = last == null
                ? new SignState(p.height, java.util.List.of(new SignState.Signed(p.round, p.kind, digest, signature)))
                : last.then(p.height, new SignState.Signed(p.round, p.kind, digest, signature));
        store.save(next);
        last = next;
        return signature;
    }

    /** Makes the sign state durable: a signature {@link #sign} returned may leave the process after this. */
    @Override
    public synchronized void sync() {
        store.sync();
    }

    private SignRefusedException refuse(String why) {
        SignRefusedException e = new SignRefusedException(why);
        onRefused.accept(e);
        return e;
    }

    private record Position(long height, int round, SignState.Kind kind) {
        @Override
        public String toString() {
            return kind.wire() + " at height " + height + " round " + round;
        }
    }

    private Position position(byte[] message) {
        JsonNode o;
        try {
            o = Json.parse(message);
        } catch (RuntimeException e) {
            throw refuse("refusing to sign: not consensus sign bytes (" + e.getMessage() + ")");
        }
        String domain = o.path("domain").asText("");
        SignState.Kind kind;
        if (domain.equals(SignBytes.PROPOSAL_DOMAIN)) {
            kind = SignState.Kind.PROPOSAL;
        } else if (domain.equals(SignBytes.VOTE_DOMAIN)) {
            String type = o.path("type").asText("");
            if (type.equals(VoteType.PREVOTE.wire())) kind = SignState.Kind.PREVOTE;
            else if (type.equals(VoteType.PRECOMMIT.wire())) kind = SignState.Kind.PRECOMMIT;
            else throw refuse("refusing to sign: vote sign bytes with type '" + type + "'");
        } else {
            throw refuse("refusing to sign: unknown domain '" + domain + "'");
        }
        JsonNode h = o.path("height");
        JsonNode r = o.path("round");
        if (!h.canConvertToLong() || !h.isIntegralNumber() || !r.isIntegralNumber() || !r.canConvertToInt()
                || h.longValue() < 0 || r.intValue() < 0) {
            throw refuse("refusing to sign: sign bytes without a valid height and round");
        }
        return new Position(h.longValue(), r.intValue(), kind);
    }
}
