package org.cpc.poc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cpc.compute.Verification;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.market.JobVerifier;
import org.cpc.compute.market.PoolMessage;
import org.cpc.compute.market.PoolProtocol;
import org.cpc.poc.core.Effect;
import org.cpc.poc.core.Job;
import org.cpc.poc.core.PocMachine;
import org.cpc.poc.core.StoreKeys;
import org.cpc.poc.core.Task;
import org.cpc.poc.core.Verdict;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;

/**
 * The PoC validator's checks of worker output, and what it does with the bytes: verify a job's output (size, hash,
 * the worker's signature, the task's verifier, and for a disagreeing duplicate run a recomputation of its own),
 * keep it (with the job's record when small, as a blob file when large), and merge a finished task's outputs.
 * Runs on the verification pool and the merge thread; it reads only the immutable parts of a {@link Task}.
 */
final class OutputChecker {
    /** Largest verification (in multiply-adds) run where the output arrived instead of on the pool: tens of µs. */
    static final long INLINE_VERIFY_MACS = 65_536;

    private final BlobStore blobs;
    private final PocStore store;
    private final GemmBackend localGemm = Backends.select("cpu", 1).gemm();
    private final SecureRandom random = new SecureRandom();
    /** Each task's verifier (Freivalds' vectors, mapped inputs), built on first use and dropped when the task ends. */
    private final Map<String, JobVerifier> verifiers = new ConcurrentHashMap<>();

    OutputChecker(BlobStore blobs, PocStore store) {
        this.blobs = blobs;
        this.store = store;
    }

    boolean isSmall(Job j) {
        Task t = j.task();
        return t.type().verifyMacs(t.payload(), j.index()) <= INLINE_VERIFY_MACS;
    }

    Verdict check(Effect.Verify v) {
        Job j = v.assignment().job();
        Task t = j.task();
        PoolMessage.JobResult r = v.result();
        byte[] out = r.output();
        long max = t.type().maxOutputBytes(t.payload(), j.index());
        if (out.length > max) return new Verdict.Wrong("output is " + out.length + " bytes; job " + j.index() + " has at most " + max);
        String hash = Hex.encode(Sha256.hash(out));
        String committed;
        try {
            committed = Hex.encode(t.type().resultHash(t.payload(), j.index(), out, blobs));
        } catch (IllegalArgumentException e) {
            return new Verdict.Wrong(e.getMessage());
        }
        if (!Arrays.equals(r.resultHash(), Hex.decode(committed))) {
            return new Verdict.Wrong("result_hash is not the " + t.type().name() + " commitment of the output bytes ("
                    + committed + ")");
        }
        try {
            byte[] pub = Secp256k1.get().recover(
                    PoolProtocol.resultDigest(t.taskId(), v.worker(), committed, null, j.index()), r.signature());
            if (!Arrays.equals(pub, v.workerKey())) return new Verdict.Wrong("the result signature is not the worker's");
        } catch (IllegalArgumentException e) {
            return new Verdict.Wrong("bad result signature: " + e.getMessage());
        }
        Verification ok = verifier(t).verify(j.index(), out);
        if (!ok.ok()) return new Verdict.Wrong(ok.reason());
        String signature = Hex.encode(r.signature());
        String first = v.firstOutputHash();
        if (first != null && !first.equals(hash)) {
            // Both passed their checks yet differ: recompute, and let the truth decide.
            byte[] truth = t.type().execute(t.payload(), t.taskId(), j.index(), blobs, localGemm);
            if (!Hex.encode(Sha256.hash(truth)).equals(hash)) {
                return new Verdict.Wrong("output differs from a second worker's and from the validator's own recomputation");
            }
            return new Verdict.FirstWasWrong(hash, committed, signature, keep(hash, out));
        }
        return new Verdict.Good(hash, committed, signature, keep(hash, out));
    }

    /** The bytes to write with the job's record, or null once a large output is a blob file. */
    private byte[] keep(String hash, byte[] out) {
        if (out.length <= PocMachine.INLINE_OUTPUT_BYTES) return out;
        blobs.putBytes(out, hash);
        return null;
    }

    private JobVerifier verifier(Task t) {
        return verifiers.computeIfAbsent(t.taskId(), id -> t.type().verifier(t.payload(), id, blobs, random));
    }

    /** A job's accepted output, from the store (small ones) or the blob files. */
    byte[] output(String hash) {
        return output(store, blobs, hash);
    }

    /** A stored job output by its SHA-256: small ones are in the store, the rest are blobs. */
    static byte[] output(PocStore store, BlobStore blobs, String hash) {
        byte[] b = store.getBytes(StoreKeys.output(hash));
        return b != null ? b : blobs.read(hash);
    }

    /** Concatenates the jobs' outputs, each as its challenge type merges it, into the task's result blob. */
    String merge(Task t, List<String> outputHashes) {
        try (BlobStore.Writer w = blobs.writer()) {
            for (int i = 0; i < outputHashes.size(); i++) w.write(t.type().mergePart(t.payload(), i, output(outputHashes.get(i))));
            return w.commit().hash();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge the result of task " + t.taskId() + ": " + e.getMessage(), e);
        }
    }

    /** The task is over: its verifier and its inputs' mappings can go. */
    void forget(String taskId, Task t) {
        verifiers.remove(taskId);
        if (t != null) for (String in : t.type().inputBlobs(t.payload())) blobs.unmap(in);
    }
}
