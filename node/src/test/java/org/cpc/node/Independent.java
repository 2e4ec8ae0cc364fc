package org.cpc.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.util.List;
import org.cpc.protocol.codec.Hex;

/**
 * The vectors' rules written out again from the design text, on the JDK's SHA-256 alone, so that tests check the
 * served blocks against something other than the code that produced them.
 */
final class Independent {
    private Independent() {}

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) md.update(p);
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(byte[] data) {
        return Hex.encode(sha256(data));
    }

    /** RFC 6962 Merkle Tree Hash; the empty tree is SHA-256 of nothing. */
    static byte[] merkleRoot(List<byte[]> leaves) {
        if (leaves.isEmpty()) return sha256();
        if (leaves.size() == 1) return sha256(new byte[] {0}, leaves.getFirst());
        int k = Integer.highestOneBit(leaves.size() - 1);
        return sha256(new byte[] {1}, merkleRoot(leaves.subList(0, k)), merkleRoot(leaves.subList(k, leaves.size())));
    }

    /** Synthetic task v1 step 2: the UUID of SHA-256(block hash hex + worker address), version nibble 8. */
    static String syntheticTaskId(String blockHashHex, String workerAddress) {
        byte[] seed = sha256((blockHashHex + workerAddress).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        seed[6] = (byte) ((seed[6] & 0x0f) | 0x80);
        seed[8] = (byte) ((seed[8] & 0x3f) | 0x80);
        String h = Hex.encode(java.util.Arrays.copyOf(seed, 16));
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20, 32);
    }

    /** The seed's {@code model_dump_json()} of a ComputeResult: declaration order, nulls written, no spaces. */
    static String pydanticJson(JsonNode r) {
        return "{\"task_id\":" + r.get("task_id") + ",\"worker_address\":" + r.get("worker_address")
                + ",\"result_hash\":" + r.get("result_hash") + ",\"proof\":" + orNull(r, "proof")
                + ",\"nonce\":" + orNull(r, "nonce") + ",\"signature\":" + orNull(r, "signature") + "}";
    }

    private static String orNull(JsonNode r, String field) {
        JsonNode v = r.get(field);
        return v == null ? "null" : v.toString();
    }
}
