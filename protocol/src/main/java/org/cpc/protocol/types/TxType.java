package org.cpc.protocol.types;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Transaction types. The set is closed per protocol version: a node refuses a type it does not know rather than
 * guess what it does. Their gas and execution live in the chain module.
 */
public enum TxType {
    TRANSFER,
    SUBMIT_RESULT,
    CREATE_TASK,
    CANCEL_TASK;

    public static TxType parse(String s) {
        for (TxType t : values()) if (t.name().equals(s)) return t;
        throw new IllegalArgumentException("unknown tx_type '" + s + "'; known types: "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
