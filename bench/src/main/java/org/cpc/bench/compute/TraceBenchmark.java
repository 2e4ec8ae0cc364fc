package org.cpc.bench.compute;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.ComputeBackend;
import org.cpc.compute.market.BlobSource;
import org.cpc.compute.market.FraudProof;
import org.cpc.compute.market.FraudProofBuilder;
import org.cpc.compute.market.FraudProofVerifier;
import org.cpc.compute.market.FraudVerdict;
import org.cpc.compute.market.MatmulChallenge;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;

/**
 * {@code cpc bench traces}: what the matmul trace commitments cost. (1) A job of n rows of an n×n×n product: its
 * compute (CPU backend, every thread) against the old result_hash (SHA-256 of the output) and the new one (the row
 * root, 4 KiB chunks); the commitment's added cost is (root − SHA-256) / compute, on one thread. (2) Verifying one
 * fraud proof (paths and the dot product), at k = n and at the largest k, against one secp256k1 signature
 * verification, which every transaction costs. Best of several runs each.
 */
public final class TraceBenchmark {
    private static final ValueLayout.OfInt LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final String TASK = "00000000-0000-4000-8000-000000000000";

    private TraceBenchmark() {}

    public static void run(PrintStream out, int n, int threads) {
        ComputeBackend cpu = Backends.select("cpu", threads);
        SplittableRandom rnd = new SplittableRandom(1);
        byte[] a = random(rnd, (long) n * n);
        byte[] b = random(rnd, (long) n * n);
        byte[] c = new byte[4 * n * n];
        long compute = Long.MAX_VALUE;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment ca = arena.allocate(a.length, 64).copyFrom(MemorySegment.ofArray(a));
            MemorySegment cb = arena.allocate(b.length, 64).copyFrom(MemorySegment.ofArray(b));
            MemorySegment cc = arena.allocate(ValueLayout.JAVA_INT, (long) n * n);
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                cpu.gemm().gemm(ca, cb, cc, n, n, n);
                compute = Math.min(compute, System.nanoTime() - t0);
            }
            MemorySegment.copy(cc, ValueLayout.JAVA_INT, 0, MemorySegment.ofArray(c), LE, 0, (long) n * n);
        }
        JsonNode payload = MatmulChallenge.payload(MemorySegment.ofArray(a), MemorySegment.ofArray(b), n, n, n, n);
        long sha = fastestNs(25, () -> Sha256.hash(c));
        long root = fastestNs(25, () -> MatmulChallenge.INSTANCE.resultHash(payload, 0, c));
        out.printf("n=%d, one job of %d rows: compute (%s) %.2f ms; SHA-256 of the output %.3f ms; row root %.3f ms;"
                        + " the commitment adds %.3f ms = %.2f%% of the compute (the whole root: %.2f%%)%n",
                n, n, cpu.description(), compute / 1e6, sha / 1e6, root / 1e6, (root - sha) / 1e6,
                100.0 * (root - sha) / compute, 100.0 * root / compute);

        String hash = Hex.encode(MatmulChallenge.INSTANCE.resultHash(payload, 0, c));
        BlobSource blobs = h -> MemorySegment.ofArray(h.equals(payload.get("a").textValue()) ? a : b);
        report(out, "k=" + n + ", n=" + n, FraudProofBuilder.build(TASK, payload, 0, n / 2, n - 1, blobs, c), payload, hash);

        // The largest k: one row of C per job, rows 4 KiB chunks × 2.
        int k = MatmulChallenge.MAX_K;
        int m = 256;
        int wide = 2048;
        byte[] ak = random(rnd, (long) m * k);
        byte[] bk = random(rnd, (long) k * wide);
        JsonNode big = MatmulChallenge.payload(MemorySegment.ofArray(ak), MemorySegment.ofArray(bk), m, k, wide, 1);
        byte[] row = new byte[4 * wide];
        MemorySegment r = MemorySegment.ofArray(row);
        for (int j = 0; j < wide; j++) {
            int s = 0;
            for (int t = 0; t < k; t++) s += ak[7 * k + t] * bk[t * wide + j];
            r.set(LE, 4L * j, s);
        }
        BlobSource bigBlobs = h -> MemorySegment.ofArray(h.equals(big.get("a").textValue()) ? ak : bk);
        report(out, "k=" + k + ", n=" + wide + " (largest k)", FraudProofBuilder.build(TASK, big, 7, 7, wide - 1, bigBlobs, row),
                big, Hex.encode(MatmulChallenge.INSTANCE.resultHash(big, 7, row)));
    }

    private static void report(PrintStream out, String what, FraudProof proof, JsonNode payload, String hash) {
        double perProof = bestNsPerCall(2000, () -> mustBeRight(FraudProofVerifier.verify(proof, payload, hash)));
        double perSig = signatureVerifyNs();
        out.printf("fraud proof, %s: %d bytes of JSON; verify %.1f µs (1 thread) = %.1f× one secp256k1 signature"
                + " verification (%.1f µs)%n", what, Jcs.canonicalize(proof.toJson()).length,
                perProof / 1e3, perProof / perSig, perSig / 1e3);
    }

    static double signatureVerifyNs() {
        byte[] key = Secp256k1.randomPrivateKey();
        byte[] pub = Secp256k1.get().publicKey(key);
        byte[] h = Sha256.hash(new byte[] {1});
        byte[] sig = Secp256k1.get().sign(key, h);
        return bestNsPerCall(2000, () -> {
            if (!Secp256k1.get().verify(pub, h, sig)) throw new IllegalStateException("a good signature failed");
        });
    }

    /** The fastest of five rounds of {@code reps} calls of {@code call}, in ns per call. */
    static double bestNsPerCall(int reps, Runnable call) {
        return fastestNs(5, () -> {
            for (int i = 0; i < reps; i++) call.run();
        }) / (double) reps;
    }

    /** The fastest of {@code runs} runs of {@code run}, in ns. */
    static long fastestNs(int runs, Runnable run) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            run.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }

    /** A benchmark's proofs dispute right entries: any other verdict means the measurement is of the wrong path. */
    static void mustBeRight(FraudVerdict v) {
        if (!(v instanceof FraudVerdict.EntryRight)) {
            throw new IllegalStateException("a right entry was not judged right");
        }
    }

    private static byte[] random(SplittableRandom rnd, long size) {
        byte[] out = new byte[Math.toIntExact(size)];
        for (int i = 0; i < out.length; i++) out[i] = (byte) rnd.nextInt();
        return out;
    }
}
