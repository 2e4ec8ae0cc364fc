package org.cpc.chain.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.function.Function;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.codec.RecordJson;

/**
 * A record kept in the state as the RFC 8785 canonical form of its JSON (market tasks and jobs, validators,
 * unbonding entries, work bonds): those bytes are what the state tree's leaf commits to, so the encoding is fixed
 * by {@link #toJson} alone. Only records implement it.
 */
public interface JsonStateValue {
    /** By default {@link RecordJson}'s form of the record: each component under its snake_case name. */
    default ObjectNode toJson() {
        return RecordJson.toJson((Record) this);
    }

    /**
     * Reads a state value strictly ({@link JsonFields}: exactly {@code fields}, errors naming {@code what} and the
     * field); null when {@code v} is (no such entry).
     */
    static <T> T decode(byte[] v, String what, Set<String> fields, Function<JsonFields, T> read) {
        return v == null ? null : read.apply(JsonFields.of(Json.parse(v), what, fields));
    }

    /** The state value: JCS of {@link #toJson}. */
    default byte[] encode() {
        return Jcs.canonicalize(toJson());
    }
}
