package org.cpc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cpc.consensus.ConsensusInput;
import org.cpc.consensus.FileSignStateStore;
import org.cpc.consensus.FileWal;
import org.cpc.consensus.GuardedSigner;
import org.cpc.consensus.MessageCodec;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.SignBytes;
import org.cpc.consensus.Signer;
import org.cpc.consensus.Vote;
import org.cpc.consensus.VoteType;
import org.cpc.consensus.WalCodec;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.crypto.Sha256;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What consensus crash safety costs a validator (docs/performance.md): an ML-DSA-65 vote signature alone and
 * through the double-sign guard (one appended, fsynced record), and a WAL append with and without its fsync. Files
 * go to a temp dir, so the figures are the disk's fsync latency plus the work.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Threads(1)
public class CrashSafetyBench extends JmhDefaults {
    /** Blocks do not matter here: the WAL records are votes. */
    private static final MessageCodec.BlockCodec<String> TEXT = new MessageCodec.BlockCodec<>() {
        @Override
        public String hashHex(String b) {
            return Hex.encode(Sha256.hash(b.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public JsonNode toJson(String b) {
            return TextNode.valueOf(b);
        }

        @Override
        public String fromJson(JsonNode n) {
            return n.textValue();
        }
    };

    private Path dir;
    private Signer raw;
    private GuardedSigner guarded;
    private FileWal<String> wal;
    private ConsensusInput<String> vote;
    private long height;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("cpc-crash-bench");
        KeyPair kp = MlDsa.generateKeyPair();
        raw = MlDsaSignatures.signer("cpcvalcons1bench", kp.getPrivate());
        guarded = new GuardedSigner(raw, new FileSignStateStore(dir.resolve("priv_validator_state.log"), w -> {}), e -> {});
        wal = FileWal.open(dir.resolve("wal"), new WalCodec<>(TEXT), Long.MAX_VALUE, w -> {});
        wal.newHeight(new ConsensusInput.Start<>(1, 0), List.of());
        Vote v = new Vote(VoteType.PREVOTE, 1, 0, null, "cpcvalcons1peer", "ab".repeat(MlDsa.SIGNATURE_LENGTH));
        vote = new ConsensusInput.Received<>(v);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        wal.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private byte[] nextVote() {
        return SignBytes.vote("cpc-bench", VoteType.PREVOTE, ++height, 0, null, "cpcvalcons1bench");
    }

    @Benchmark
    public String voteSignatureAlone() {
        return raw.sign(nextVote());
    }

    /** One signature made durable on its own, as when a vote is the only signature an input produces. */
    @Benchmark
    public String voteSignatureGuarded() {
        String sig = guarded.sign(nextVote());
        guarded.sync();
        return sig;
    }

    /**
     * A lone validator's height: proposal, prevote and precommit come from one input and are made durable by one
     * fsync before the first leaves.
     */
    @Benchmark
    public String threeSignaturesOneSync() {
        long h = ++height;
        String chain = "cpc-bench";
        String p = guarded.sign(SignBytes.proposal(chain, h, 0, -1, HASH));
        guarded.sign(SignBytes.vote(chain, VoteType.PREVOTE, h, 0, HASH, "cpcvalcons1bench"));
        guarded.sign(SignBytes.vote(chain, VoteType.PRECOMMIT, h, 0, HASH, "cpcvalcons1bench"));
        guarded.sync();
        return p;
    }

    private static final String HASH = "ab".repeat(32);

    /** A new height now and then keeps the file bounded (past FileWal.ROTATE_BYTES it replaces the file); amortised, it is noise. */
    private void bound() {
        if (wal.size() > 16 * 1024 * 1024) wal.newHeight(new ConsensusInput.Start<>(1, 0), List.of());
    }

    @Benchmark
    public boolean walAppendVote() {
        bound();
        return wal.append(vote);
    }

    @Benchmark
    public void walAppendVoteAndFsync() {
        bound();
        wal.append(vote);
        wal.sync();
    }
}
