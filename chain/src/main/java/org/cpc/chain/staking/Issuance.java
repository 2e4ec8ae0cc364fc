package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Set;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * How many wei exist apart from block rewards (key space 0x11, id "issuance"): what genesis created (its alloc
 * and its validators' bonds) and what slashing burned since. The block rewards minted are a function of the height
 * ({@link Supply#minted}), so they need no entry.
 */
public record Issuance(BigInteger genesis, BigInteger burned) {
    static final Set<String> FIELDS = Set.of("genesis", "burned");

    public byte[] encode() {
        ObjectNode o = Json.object();
        o.put("genesis", genesis.toString());
        o.put("burned", burned.toString());
        return Jcs.canonicalize(o);
    }

    public static Issuance decode(byte[] v) {
        if (v == null) return new Issuance(BigInteger.ZERO, BigInteger.ZERO);
        JsonFields f = JsonFields.of(Json.parse(v), "issuance", FIELDS);
        return new Issuance(f.wei("genesis"), f.wei("burned"));
    }
}
