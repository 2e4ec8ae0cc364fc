package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;
import org.cpc.compute.Verification;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;

/**
 * A customer's matrix product: payload {@code {"a","b","a_root","b_root","m","k","n","rows_per_job"}} where {@code a}
 * and {@code b} are blob hashes (SHA-256 of the bytes) of int8 row-major matrices A (m×k) and B (k×n), and
 * {@code a_root}, {@code b_root} their {@link TraceCommitment}s (rows of A, columns of B); the result C (m×n) is int32
 * little-endian row-major. Job j computes rows [j·rows_per_job, min(m, (j+1)·rows_per_job)) of C; its output is
 * those rows, rows·n·4 bytes, its result_hash their row root, and the task result is the outputs concatenated in
 * job order, i.e. C. Jobs are verified by {@link Freivalds}' check; a job wrongly accepted can be disputed entry by
 * entry ({@link FraudProofVerifier}).
 */
public final class MatmulChallenge implements ChallengeType {
    public static final MatmulChallenge INSTANCE = new MatmulChallenge();
    static final List<String> FIELDS = List.of("a", "b", "a_root", "b_root", "m", "k", "n", "rows_per_job");
    /** Largest dimension accepted; bounds blob sizes and a job's memory. */
    public static final int MAX_DIM = 65_536;
    /**
     * Largest inner dimension k: a fraud proof carries a row of A and a column of B whole (k bytes each, as hex), and
     * must fit one transaction ({@code max_tx_bytes}, 128 KiB); see {@link FraudProof#MAX_JSON_BYTES}.
     */
    public static final int MAX_K = 16_384;
    /** Largest input matrix in bytes (A or B): 1 GiB. */
    public static final long MAX_INPUT_BYTES = 1L << 30;
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private MatmulChallenge() {}

    @Override
    public String name() {
        return "matmul";
    }

    @Override
    public void validatePayload(JsonNode payload) {
        Payloads.onlyFields(payload, name(), FIELDS);
        Payloads.hashes(payload, name(), "a", "b", "a_root", "b_root");
        long m = Payloads.integer(payload, name(), "m", 1, MAX_DIM);
        long k = Payloads.integer(payload, name(), "k", 1, MAX_K);
        long n = Payloads.integer(payload, name(), "n", 1, MAX_DIM);
        long rows = Payloads.integer(payload, name(), "rows_per_job", 1, MAX_DIM);
        if (m * k > MAX_INPUT_BYTES || k * n > MAX_INPUT_BYTES) {
            throw new IllegalArgumentException("matmul inputs are limited to " + MAX_INPUT_BYTES + " bytes each (m·k, k·n)");
        }
        if (Math.ceilDiv(m, rows) > MAX_JOBS) {
            throw new IllegalArgumentException("matmul payload splits into " + Math.ceilDiv(m, rows) + " jobs; at most "
                    + MAX_JOBS + " (raise rows_per_job)");
        }
    }

    @Override
    public int jobCount(JsonNode payload) {
        return (int) Math.ceilDiv(payload.get("m").longValue(), payload.get("rows_per_job").longValue());
    }

    /** A payload's fields, read once it is valid. */
    record Shape(String a, String b, String aRoot, String bRoot, int m, int k, int n, int rowsPerJob)
            implements JobSplit {
        static Shape of(JsonNode p) {
            return new Shape(p.get("a").textValue(), p.get("b").textValue(), p.get("a_root").textValue(),
                    p.get("b_root").textValue(), p.get("m").intValue(), p.get("k").intValue(), p.get("n").intValue(),
                    p.get("rows_per_job").intValue());
        }

        @Override
        public int items() {
            return m;
        }

        @Override
        public int perJob() {
            return rowsPerJob;
        }
    }

    @Override
    public List<String> inputBlobs(JsonNode payload) {
        return Payloads.blobs(payload, "a", "b");
    }

    @Override
    public void checkInputs(JsonNode payload, ToLongFunction<String> blobSize) {
        Shape s = Shape.of(payload);
        need(blobSize, "a", s.a(), (long) s.m() * s.k(), s.m() + "×" + s.k());
        need(blobSize, "b", s.b(), (long) s.k() * s.n(), s.k() + "×" + s.n());
    }

    /** The PoC validator takes the task only if a_root and b_root are the roots of the blobs it holds. */
    @Override
    public void checkInputContents(JsonNode payload, BlobSource blobs) {
        Shape s = Shape.of(payload);
        String a = Hex.encode(TraceCommitment.aRoot(blobs.blob(s.a()), s.m(), s.k()));
        if (!a.equals(s.aRoot())) {
            throw new IllegalArgumentException("matmul payload.a_root is " + s.aRoot() + ", but the rows of blob a have"
                    + " the root " + a + " (RFC 6962 over the m rows of A, k bytes each: see docs/protocol.md)");
        }
        String b = Hex.encode(TraceCommitment.bRoot(blobs.blob(s.b()), s.k(), s.n()));
        if (!b.equals(s.bRoot())) {
            throw new IllegalArgumentException("matmul payload.b_root is " + s.bRoot() + ", but the columns of blob b"
                    + " have the root " + b + " (RFC 6962 over the n columns of B, k bytes each: see docs/protocol.md)");
        }
    }

    /**
     * A payload for inputs at hand: their blob hashes and trace roots computed here ({@code cpc task create}, tests).
     * The caller's sizes must match the matrices'.
     */
    public static ObjectNode payload(MemorySegment a, MemorySegment b, int m, int k, int n, int rowsPerJob) {
        ObjectNode p = Json.object();
        p.put("a", sha256(a));
        p.put("b", sha256(b));
        p.put("a_root", Hex.encode(TraceCommitment.aRoot(a, m, k)));
        p.put("b_root", Hex.encode(TraceCommitment.bRoot(b, k, n)));
        p.put("m", m);
        p.put("k", k);
        p.put("n", n);
        p.put("rows_per_job", rowsPerJob);
        return p;
    }

    private static String sha256(MemorySegment s) {
        MessageDigest d = Sha256.newDigestCached();
        d.update(s.asByteBuffer());
        return Hex.encode(d.digest());
    }

    /** The row root of the job's output (a wrong-sized output has none: the caller refuses it). */
    @Override
    public byte[] resultHash(JsonNode payload, int index, byte[] output) {
        Shape s = Shape.of(payload);
        String wrong = wrongSize(payload, index, output, rowsOfC(s, index));
        if (wrong != null) throw new IllegalArgumentException(wrong);
        return TraceCommitment.outputRoot(output, s.n());
    }

    /** What job {@code index}'s output is made of. */
    private static String rowsOfC(Shape s, int index) {
        return s.count(index) + " rows × " + s.n() + " int32";
    }

    private static void need(ToLongFunction<String> blobSize, String field, String hash, long bytes, String shape) {
        long size = blobSize.applyAsLong(hash);
        if (size < 0) throw Payloads.missingBlob("matmul", field, hash);
        if (size != bytes) {
            throw new IllegalArgumentException("matmul payload." + field + " is a blob of " + size + " bytes, but a "
                    + shape + " int8 matrix is " + bytes + " bytes");
        }
    }

    @Override
    public ObjectNode describeJob(JsonNode payload, int index) {
        return Shape.of(payload).describe(index, "row");
    }

    /** rows × k × n. */
    @Override
    public long jobMacs(JsonNode payload, int index) {
        Shape s = Shape.of(payload);
        return (long) s.count(index) * s.k() * s.n();
    }

    /** Freivalds: A_rows·(B·r) and C_rows·r, two rounds. */
    @Override
    public long verifyMacs(JsonNode payload, int index) {
        Shape s = Shape.of(payload);
        return 2L * s.count(index) * ((long) s.k() + s.n());
    }

    @Override
    public long maxOutputBytes(JsonNode payload, int index) {
        Shape s = Shape.of(payload);
        return 4L * s.count(index) * s.n();
    }

    @Override
    public byte[] execute(JsonNode payload, String taskId, int index, BlobSource blobs, GemmBackend gemm) {
        Shape s = Shape.of(payload);
        int rows = s.count(index);
        MemorySegment a = blobs.blob(s.a()).asSlice((long) s.first(index) * s.k(), (long) rows * s.k());
        MemorySegment b = blobs.blob(s.b());
        byte[] out = new byte[Math.toIntExact(4L * rows * s.n())];
        try (Arena arena = Arena.ofShared()) {
            MemorySegment c = arena.allocate(ValueLayout.JAVA_INT, (long) rows * s.n());
            gemm.gemm(a, b, c, rows, s.k(), s.n());
            MemorySegment.copy(c, ValueLayout.JAVA_INT, 0, MemorySegment.ofArray(out), LE_INT, 0, (long) rows * s.n());
        }
        return out;
    }

    @Override
    public JobVerifier verifier(JsonNode payload, String taskId, BlobSource blobs, RandomGenerator secret) {
        Shape s = Shape.of(payload);
        Freivalds f = new Freivalds(blobs.blob(s.a()), blobs.blob(s.b()), s.k(), s.n(), secret);
        return (index, output) -> {
            if (index < 0 || index >= jobCount(payload)) return Verification.failure("no job " + index);
            String wrong = wrongSize(payload, index, output, rowsOfC(s, index));
            if (wrong != null) return Verification.failure(wrong);
            int bad = f.check(s.first(index), s.count(index), output);
            return bad < 0 ? Verification.OK
                    : Verification.failure("row " + (s.first(index) + bad) + " of C fails Freivalds' check");
        };
    }

    @Override
    public byte[] mergePart(JsonNode payload, int index, byte[] output) {
        return output;
    }
}
