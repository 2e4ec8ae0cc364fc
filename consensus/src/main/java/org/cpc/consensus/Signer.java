package org.cpc.consensus;

import java.util.function.Function;

/**
 * A validator's private signing key (the "privval"). The state machine asks it to sign each proposal and vote it
 * casts. A validator's node wraps its key in {@link GuardedSigner}, which keeps the last signed (height, round, step)
 * on disk and refuses a conflicting request after a restart (double-sign protection) by throwing
 * {@link SignRefusedException}; the machine then sends nothing. The machine itself never asks for two different
 * votes of one (height, round, type) within one run.
 */
public interface Signer {
    /** The {@code cpcvalcons...} address of the key. */
    String address();

    /** Hex signature over {@code message}. */
    String sign(byte[] message);

    /**
     * Makes the record of every signature given so far durable ({@link GuardedSigner}: its sign state on disk); the
     * driver calls it before any of them leaves the process, so the signatures one input produces cost one fsync
     * together. A plain key keeps no record.
     */
    default void sync() {}

    /** The key of {@code address} whose signatures {@code sign} makes. */
    static Signer of(String address, Function<byte[], String> sign) {
        return new Signer() {
            @Override
            public String address() {
                return address;
            }

            @Override
            public String sign(byte[] message) {
                return sign.apply(message);
            }
        };
    }
}
