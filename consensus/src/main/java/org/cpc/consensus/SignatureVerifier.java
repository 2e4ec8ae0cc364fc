package org.cpc.consensus;

/**
 * Checks a validator's signature over sign bytes. {@link MlDsaSignatures} is the real one (ML-DSA-65, about
 * 0.2 ms per verification); the simulation uses a cheap keyed stand-in that is still unforgeable inside the
 * simulation (see the test sources), never an always-true stub. Must be deterministic and side-effect free.
 */
public interface SignatureVerifier {
    boolean verify(Validator validator, byte[] message, String signatureHex);
}
