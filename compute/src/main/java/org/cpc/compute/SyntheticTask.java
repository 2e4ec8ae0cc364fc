package org.cpc.compute;

import java.nio.charset.StandardCharsets;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;

/**
 * A synthetic task v1, fixed by a block hash and a worker address: its seed (the ChaCha20 key of A and B), its
 * task_id and its size. Nothing here is secret; anyone derives the same task from the same inputs.
 *
 * @param blockHash     the chosen block's hash, 64 lowercase hex characters
 * @param workerAddress the worker's account address, as it appears in the ComputeResult
 * @param n             matrix side, 1..{@link MatrixGenerator#MAX_N}
 * @param k             rows challenged, 1..n
 * @param taskId        the UUID derived from the seed
 * @param seed          SHA-256(UTF-8(blockHash + workerAddress)); the accessor returns a copy
 */
public record SyntheticTask(String blockHash, String workerAddress, int n, int k, String taskId, byte[] seed) {
    /** Longest worker address accepted; bech32 strings are at most 90 characters. */
    public static final int MAX_ADDRESS_LENGTH = 90;

    public SyntheticTask {
        seed = seed.clone();
    }

    /** Derives the task; rejects malformed inputs with a message naming the field. */
    public static SyntheticTask of(String blockHash, String workerAddress, int n, int k) {
        Hex.decode(blockHash, 32, "block hash");
        if (workerAddress == null || workerAddress.isEmpty() || workerAddress.length() > MAX_ADDRESS_LENGTH) {
            throw new IllegalArgumentException("worker address must be 1.." + MAX_ADDRESS_LENGTH + " characters, got "
                    + (workerAddress == null ? "null" : workerAddress.length()));
        }
        MatrixGenerator.checkSize(n);
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("spot checks " + k + " must be 1.." + n + " (the rows of a " + n + "-row result)");
        }
        byte[] seed = seedOf(blockHash, workerAddress);
        return new SyntheticTask(blockHash, workerAddress, n, k, taskIdOf(seed), seed);
    }

    /** {@code SHA-256(UTF-8(blockHashHex + workerAddress))}. */
    public static byte[] seedOf(String blockHash, String workerAddress) {
        return Sha256.hash((blockHash + workerAddress).getBytes(StandardCharsets.UTF_8));
    }

    /** The task_id a worker derives from a block hash; what L1 checks before opening any proof. */
    public static String taskIdOf(String blockHash, String workerAddress) {
        return taskIdOf(seedOf(blockHash, workerAddress));
    }

    /** The UUID whose bytes are seed[0..16) with version nibble 8 and the RFC 4122 variant. */
    public static String taskIdOf(byte[] seed) {
        byte[] b = java.util.Arrays.copyOf(seed, 16);
        b[6] = (byte) ((b[6] & 0x0f) | 0x80);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        String h = Hex.encode(b);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20);
    }

    @Override
    public byte[] seed() {
        return seed.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyntheticTask t && blockHash.equals(t.blockHash) && workerAddress.equals(t.workerAddress)
                && n == t.n && k == t.k;
    }

    /** The seed and task_id are functions of the other fields, so they need not be compared. */
    @Override
    public int hashCode() {
        return java.util.Objects.hash(blockHash, workerAddress, n, k);
    }

    @Override
    public String toString() {
        return "SyntheticTask[block " + blockHash + ", worker " + workerAddress + ", n=" + n + ", k=" + k + ", task_id "
                + taskId + "]";
    }

    /** The seed without a copy, for the engine's hot paths that only read it. */
    byte[] seedUnsafe() {
        return seed;
    }
}
