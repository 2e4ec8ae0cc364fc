package org.cpc.compute;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.cpc.protocol.crypto.Sha256;

/**
 * Which rows of C a synthetic result must open. They depend on result_hash, so a worker learns them only after
 * committing to every row: for j = 0, 1, 2, … the first 8 bytes of
 * SHA-256("cpc-poc-challenge-v1" ‖ result_hash ‖ UTF-8(task_id) ‖ uint32_be(j)), unsigned, mod n; repeats skipped.
 */
public final class Challenge {
    private static final byte[] DOMAIN = "cpc-poc-challenge-v1".getBytes(StandardCharsets.US_ASCII);

    private Challenge() {}

    /** k distinct row indices in [0, n), in challenge order. */
    public static int[] rows(byte[] resultHash, String taskId, int n, int k) {
        if (resultHash.length != Sha256.LENGTH) {
            throw new IllegalArgumentException("result_hash must be 32 bytes, got " + resultHash.length);
        }
        MatrixGenerator.checkSize(n);
        if (k < 1 || k > n) throw new IllegalArgumentException("cannot pick " + k + " distinct rows out of " + n);
        byte[] id = taskId.getBytes(StandardCharsets.UTF_8);
        // A bitmap rather than a hash set keeps the order of rows a pure function of the inputs.
        boolean[] taken = new boolean[n];
        int[] rows = new int[k];
        int found = 0;
        for (long j = 0; found < k; j++) {
            MessageDigest d = Sha256.newDigestCached();
            d.update(DOMAIN);
            d.update(resultHash);
            d.update(id);
            d.update(new byte[] {(byte) (j >>> 24), (byte) (j >>> 16), (byte) (j >>> 8), (byte) j});
            byte[] h = d.digest();
            long head = 0;
            for (int i = 0; i < 8; i++) head = (head << 8) | (h[i] & 0xff);
            int row = (int) Long.remainderUnsigned(head, n);
            if (!taken[row]) {
                taken[row] = true;
                rows[found++] = row;
            }
        }
        return rows;
    }
}
