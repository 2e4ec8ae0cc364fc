package org.cpc.chain.exec;

import org.cpc.protocol.params.NetworkParams;

/**
 * What a result verifier may know of the chain.
 *
 * @param height height of the block the result is (or would be) included in
 * @param sourceHeight the result's {@code nonce}: height of the block the synthetic task came from
 * @param sourceBlockHash hash (hex) of the block at {@code sourceHeight}
 */
public record VerificationContext(NetworkParams params, long height, long sourceHeight, String sourceBlockHash) {}
