package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.cpc.compute.testing.Int8Matrices;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Merkle;
import org.cpc.protocol.crypto.MerkleTree;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.junit.jupiter.api.Test;

class FraudProofTest {
    private static final String TASK = "0b1f6a52-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

    /** A task with its inputs, and job outputs that may be tampered with before they are committed. */
    private record Fixture(JsonNode payload, byte[] a, byte[] b, byte[] c, int n, int rowsPerJob) {
        static Fixture of(long seed, int m, int k, int n, int rowsPerJob) {
            Random rnd = new Random(seed);
            byte[] a = Int8Matrices.randomMatrix(rnd, m, k);
            byte[] b = Int8Matrices.randomMatrix(rnd, k, n);
            JsonNode p = MatmulChallenge.payload(MemorySegment.ofArray(a), MemorySegment.ofArray(b), m, k, n, rowsPerJob);
            MatmulChallenge.INSTANCE.validatePayload(p);
            return new Fixture(p, a, b, Int8Matrices.product(a, b, m, k, n), n, rowsPerJob);
        }

        BlobSource blobs() {
            return h -> MemorySegment.ofArray(h.equals(payload.get("a").textValue()) ? a : b);
        }

        byte[] output(int job) {
            int rowBytes = 4 * n;
            int from = job * rowsPerJob * rowBytes;
            return Arrays.copyOfRange(c, from, Math.min(c.length, from + rowsPerJob * rowBytes));
        }

        String resultHash(int job, byte[] output) {
            return Hex.encode(MatmulChallenge.INSTANCE.resultHash(payload, job, output));
        }

        FraudProof proof(int job, int row, int col, byte[] output) {
            return FraudProofBuilder.build(TASK, payload, job, row, col, blobs(), output);
        }
    }

    private static void setEntry(byte[] output, int localRow, int col, int n, int value) {
        ByteBuffer.wrap(output).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * (localRow * n + col), value);
    }

    @Test
    void aRightEntryIsRightAndAWrongOneIsWrong() {
        Fixture f = Fixture.of(1, 37, 29, 23, 10);
        byte[] out = f.output(1);
        FraudVerdict right = FraudProofVerifier.verify(f.proof(1, 12, 5, out), f.payload(), f.resultHash(1, out));
        int expected = ByteBuffer.wrap(f.c()).order(ByteOrder.LITTLE_ENDIAN).getInt(4 * (12 * 23 + 5));
        assertThat(right).isEqualTo(new FraudVerdict.EntryRight(expected));

        byte[] bad = out.clone();
        setEntry(bad, 2, 5, 23, expected + 1); // row 12 is the job's third
        String committed = f.resultHash(1, bad); // what a lying worker signs and its PoC validator put on L1
        FraudProof proof = f.proof(1, 12, 5, bad);
        assertThat(FraudProofVerifier.verify(proof, f.payload(), committed))
                .isEqualTo(new FraudVerdict.EntryWrong(expected + 1, expected));
        // Another entry of the same wrong output is right, and the proof of the wrong one survives JSON.
        assertThat(FraudProofVerifier.verify(f.proof(1, 12, 6, bad), f.payload(), committed))
                .isInstanceOf(FraudVerdict.EntryRight.class);
        FraudProof again = FraudProof.fromJson(Json.parse(Jcs.canonicalize(proof.toJson())));
        assertThat(FraudProofVerifier.verify(again, f.payload(), committed)).isInstanceOf(FraudVerdict.EntryWrong.class);
        // The last job is shorter (rows 30..36).
        byte[] last = f.output(3);
        assertThat(FraudProofVerifier.verify(f.proof(3, 36, 22, last), f.payload(), f.resultHash(3, last)))
                .isInstanceOf(FraudVerdict.EntryRight.class);
    }

    @Test
    void everyTamperedPartIsMalformedWithItsReason() {
        Fixture f = Fixture.of(2, 37, 29, 23, 10);
        byte[] out = f.output(1);
        String hash = f.resultHash(1, out);
        FraudProof p = f.proof(1, 12, 5, out);
        assertMalformed(p, f, hash, o -> flip(o, "a_row"), "a_path does not lead from a_row");
        assertMalformed(p, f, hash, o -> flip(o, "b_col"), "b_path does not lead from b_col");
        assertMalformed(p, f, hash, o -> flipPath(o, "a_path"), "a_path does not lead");
        assertMalformed(p, f, hash, o -> flipPath(o, "b_path"), "b_path does not lead");
        assertMalformed(p, f, hash, o -> flipPath(o, "row_path"), "does not lead to the job's result_hash");
        assertMalformed(p, f, hash, o -> flip(o, "c_chunk"), "does not lead to the job's result_hash");
        assertMalformed(p, f, hash, o -> ((ArrayNode) o.get("a_path")).remove(0), "a_path does not lead");
        assertMalformed(p, f, hash, o -> ((ArrayNode) o.get("row_path")).add("00".repeat(32)), "result_hash");
        assertMalformed(p, f, hash, o -> ((ArrayNode) o.get("chunk_path")).add("00".repeat(32)), "chunk_path has 1 hashes");
        assertMalformed(p, f, hash, o -> o.put("row", 11), "a_path does not lead"); // a leaf moved is a path broken
        assertMalformed(p, f, hash, o -> o.put("row", 20), "row 20 is not computed by job 1 (rows 10..19)");
        assertMalformed(p, f, hash, o -> o.put("job", 4), "job 4 is not a job of the task (it has 4)");
        assertMalformed(p, f, hash, o -> o.put("col", 23), "col 23 is not a column of C (n = 23)");
        assertMalformed(p, f, hash, o -> o.put("a_row", "00".repeat(28)), "a_row is 28 bytes; k = 29");
        assertMalformed(p, f, hash, o -> o.put("c_chunk", "00".repeat(88)), "c_chunk is 88 bytes; chunk 0 of a row of 23 int32 is 92");
        // The right proof against another job's hash, or a payload with other roots.
        assertThat(FraudProofVerifier.verify(p, f.payload(), f.resultHash(0, f.output(0))).reason())
                .contains("does not lead to the job's result_hash");
        ObjectNode other = ((ObjectNode) f.payload().deepCopy()).put("a_root", "11".repeat(32));
        assertThat(FraudProofVerifier.verify(p, other, hash).reason()).contains("a_path");
        assertThat(FraudProofVerifier.verify(p, Json.object().put("m", 1), hash).reason()).contains("not a valid matmul task");
    }

    @Test
    void rowsLongerThanAChunkAreCommittedChunkByChunk() {
        int n = 2500; // 10,000 bytes a row: chunks of 4096, 4096 and 1808 bytes
        Fixture f = Fixture.of(3, 6, 7, n, 4);
        assertThat(TraceCommitment.chunks(n)).isEqualTo(3);
        byte[] out = f.output(1); // rows 4..5
        String hash = f.resultHash(1, out);
        for (int col : new int[] {0, 1023, 1024, 2047, 2048, 2499}) {
            FraudProof p = f.proof(1, 5, col, out);
            assertThat(p.cChunk()).hasSize(col < 2048 ? 4096 : 1808);
            assertThat(p.chunkPath()).hasSize(Merkle.pathLength(col / 1024, 3));
            assertThat(FraudProofVerifier.verify(p, f.payload(), hash)).isInstanceOf(FraudVerdict.EntryRight.class);
        }
        byte[] bad = out.clone();
        setEntry(bad, 0, 2400, n, 7);
        FraudVerdict v = FraudProofVerifier.verify(f.proof(1, 4, 2400, bad), f.payload(), f.resultHash(1, bad));
        assertThat(v).isInstanceOf(FraudVerdict.EntryWrong.class);
        assertThat(((FraudVerdict.EntryWrong) v).claimed()).isEqualTo(7);
        FraudProof p = f.proof(1, 5, 1500, out);
        assertMalformed(p, f, hash, o -> flipPath(o, "chunk_path"), "does not lead to the job's result_hash");
        assertMalformed(p, f, hash, o -> ((ArrayNode) o.get("chunk_path")).remove(0), "chunk_path has 1 hashes; chunk 1 of 3 takes 2");
        assertMalformed(p, f, hash, o -> o.put("col", 2100), "c_chunk is 4096 bytes; chunk 2 of a row of 2500 int32 is 1808");
        // The chunk tree is the row's hash: a row of one chunk is an ordinary RFC 6962 leaf.
        byte[] row = Arrays.copyOfRange(out, 0, 4 * n);
        assertThat(TraceCommitment.rowHash(out, 0, n)).isEqualTo(Merkle.root(List.of(Arrays.copyOfRange(row, 0, 4096),
                Arrays.copyOfRange(row, 4096, 8192), Arrays.copyOfRange(row, 8192, 10_000))));
        byte[] small = new byte[4 * 1024];
        assertThat(TraceCommitment.rowHash(small, 0, 1024)).isEqualTo(Merkle.leafHash(small));
    }

    @Test
    void theRootsAreTheRowsOfAAndTheColumnsOfB() {
        Fixture f = Fixture.of(4, 5, 3, 4, 5);
        List<byte[]> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) rows.add(Arrays.copyOfRange(f.a(), 3 * i, 3 * i + 3));
        List<byte[]> cols = new ArrayList<>();
        for (int j = 0; j < 4; j++) cols.add(new byte[] {f.b()[j], f.b()[4 + j], f.b()[8 + j]});
        assertThat(f.payload().get("a_root").textValue()).isEqualTo(Hex.encode(Merkle.root(rows)));
        assertThat(f.payload().get("b_root").textValue()).isEqualTo(Hex.encode(Merkle.root(cols)));
        // Wider than one gathering block of columns.
        Fixture wide = Fixture.of(5, 2, 3, 300, 2);
        List<byte[]> wcols = new ArrayList<>();
        for (int j = 0; j < 300; j++) wcols.add(new byte[] {wide.b()[j], wide.b()[300 + j], wide.b()[600 + j]});
        assertThat(wide.payload().get("b_root").textValue()).isEqualTo(Hex.encode(Merkle.root(wcols)));
        assertThatThrownBy(() -> MatmulChallenge.INSTANCE.resultHash(f.payload(), 0, new byte[12]))
                .hasMessageContaining("expected 80");
    }

    @Test
    void malformedJsonIsRefusedNamingTheField() {
        Fixture f = Fixture.of(6, 8, 4, 4, 4);
        ObjectNode good = f.proof(0, 1, 1, f.output(0)).toJson();
        assertThatThrownBy(() -> FraudProof.fromJson(good.deepCopy().put("extra", 1))).hasMessageContaining("unknown field 'extra'");
        assertThatThrownBy(() -> FraudProof.fromJson(good.deepCopy().put("task_id", "x"))).hasMessageContaining("task_id");
        assertThatThrownBy(() -> FraudProof.fromJson(good.deepCopy().put("row", 65_536))).hasMessageContaining("row must be at most 65535");
        assertThatThrownBy(() -> FraudProof.fromJson(good.deepCopy().put("a_row", "0".repeat(2 * 16_385))))
                .hasMessageContaining("a_row must be 1 to 16384 bytes");
        assertThatThrownBy(() -> FraudProof.fromJson(good.deepCopy().put("c_chunk", "00".repeat(6))))
                .hasMessageContaining("whole int32");
        ObjectNode longPath = good.deepCopy();
        ArrayNode path = longPath.putArray("b_path");
        for (int i = 0; i < 17; i++) path.add("00".repeat(32));
        assertThatThrownBy(() -> FraudProof.fromJson(longPath)).hasMessageContaining("b_path must be an array of at most 16");
        ObjectNode shortHash = good.deepCopy();
        shortHash.putArray("row_path").add("00");
        assertThatThrownBy(() -> FraudProof.fromJson(shortHash)).hasMessageContaining("row_path[0] must be 32 bytes");
    }

    /**
     * The largest task allowed: m = n = 65,536, k = 16,384 (A and B 1 GiB each), one job of every row, a row of C
     * 64 chunks. Its inputs are constant (every row of A alike, every column of B alike) so that its trees can be
     * built from one leaf hash each; the proof has the largest size any proof can have and must fit a transaction.
     */
    @Test
    void theProofOfTheLargestTaskFitsATransaction() {
        int m = MatmulChallenge.MAX_DIM, k = MatmulChallenge.MAX_K, n = MatmulChallenge.MAX_DIM;
        Random rnd = new Random(9);
        byte[] aRow = new byte[k];
        byte[] bCol = new byte[k];
        rnd.nextBytes(aRow);
        rnd.nextBytes(bCol);
        int value = FraudProofVerifier.dot(aRow, bCol);
        MerkleTree aTree = same(Merkle.leafHash(aRow), m);
        MerkleTree bTree = same(Merkle.leafHash(bCol), n);
        byte[] chunk = new byte[TraceCommitment.CHUNK_BYTES];
        for (int e = 0; e < TraceCommitment.CHUNK_ENTRIES; e++) setEntry(chunk, 0, e, TraceCommitment.CHUNK_ENTRIES, value);
        MerkleTree chunkTree = same(Merkle.leafHash(chunk), TraceCommitment.chunks(n));
        MerkleTree rowTree = same(chunkTree.root(), m);
        ObjectNode payload = Json.object().put("a", "aa".repeat(32)).put("b", "bb".repeat(32))
                .put("a_root", Hex.encode(aTree.root())).put("b_root", Hex.encode(bTree.root()))
                .put("m", m).put("k", k).put("n", n).put("rows_per_job", m);
        int row = m - 2, col = n - 2; // paths of full length
        FraudProof p = new FraudProof(TASK, 0, row, col, aRow, aTree.auditPath(row), bCol, bTree.auditPath(col), chunk,
                chunkTree.auditPath(col / TraceCommitment.CHUNK_ENTRIES), rowTree.auditPath(row));
        String hash = Hex.encode(rowTree.root());
        assertThat(FraudProofVerifier.verify(p, payload, hash)).isEqualTo(new FraudVerdict.EntryRight(value));
        assertThat(p.aPath()).hasSize(FraudProof.MAX_PATH);
        assertThat(p.chunkPath()).hasSize(FraudProof.MAX_CHUNK_PATH);

        byte[] json = Jcs.canonicalize(p.toJson());
        assertThat(json.length).isLessThanOrEqualTo(FraudProof.MAX_JSON_BYTES);
        fitsATransaction(p.toJson());
        assertThat(FraudProof.fromJson(Json.parse(json)).aRow()).isEqualTo(aRow);
    }

    /** A FRAUD_PROOF carrying {@code proof}, signed, with every number at its widest, fits max_tx_bytes on every network. */
    static void fitsATransaction(ObjectNode proof) {
        AccountKey key = AccountKey.of(Secp256k1.randomPrivateKey());
        for (String network : List.of("devnet", "testnet", "mainnet")) {
            NetworkParams params = NetworkParams.named(network);
            Transaction unsigned = new Transaction(params.chainId(), TxType.FRAUD_PROOF, key.address(), null,
                    BigInteger.ZERO, BigInteger.TEN.pow(18), Long.MAX_VALUE >> 11, Long.MAX_VALUE >> 11,
                    Long.MAX_VALUE >> 11, 4_000_000_000L, Hex.encode(key.publicKey()), proof, null);
            Transaction signed = unsigned.withSignature(Hex.encode(key.sign(unsigned.hash())));
            assertThat(signed.encodedSize()).as(network).isLessThanOrEqualTo((int) params.maxTxBytes());
        }
    }

    /** A tree of {@code size} equal leaves (one array shared: the tree only reads it). */
    private static MerkleTree same(byte[] leafHash, int size) {
        byte[][] leaves = new byte[size][];
        Arrays.fill(leaves, leafHash);
        return new MerkleTree(leaves);
    }

    private static void assertMalformed(FraudProof p, Fixture f, String hash, Consumer<ObjectNode> tamper, String reason) {
        ObjectNode o = p.toJson();
        tamper.accept(o);
        FraudVerdict v = FraudProofVerifier.verify(FraudProof.fromJson(o), f.payload(), hash);
        assertThat(v).isInstanceOf(FraudVerdict.Malformed.class);
        assertThat(v.reason()).contains(reason);
    }

    private static void flip(ObjectNode o, String field) {
        byte[] b = Hex.decode(o.get(field).textValue());
        b[b.length / 2] ^= 1;
        o.put(field, Hex.encode(b));
    }

    private static void flipPath(ObjectNode o, String field) {
        ArrayNode a = (ArrayNode) o.get(field);
        byte[] h = Hex.decode(a.get(0).textValue());
        h[0] ^= 1;
        a.set(0, Hex.encode(h));
    }
}
