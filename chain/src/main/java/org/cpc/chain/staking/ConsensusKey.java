package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * A validator's consensus key (key space 0x0a, id = its {@code cpcvalcons} address): who operates it, and the raw
 * ML-DSA-65 public key (hex) that evidence is verified with. Kept apart from {@link ValidatorRecord} so that the
 * record rewritten every block stays small. A consensus key belongs to one validator forever.
 */
public record ConsensusKey(String consensusAddress, String operatorAddress, String publicKey) {
    static final Set<String> FIELDS = Set.of("consensus_address", "operator_address", "public_key");

    public byte[] encode() {
        ObjectNode o = Json.object();
        o.put("consensus_address", consensusAddress);
        o.put("operator_address", operatorAddress);
        o.put("public_key", publicKey);
        return Jcs.canonicalize(o);
    }

    public static ConsensusKey decode(byte[] v) {
        if (v == null) return null;
        JsonFields f = JsonFields.of(Json.parse(v), "consensus key", FIELDS);
        return new ConsensusKey(f.string("consensus_address"), f.string("operator_address"), f.string("public_key"));
    }
}
