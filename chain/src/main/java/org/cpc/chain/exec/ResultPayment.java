package org.cpc.chain.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Set;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.codec.WireName;

/**
 * What one SUBMIT_RESULT of a block paid its worker, as the block's execution decided it. The store keeps these
 * beside the block (not in state), so readers never work the rewards out again.
 *
 * @param index the transaction's position in the block
 * @param reward wei credited to the worker for it
 * @param pocValidator for a market job, the PoC validator credited with it; null for a synthetic result
 */
public record ResultPayment(int index, Kind kind, BigInteger reward, String pocValidator) {
    private static final Set<String> FIELDS = Set.of("index", "kind", "reward", "poc_validator");

    /** Where the reward came from. */
    public enum Kind implements WireName {
        /** A synthetic task: a share of the block reward's compute part. */
        SYNTHETIC,
        /** A job of a market task: the worker's part of the job's share of the escrow. */
        MARKET;

        static Kind ofWire(String s) {
            return WireName.of(Kind.class, s, "result kind");
        }
    }

    /** The stored form: {@code {"index","kind","reward","poc_validator"}}, the reward as a decimal string. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("index", index);
        o.put("kind", kind.wire());
        o.put("reward", reward.toString());
        if (pocValidator == null) o.putNull("poc_validator"); else o.put("poc_validator", pocValidator);
        return o;
    }

    public static ResultPayment fromJson(com.fasterxml.jackson.databind.JsonNode node) {
        JsonFields f = JsonFields.of(node, "result payment", FIELDS);
        return new ResultPayment(Math.toIntExact(f.uint("index")), Kind.ofWire(f.string("kind")), f.wei("reward"),
                f.nullableString("poc_validator"));
    }
}
