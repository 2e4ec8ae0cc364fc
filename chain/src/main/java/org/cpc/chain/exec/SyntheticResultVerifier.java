package org.cpc.chain.exec;

import org.cpc.compute.SyntheticVerifier;
import org.cpc.compute.Verification;
import org.cpc.compute.gemm.Backends;
import org.cpc.protocol.types.ComputeResult;

/**
 * Synthetic task v1, step 8: regenerates B and the k challenged rows of A from the source block's hash, recomputes
 * those rows of A·B and checks each against {@code result_hash} through its audit path. O(k·n²) against the
 * worker's O(n³). Uses the CPU backend on one thread per call (oneDNN where installed, else pure Java: both exact,
 * so every node reaches the same verdict); the chain verifies several results in parallel instead.
 */
public final class SyntheticResultVerifier implements ResultVerifier {
    private final SyntheticVerifier verifier;

    public SyntheticResultVerifier() {
        this.verifier = new SyntheticVerifier(Backends.select("cpu", 1).gemm());
    }

    @Override
    public Verdict verify(ComputeResult r, VerificationContext ctx) {
        Verification v = verifier.verify(ctx.sourceBlockHash(), r.workerAddress(), ctx.params().syntheticMatrixSize(),
                ctx.params().syntheticSpotChecks(), r.taskId(), r.resultHash(), r.proof());
        return v.ok() ? Verdict.ok() : Verdict.invalid(v.reason());
    }
}
