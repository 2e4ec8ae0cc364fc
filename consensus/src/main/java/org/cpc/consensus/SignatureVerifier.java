package org.cpc.consensus;

/**
 * Checks a validator's signature over sign bytes. {@link MlDsaSignatures} is the real one (ML-DSA-65, about
 * 0.2 ms per verification); the simulation uses a cheap keyed stand-in that is still unforgeable inside the
 * simulation (see the test sources), never an always-true stub. Must be deterministic and side-effect free.
 */
public interface SignatureVerifier {
    boolean verify(Validator validator, byte[] message, String signatureHex);

    /**
     * Whether {@code proposer} signed the proposal of {@code blockHash} at (height, round, polRound): the one rule,
     * for the state machine and for a node that checks a compact proposal before rebuilding its block.
     */
    default boolean verifyProposal(String chainId, Validator proposer, long height, int round, int polRound,
                                   String blockHash, String signatureHex) {
        return verify(proposer, SignBytes.proposal(chainId, height, round, polRound, blockHash), signatureHex);
    }
}
