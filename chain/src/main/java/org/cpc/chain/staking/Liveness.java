package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * Which of the last {@code signed_blocks_window} certificates a validator of the active set signed (key space
 * 0x10, id = operator). Bit {@code i mod window} of {@code missedBits} (bit 0 = lowest bit of the first byte) is
 * set when the i-th certificate counted for it lacked its signature; {@code missed} is the number of set bits.
 * Removed when the validator is jailed, so a validator starts a fresh window when it comes back.
 *
 * @param counted certificates counted since the record began
 */
public record Liveness(long counted, long missed, byte[] missedBits) {
    static final Set<String> FIELDS = Set.of("counted", "missed", "missed_bits");

    static Liveness fresh(int window) {
        return new Liveness(0, 0, new byte[(window + 7) / 8]);
    }

    /** This record after one more certificate, which the validator signed or not. */
    Liveness record(boolean signed, int window) {
        int i = (int) (counted % window);
        byte[] bits = missedBits.clone();
        boolean was = (bits[i >>> 3] & (1 << (i & 7))) != 0;
        long m = missed - (was ? 1 : 0) + (signed ? 0 : 1);
        if (signed) bits[i >>> 3] &= (byte) ~(1 << (i & 7)); else bits[i >>> 3] |= (byte) (1 << (i & 7));
        return new Liveness(counted + 1, m, bits);
    }

    public byte[] encode() {
        ObjectNode o = Json.object();
        o.put("counted", counted);
        o.put("missed", missed);
        o.put("missed_bits", Hex.encode(missedBits));
        return Jcs.canonicalize(o);
    }

    static Liveness decode(byte[] v, int window) {
        if (v == null) return fresh(window);
        JsonFields f = JsonFields.of(Json.parse(v), "liveness", FIELDS);
        byte[] bits = Hex.decode(f.string("missed_bits"));
        // A window changed by a new genesis would not match; start afresh rather than misread the bits.
        if (bits.length != (window + 7) / 8) return fresh(window);
        return new Liveness(f.uint("counted"), f.uint("missed"), bits);
    }
}
