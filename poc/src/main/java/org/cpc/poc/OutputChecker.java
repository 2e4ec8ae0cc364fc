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
import org.cpc.poc.core.Task;
import org.cpc.poc.core.Verdict;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Secp256k1;

/**
 * The PoC validator's checks of worker output, and what it does with the bytes: verify a job's output (size, its
 * commitment, the worker's signature, the task's verifier, and for a disagreeing duplicate run a recomputation of
 * its own), keep it under its result_hash ({@link JobOutputs}), and merge a finished task's outputs.
 * Runs on the verification pool and the merge thread; it reads only the immutable parts of a {@link Task}.
 */
final class OutputChecker {
    /** Largest verification (in multiply-adds) run where the output arrived instead of on the pool: tens of µs. */
    static final long INLINE_VERIFY_MACS = 65_536;

    private final BlobStore blobs;
    private final JobOutputs outputs;
    private final GemmBackend localGemm = Backends.select("cpu", 1).gemm();
    private final SecureRandom random = new SecureRandom();
    /** Each task's verifier (Freivalds' vectors, mapped inputs), built on first use and dropped when the task ends. */
    private final Map<String, JobVerifier> verifiers = new ConcurrentHashMap<>();

    OutputChecker(BlobStore blobs, JobOutputs outputs) {
        this.blobs = blobs;
        this.outputs = outputs;
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
        // The commitment is the only hash of the bytes the validator computes: it is what the worker signed, what
        // L1 records, and the key the output is kept under.
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
        String first = v.firstResultHash();
        if (first != null && !first.equals(committed)) {
            // Both passed their checks yet differ: recompute, and let the truth decide.
            byte[] truth = t.type().execute(t.payload(), t.taskId(), j.index(), blobs, localGemm);
            if (!Arrays.equals(truth, out)) {
                return new Verdict.Wrong("output differs from a second worker's and from the validator's own recomputation");
            }
            return new Verdict.FirstWasWrong(committed, signature, outputs.keep(committed, out));
        }
        return new Verdict.Good(committed, signature, outputs.keep(committed, out));
    }

    private JobVerifier verifier(Task t) {
        return verifiers.computeIfAbsent(t.taskId(), id -> t.type().verifier(t.payload(), id, blobs, random));
    }

    /** Concatenates the jobs' outputs, each as its challenge type merges it, into the task's result blob. */
    String merge(Task t, List<String> outputKeys) {
        try (BlobStore.Writer w = blobs.writer()) {
            for (int i = 0; i < outputKeys.size(); i++) w.write(t.type().mergePart(t.payload(), i, outputs.read(outputKeys.get(i))));
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
