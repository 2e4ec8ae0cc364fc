package org.cpc.chain.exec;

import org.cpc.protocol.types.ComputeResult;

/**
 * The seed's Stage 4 check and nothing more: the ComputeResult's structure (checked by {@link TxRules} before any
 * verifier runs) is the whole check; the proof is not opened. Replaced by the compute module's synthetic verifier.
 */
public final class StructuralResultVerifier implements ResultVerifier {
    public static final StructuralResultVerifier INSTANCE = new StructuralResultVerifier();

    @Override
    public Verdict verify(ComputeResult result, VerificationContext ctx) {
        return Verdict.ok();
    }
}
