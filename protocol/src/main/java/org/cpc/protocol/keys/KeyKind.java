package org.cpc.protocol.keys;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What a stored key is for, and so which algorithm it uses. */
public enum KeyKind {
    /** Accounts and workers: secp256k1, address prefix {@code cpc}. */
    SECP256K1("secp256k1"),
    /** Validator consensus keys: ML-DSA-65, address prefix {@code cpcvalcons}. */
    ML_DSA_65("ml-dsa-65");

    private final String id;

    KeyKind(String id) {
        this.id = id;
    }

    /** The name used in key files and on the command line. */
    public String id() {
        return id;
    }

    public static KeyKind parse(String id) {
        for (KeyKind k : values()) {
            if (k.id.equals(id)) return k;
        }
        throw new IllegalArgumentException("unknown key kind '" + id + "'; expected one of "
                + Arrays.stream(values()).map(KeyKind::id).collect(Collectors.joining(", ")));
    }
}
