package org.cpc.compute.market;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.infer.InferenceExecutor;
import org.cpc.compute.infer.IntModel;
import org.cpc.protocol.codec.Hex;

/**
 * The models a worker or PoC validator has imported, by blob hash: each ONNX file is parsed, imported and committed
 * once, and each {@link InferenceExecutor} (its per-model preparation: weight sums, transposed dense weights) is made
 * once per GEMM backend, not once per job. A blob hash fixes the bytes, so an entry never goes stale.
 *
 * <p>Bounded: at most {@link #MAX_MODELS} models, least recently used out first, and at most
 * {@link #MAX_EXECUTORS_PER_MODEL} executors per model (a process uses one or two backends). A model within
 * {@link InferenceChallenge#LIMITS} holds at most 8M int8 weights, about twice that with an executor's copies, so
 * the cache holds at most about 4 × 8M × 3 bytes ≈ 100 MB. Thread-safe; an import runs outside the lock, so two
 * threads that miss the same model at once may both import it (the same result; one is kept).
 */
final class InferenceModels {
    static final int MAX_MODELS = 4;
    static final int MAX_EXECUTORS_PER_MODEL = 2;

    /** An imported model, its commitment in hex, and its executors by backend instance. */
    record Loaded(IntModel model, String commitment, Map<GemmBackend, InferenceExecutor> executors) {}

    private final Map<String, Loaded> entries = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Loaded> eldest) {
            return size() > MAX_MODELS;
        }
    };
    private long imports;

    /** The entry for blob {@code hash}, importing it with {@code importer} on a miss. */
    Loaded get(String hash, Supplier<IntModel> importer) {
        synchronized (this) {
            Loaded e = entries.get(hash);
            if (e != null) return e;
        }
        IntModel m = importer.get();
        Loaded fresh = new Loaded(m, Hex.encode(m.commitment()), new IdentityHashMap<>());
        synchronized (this) {
            imports++;
            return entries.merge(hash, fresh, (old, unused) -> old);
        }
    }

    /** The entry's executor on {@code gemm}, made on first use (with the backend's threads). */
    InferenceExecutor executor(Loaded e, GemmBackend gemm) {
        synchronized (this) {
            InferenceExecutor x = e.executors().get(gemm);
            if (x != null) return x;
            if (e.executors().size() >= MAX_EXECUTORS_PER_MODEL) e.executors().clear();
            x = new InferenceExecutor(e.model(), gemm, gemm.threads());
            e.executors().put(gemm, x);
            return x;
        }
    }

    /** How many imports this cache has run, for tests and metrics. */
    synchronized long imports() {
        return imports;
    }
}
