package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.cpc.consensus.sim.SimBlock;
import org.cpc.consensus.sim.SimKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAL's record codec and framing, and the file: round trips, torn tails, corruption, the cap. */
class WalTest {
    static final WalCodec<SimBlock> CODEC = new WalCodec<>(MessageCodecTest.SIM_BLOCKS);
    static final SimKeys KEYS = new SimKeys(1, List.of("cpcvalcons1v0", "cpcvalcons1v1"));
    static final SimBlock BLOCK = new SimBlock(3, "0".repeat(64), "cpcvalcons1v1", 2, List.of(1L, 2L, 3L));

    @TempDir
    Path tmp;

    static List<ConsensusInput<SimBlock>> samples() {
        Vote v = new Vote(VoteType.PRECOMMIT, 3, 2, BLOCK.hashHex(), "cpcvalcons1v0", null);
        v = v.withSignature(KEYS.signer("cpcvalcons1v0").sign(SignBytes.vote("c", v)));
        Vote nil = new Vote(VoteType.PREVOTE, 3, 1, null, "cpcvalcons1v1", "ab");
        CommitCertificate cert = new CommitCertificate(3, 2, BLOCK.hashHex(), List.of(new CommitSignature("cpcvalcons1v0", "cd")));
        return List.of(
                new ConsensusInput.Start<>(3, 1000),
                new ConsensusInput.Received<>(new Proposal<>(3, 2, 1, BLOCK, "ef")),
                new ConsensusInput.Received<>(v),
                new ConsensusInput.Received<>(nil),
                new ConsensusInput.Received<>(new Decision<>(3, BLOCK, cert)),
                new ConsensusInput.TimeoutFired<>(new Timeout(Step.NEW_HEIGHT, 3, 0)),
                new ConsensusInput.TimeoutFired<>(new Timeout(Step.PRECOMMIT, 3, 7)),
                new ConsensusInput.ProposalValue<>(3, 4, BLOCK),
                new ConsensusInput.Validity<>(3, BLOCK.hashHex(), false));
    }

    @Test
    void everyInputKindRoundTrips() {
        for (ConsensusInput<SimBlock> in : samples()) assertThat(CODEC.decode(CODEC.encode(in))).isEqualTo(in);
    }

    @Test
    void decodingIsStrict() {
        assertThatThrownBy(() -> CODEC.decode("{\"input\":\"start\",\"height\":1}".getBytes()))
                .hasMessageContaining("delay_ms");
        assertThatThrownBy(() -> CODEC.decode("{\"input\":\"start\",\"height\":1,\"delay_ms\":0,\"x\":1}".getBytes()))
                .hasMessageContaining("x");
        assertThatThrownBy(() -> CODEC.decode("{\"input\":\"reboot\"}".getBytes())).hasMessageContaining("reboot");
    }

    static byte[] framed(List<byte[]> payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : payloads) out.writeBytes(RecordFraming.frame(p));
        return out.toByteArray();
    }

    @Provide
    Arbitrary<List<byte[]>> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300).list().ofMaxSize(20);
    }

    @Property(tries = 300)
    void framingRoundTripsAndAnyCutLosesOnlyTheLastRecord(@ForAll("payloads") List<byte[]> records,
            @ForAll("cutFraction") double cutFraction) {
        byte[] data = framed(records);
        RecordFraming.Scan all = RecordFraming.scan(data, "wal", 1024);
        assertThat(all.records()).hasSize(records.size());
        for (int i = 0; i < records.size(); i++) assertThat(all.records().get(i)).isEqualTo(records.get(i));
        assertThat(all.tornTail()).isNull();
        assertThat(all.validLength()).isEqualTo(data.length);

        // A crash mid-append: any prefix reads as the whole records before the cut, the rest reported torn.
        int cut = (int) Math.floor(cutFraction * data.length);
        byte[] prefix = java.util.Arrays.copyOf(data, cut);
        RecordFraming.Scan torn = RecordFraming.scan(prefix, "wal", 1024);
        int whole = 0;
        long end = 0;
        for (byte[] r : records) {
            if (end + RecordFraming.HEADER + r.length > cut) break;
            end += RecordFraming.HEADER + r.length;
            whole++;
        }
        assertThat(torn.records()).hasSize(whole);
        assertThat(torn.validLength()).isEqualTo(end);
        assertThat(torn.tornTail() == null).isEqualTo(end == cut);
    }

    @Provide
    Arbitrary<Double> cutFraction() {
        return Arbitraries.doubles().between(0, 1);
    }

    @Test
    void aBadChecksumBeforeTheEndIsCorruptionNamingTheOffset() {
        byte[] data = framed(List.of(new byte[] {1, 2, 3}, new byte[] {4, 5}, new byte[] {6}));
        data[RecordFraming.HEADER + 3 + RecordFraming.HEADER] ^= 1; // first payload byte of the second record
        assertThatThrownBy(() -> RecordFraming.scan(data, "/x/wal", 1024)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/x/wal").hasMessageContaining("offset 11");
        byte[] last = framed(List.of(new byte[] {1, 2, 3}, new byte[] {4, 5}));
        last[last.length - 1] ^= 1; // the last record: a torn write, not corruption
        assertThat(RecordFraming.scan(last, "wal", 1024).records()).hasSize(1);
        byte[] huge = framed(List.of(new byte[] {1}, new byte[2000], new byte[] {2}));
        assertThatThrownBy(() -> RecordFraming.scan(huge, "wal", 1024)).hasMessageContaining("length 2000");
    }

    @Test
    void fileKeepsInputsAcrossReopenDropsATornTailAndStartsHeightsAfresh() throws Exception {
        Path f = tmp.resolve("consensus/wal");
        List<String> warnings = new ArrayList<>();
        List<ConsensusInput<SimBlock>> in = samples();
        try (FileWal<SimBlock> wal = FileWal.open(f, CODEC, FileWal.DEFAULT_CAP_BYTES, warnings::add)) {
            wal.newHeight((ConsensusInput.Start<SimBlock>) in.getFirst(), List.of());
            for (ConsensusInput<SimBlock> i : in.subList(1, in.size())) assertThat(wal.append(i)).isTrue();
            wal.sync();
        }
        long full = Files.size(f);
        Files.write(f, java.util.Arrays.copyOf(Files.readAllBytes(f), (int) full - 5)); // crash mid-append
        try (FileWal<SimBlock> wal = FileWal.open(f, CODEC, FileWal.DEFAULT_CAP_BYTES, warnings::add)) {
            assertThat(warnings).singleElement().asString().contains(f.toString()).contains("dropping");
            assertThat(wal.inputs()).isEqualTo(in.subList(0, in.size() - 1));
            assertThat(wal.append(in.getLast())).isTrue(); // appends after the good prefix
            assertThat(wal.inputs()).isEqualTo(in);
            Vote buffered = new Vote(VoteType.PREVOTE, 4, 0, null, "cpcvalcons1v1", "ab");
            wal.newHeight(new ConsensusInput.Start<>(4, 40), List.of(buffered));
            assertThat(wal.inputs()).containsExactly(new ConsensusInput.Start<>(4, 40),
                    new ConsensusInput.Received<>(buffered));
            assertThat(Files.size(f)).as("a small file: the new height is appended").isGreaterThan(full);
        }
        try (FileWal<SimBlock> wal = FileWal.open(f, CODEC, FileWal.DEFAULT_CAP_BYTES, warnings::add)) {
            assertThat(wal.inputs()).first().isEqualTo(new ConsensusInput.Start<>(4, 40));
            assertThat(wal.inputs()).hasSize(2);
            // Past the rotation size a new height replaces the file.
            ConsensusInput<SimBlock> big = new ConsensusInput.ProposalValue<>(4, 0,
                    new SimBlock(4, "0".repeat(64), "v", 0, java.util.Collections.nCopies(1000, 1234567890123L)));
            while (Files.size(f) < FileWal.ROTATE_BYTES) wal.append(big);
            wal.newHeight(new ConsensusInput.Start<>(5, 40), List.of());
            assertThat(Files.size(f)).isLessThan(100);
            assertThat(wal.inputs()).containsExactly(new ConsensusInput.Start<>(5, 40));
        }
    }

    @Test
    void corruptionInsideTheFileFailsTheOpen() throws Exception {
        Path f = tmp.resolve("wal");
        try (FileWal<SimBlock> wal = FileWal.open(f, CODEC, FileWal.DEFAULT_CAP_BYTES, w -> {})) {
            wal.newHeight(new ConsensusInput.Start<>(3, 0), List.of());
            for (ConsensusInput<SimBlock> i : samples().subList(1, 4)) wal.append(i);
        }
        byte[] data = Files.readAllBytes(f);
        data[RecordFraming.HEADER + 2] ^= 0x20; // inside the start record
        Files.write(f, data);
        assertThatThrownBy(() -> FileWal.open(f, CODEC, FileWal.DEFAULT_CAP_BYTES, w -> {}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(f.toString()).hasMessageContaining("offset 0");
    }

    static long recordSize(ConsensusInput<SimBlock> in) {
        return RecordFraming.HEADER + CODEC.encode(in).length;
    }

    @Test
    void atTheCapPeersMessagesAreRefusedButOwnInputsAreKept() {
        List<ConsensusInput<SimBlock>> in = samples();
        long cap = recordSize(in.get(0)) + recordSize(in.get(3)) + 10;
        List<String> warnings = new ArrayList<>();
        try (FileWal<SimBlock> wal = FileWal.open(tmp.resolve("wal"), CODEC, cap, warnings::add)) {
            wal.newHeight((ConsensusInput.Start<SimBlock>) in.get(0), List.of());
            assertThat(wal.append(in.get(1))).as("a proposal past the cap").isFalse();
            assertThat(wal.append(in.get(3))).as("a small vote still fits").isTrue();
            long size = wal.size();
            assertThat(wal.append(in.get(2))).as("a signed vote does not").isFalse();
            assertThat(wal.size()).isEqualTo(size);
            assertThat(wal.append(in.get(4))).as("a decision (the driver applies it unlogged)").isFalse();
            assertThat(wal.append(in.get(6))).as("a timeout").isTrue();
            assertThat(wal.append(in.get(7))).as("an own proposal value").isTrue();
            assertThat(wal.append(in.get(8))).as("a validity answer").isTrue();
            assertThat(wal.inputs()).containsExactly(in.get(0), in.get(3), in.get(6), in.get(7), in.get(8));
            assertThat(warnings).singleElement().asString().contains("cap");
        }
    }
}
