package org.cpc.chain.exec;

import java.nio.charset.StandardCharsets;
import org.cpc.protocol.crypto.Sha256;

/** The L1 side of synthetic task v1: the seed and task_id a worker derives from a block hash. */
public final class SyntheticTask {
    private SyntheticTask() {}

    /** {@code SHA-256(UTF-8(blockHashHex + workerAddress))}. */
    public static byte[] seed(String blockHashHex, String workerAddress) {
        return Sha256.hash((blockHashHex + workerAddress).getBytes(StandardCharsets.UTF_8));
    }

    /** The UUID of {@code seed[0..16)} with version nibble 8 and the RFC 4122 variant, lowercase 8-4-4-4-12. */
    public static String taskId(String blockHashHex, String workerAddress) {
        byte[] b = java.util.Arrays.copyOf(seed(blockHashHex, workerAddress), 16);
        b[6] = (byte) ((b[6] & 0x0f) | 0x80);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        String h = org.cpc.protocol.codec.Hex.encode(b);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20);
    }
}
