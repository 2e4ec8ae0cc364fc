/**
 * The Proof-of-Compute engine: synthetic task v1 (DESIGN.md, normative) and its verification.
 *
 * <ul>
 *   <li>{@link org.cpc.compute.SyntheticTask}: seed and task_id from a block hash and a worker address.</li>
 *   <li>{@link org.cpc.compute.MatrixGenerator}: A and B from ChaCha20, any row range on its own.</li>
 *   <li>{@link org.cpc.compute.RowCommitment}, {@link org.cpc.compute.Challenge},
 *       {@link org.cpc.compute.SyntheticProof}: result_hash, the challenged rows, their audit paths.</li>
 *   <li>{@link org.cpc.compute.SyntheticProver} computes a result; {@link org.cpc.compute.SyntheticVerifier} checks
 *       one in O(k·n²), cheap checks first, and says why a result fails.</li>
 * </ul>
 *
 * <p>Consensus-relevant code here is integer-only and deterministic: no floating point (oneDNN is called with
 * alpha = 1, beta = 0, which is exact for int32), no clock (timings are reported, never decided on), no unordered
 * iteration (the challenge uses a bitmap, not a set). Matrix sides are bounded by
 * {@link org.cpc.compute.MatrixGenerator#MAX_N}.
 */
package org.cpc.compute;
