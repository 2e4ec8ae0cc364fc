package org.cpc.node.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import org.cpc.protocol.types.Amounts;

/** How the REST API writes an amount: {@code field} in wei as a decimal string, then {@code field_cpc} in CPC. */
final class WeiJson {
    private WeiJson() {}

    static void put(ObjectNode o, String field, BigInteger wei) {
        o.put(field, wei.toString());
        o.put(field + "_cpc", Amounts.formatCpc(wei));
    }
}
