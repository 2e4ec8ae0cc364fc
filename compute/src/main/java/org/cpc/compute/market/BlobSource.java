package org.cpc.compute.market;

import java.lang.foreign.MemorySegment;

/**
 * Content-addressed input data of a task (the PoC validator's blob store, or a worker's download cache): a blob is
 * named by the SHA-256 hex of its bytes.
 */
@FunctionalInterface
public interface BlobSource {
    /**
     * The blob's bytes, read-only; heap or native (a mapped file).
     *
     * @throws IllegalArgumentException when no such blob is known
     */
    MemorySegment blob(String hash);
}
