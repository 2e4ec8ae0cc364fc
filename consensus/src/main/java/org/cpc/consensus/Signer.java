package org.cpc.consensus;

/**
 * A validator's private signing key (the "privval"). The state machine asks it to sign each proposal and vote it
 * casts. A production signer should also keep a last-signed (height, round, step) on disk and refuse to sign a
 * conflicting message after a restart (double-sign protection); the state machine itself never asks for two
 * different votes of one (height, round, type).
 */
public interface Signer {
    /** The {@code cpcvalcons...} address of the key. */
    String address();

    /** Hex signature over {@code message}. */
    String sign(byte[] message);
}
