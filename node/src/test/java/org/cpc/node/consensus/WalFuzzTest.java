package org.cpc.node.consensus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cpc.consensus.ConsensusInput;
import org.cpc.consensus.FileWal;
import org.cpc.consensus.Proposal;
import org.cpc.consensus.RecordFraming;
import org.cpc.consensus.Step;
import org.cpc.consensus.Timeout;
import org.cpc.consensus.Vote;
import org.cpc.consensus.VoteType;
import org.cpc.consensus.WalCodec;
import org.cpc.node.FuzzBlocks;
import org.cpc.protocol.fuzz.FuzzSeeds;
import org.cpc.protocol.types.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The consensus WAL as a node reads it on start-up ({@link FileWal} of {@link WalCodec} records with cpc blocks),
 * after a crash, a torn write or a damaged disk. The contract of a record: an input or an
 * {@link IllegalArgumentException}; an input re-encodes to one that decodes equal. The contract of a file: it opens,
 * dropping at most a torn last record (after which it opens again without a warning, with the same inputs), or
 * {@code open} throws an {@link IllegalStateException} naming the file and offset — nothing else.
 */
class WalFuzzTest {
    static final WalCodec<Block> CODEC = new WalCodec<>(BlockJson.CODEC);
    static final Path DIR;

    static {
        try {
            Path shm = Path.of("/dev/shm");
            DIR = Files.createTempDirectory(Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(
                    System.getProperty("java.io.tmpdir")), "cpc-fuzz-wal");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void record(byte[] payload) {
        ConsensusInput<Block> in;
        try {
            in = CODEC.decode(payload);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(CODEC.decode(CODEC.encode(in))).isEqualTo(in);
    }

    @FuzzTest
    void file(byte[] data) throws IOException {
        Path file = DIR.resolve("wal");
        Files.write(file, data);
        List<String> warnings = new ArrayList<>();
        List<ConsensusInput<Block>> inputs;
        try (FileWal<Block> wal = FileWal.open(file, CODEC, FileWal.DEFAULT_CAP_BYTES, warnings::add)) {
            inputs = wal.inputs();
        } catch (IllegalStateException corrupt) {
            assertThat(corrupt).hasMessageContaining(file.toString());
            return;
        }
        assertThat(warnings).hasSizeLessThanOrEqualTo(1);
        assertThat(Files.size(file)).isLessThanOrEqualTo(data.length);
        List<String> again = new ArrayList<>();
        try (FileWal<Block> wal = FileWal.open(file, CODEC, FileWal.DEFAULT_CAP_BYTES, again::add)) {
            assertThat(wal.inputs()).isEqualTo(inputs);
        }
        assertThat(again).isEmpty();
    }

    // ---- seed corpus ----

    static Map<String, byte[]> recordSeeds() {
        Block b = FuzzBlocks.block(3, true);
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("start", CODEC.encode(new ConsensusInput.Start<>(3, 1000)));
        s.put("proposal", CODEC.encode(new ConsensusInput.Received<>(new Proposal<>(3, 1, 0, b, "ab"))));
        s.put("vote", CODEC.encode(new ConsensusInput.Received<>(
                new Vote(VoteType.PREVOTE, 3, 1, b.hashHex(), FuzzBlocks.VALIDATOR, "cd"))));
        s.put("timeout", CODEC.encode(new ConsensusInput.TimeoutFired<>(new Timeout(Step.PRECOMMIT, 3, 2))));
        s.put("proposal-value", CODEC.encode(new ConsensusInput.ProposalValue<>(3, 1, b)));
        s.put("validity", CODEC.encode(new ConsensusInput.Validity<>(3, b.hashHex(), true)));
        s.put("timeout-bad-step", "{\"input\":\"timeout\",\"step\":\"commit\",\"height\":1,\"round\":0}".getBytes(UTF_8));
        s.put("validity-not-boolean", "{\"input\":\"validity\",\"height\":1,\"block_hash\":\"00\",\"valid\":1}".getBytes(UTF_8));
        s.put("unknown-input", "{\"input\":\"reboot\"}".getBytes(UTF_8));
        return s;
    }

    static Map<String, byte[]> fileSeeds() {
        List<byte[]> records = new ArrayList<>(recordSeeds().values()).subList(0, 6);
        byte[] whole = frames(records);
        byte[] second = frames(records.subList(0, 1));
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("one-height", whole);
        s.put("two-heights", frames(List.of(records.get(0), records.get(2), records.get(0))));
        s.put("torn-tail", Arrays.copyOf(whole, whole.length - 7));
        s.put("torn-header", cat(second, new byte[] {0, 0, 1}));
        byte[] badCrc = whole.clone();
        badCrc[second.length + 5] ^= 1;
        s.put("corrupt-middle", badCrc);
        s.put("undecodable", frames(List.of(records.get(0), "{\"input\":\"start\"}".getBytes(UTF_8))));
        s.put("huge-length", new byte[] {0x7f, 0, 0, 0, 0, 0, 0, 0, 1});
        return s;
    }

    static byte[] frames(List<byte[]> payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : payloads) out.writeBytes(RecordFraming.frame(p));
        return out.toByteArray();
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws IOException {
        FuzzSeeds.write(getClass(), "record", recordSeeds());
        FuzzSeeds.write(getClass(), "file", fileSeeds());
    }
}
