package org.cpc.chain.market;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.types.ComputeResult;

/**
 * What the worker signs and a PoC validator attests for a market job:
 * {@code SHA-256(JCS({"task_id","worker_address","result_hash","proof":null,"nonce"}))}. {@code proof} is always
 * null in the digest: a validator-sent result carries no proof, and a worker-sent one carries the attestation, which
 * is a signature over this digest and so cannot be part of it.
 */
public final class JobDigest {
    private JobDigest() {}

    public static byte[] of(String taskId, String workerAddress, String resultHash, long jobIndex) {
        ObjectNode o = Json.object();
        o.put("task_id", taskId);
        o.put("worker_address", workerAddress);
        o.put("result_hash", resultHash);
        o.putNull("proof");
        o.put("nonce", jobIndex);
        return Sha256.hash(Jcs.canonicalize(o));
    }

    public static byte[] of(ComputeResult r) {
        return of(r.taskId(), r.workerAddress(), r.resultHash(), r.nonce());
    }

    /** A 65-byte recoverable signature (hex) of the digest: the worker's signature or a PoC validator's attestation. */
    public static String sign(byte[] priv32, byte[] digest) {
        return Hex.encode(Secp256k1.get().signRecoverable(priv32, digest));
    }

    /** The {@code cpc} address whose key made the recoverable signature {@code sigHex}; throws when it recovers none. */
    public static String signer(byte[] digest, String sigHex) {
        byte[] sig = Hex.decode(sigHex);
        return Address.account(Secp256k1.get().recover(digest, sig));
    }
}
