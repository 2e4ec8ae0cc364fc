package org.cpc.poc;

import org.cpc.poc.core.PocMachine;
import org.cpc.poc.core.StoreKeys;

/**
 * Where accepted job outputs live, keyed by the job's result_hash: the commitment its challenge type makes to the
 * bytes (inference: the trace root; matmul: the row root), which the PoC validator computes from the bytes before it
 * accepts them. Small outputs are records in the store ({@link PocMachine#INLINE_OUTPUT_BYTES}), the rest files in
 * {@code outputs/}.
 *
 * <p>Why not key them by SHA-256 like the blobs customers upload: the validator must compute the commitment anyway,
 * and a second hash of a 13 MB inference trace cost it more than checking every layer of the trace did. Why a
 * directory of their own: {@code blobs/} is content-addressed by SHA-256 and served to anyone by that name, and a
 * customer can upload bytes whose SHA-256 is a given trace root (the root node's preimage), which must not be
 * mistaken for the job's output. Within {@code outputs/} a key names one output: the commitment binds the bytes, and
 * two types' keys could meet only if one type's verified output were itself the tagged tree node another type's root
 * hashes (65 bytes, 0x01 and two hashes), which no challenge type's output is.
 *
 * <p>Records written before this keying named outputs by SHA-256 and kept the large ones in {@code blobs/}; they are
 * still read from there.
 */
final class JobOutputs {
    private final PocStore store;
    private final BlobStore files;
    private final BlobStore legacy;

    /** {@code files}: the {@code outputs/} directory; {@code legacy}: the blobs, where older outputs were kept. */
    JobOutputs(PocStore store, BlobStore files, BlobStore legacy) {
        this.store = store;
        this.files = files;
        this.legacy = legacy;
    }

    /**
     * Keeps an output the caller has verified, under the result_hash it computed from these bytes (never one a
     * worker claims). Returns the bytes to write with the job's record (small outputs), or null once a large one is
     * a file.
     */
    byte[] keep(String resultHash, byte[] output) {
        if (output.length <= PocMachine.INLINE_OUTPUT_BYTES) return output;
        files.putBytes(output, resultHash);
        return null;
    }

    /** An accepted job's output by the key its record names. */
    byte[] read(String key) {
        byte[] b = store.getBytes(StoreKeys.output(key));
        if (b != null) return b;
        return files.size(key) >= 0 ? files.read(key) : legacy.read(key);
    }

    /** The {@code outputs/} files, for retention. */
    BlobStore files() {
        return files;
    }
}
