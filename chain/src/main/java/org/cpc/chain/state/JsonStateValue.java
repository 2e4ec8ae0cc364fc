package org.cpc.chain.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cpc.protocol.codec.Jcs;

/**
 * A record kept in the state as the RFC 8785 canonical form of its JSON (market tasks and jobs, validators,
 * unbonding entries, work bonds): those bytes are what the state tree's leaf commits to, so the encoding is fixed
 * by {@link #toJson} alone.
 */
public interface JsonStateValue {
    ObjectNode toJson();

    /** The state value: JCS of {@link #toJson}. */
    default byte[] encode() {
        return Jcs.canonicalize(toJson());
    }
}
