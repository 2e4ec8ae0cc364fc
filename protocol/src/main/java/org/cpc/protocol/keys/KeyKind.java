package org.cpc.protocol.keys;

import org.cpc.protocol.codec.WireName;

/** What a stored key is for, and so which algorithm it uses. */
public enum KeyKind implements WireName {
    /** Accounts and workers: secp256k1, address prefix {@code cpc}. */
    SECP256K1("secp256k1"),
    /** Validator consensus keys: ML-DSA-65, address prefix {@code cpcvalcons}. */
    ML_DSA_65("ml-dsa-65");

    private final String wire;

    KeyKind(String wire) {
        this.wire = wire;
    }

    /** The name used in key files and on the command line. */
    @Override
    public String wire() {
        return wire;
    }

    public static KeyKind parse(String id) {
        return WireName.of(KeyKind.class, id, "key kind");
    }
}
