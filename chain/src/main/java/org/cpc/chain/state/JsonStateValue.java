package org.cpc.chain.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cpc.protocol.codec.Jcs;
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

    /** The state value: JCS of {@link #toJson}. */
    default byte[] encode() {
        return Jcs.canonicalize(toJson());
    }
}
