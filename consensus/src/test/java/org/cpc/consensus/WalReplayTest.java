package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.cpc.consensus.sim.SimApplication;
import org.cpc.consensus.sim.SimBlock;
import org.cpc.consensus.sim.SimKeys;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/**
 * Crash and restart of one validator among four, in a lossy, reordering network with a virtual clock. Validator 0
 * runs with the real pieces — a {@link FileWal} and a {@link GuardedSigner} over a {@link FileSignStateStore} — and
 * is "killed" at random moments: its machine and driver are thrown away (its committed chain, like the node's
 * RocksDB, survives) and rebuilt from the files. A clean crash (the WAL intact) must rebuild exactly the state it
 * had — height, round, step, lock and valid value; a crash that also loses the WAL's tail (harsher than a real
 * crash, which loses only what was never fsynced and so never sent) and the sign state's records written since its
 * last fsync (the signer writes each signature and fsyncs once before any leaves) must still never sign a
 * conflicting message.
 * Throughout, every proposal and vote validator 0 ever sends is recorded and must never conflict.
 */
class WalReplayTest {
    static final String CHAIN = "cpc-test";
    static final List<String> ADDR = List.of("cpcvalcons1v0", "cpcvalcons1v1", "cpcvalcons1v2", "cpcvalcons1v3");
    static final TimeoutConfig T = new TimeoutConfig(300, 100, 200, 50, 200, 50, 40);

    @TempDir
    Path tmp;

    record Delivery(int to, String from, ConsensusMessage m) {}

    record Timer(long at, long seq, int node, int generation, Timeout t) {}

    record State(long height, int round, Step step, int lockedRound, String lockedHash, int validRound, String validHash) {
        static State of(TendermintMachine<?> m) {
            return new State(m.height(), m.round(), m.step(), m.lockedRound(), m.lockedHash(), m.validRound(), m.validHash());
        }
    }

    SimKeys keys;
    ValidatorSet set;
    final List<Delivery> network = new ArrayList<>();
    final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    long now;
    long seq;
    final SimApplication[] apps = new SimApplication[4];
    @SuppressWarnings("unchecked")
    final ConsensusDriver<SimBlock>[] drivers = new ConsensusDriver[4];
    final int[] generation = new int[4];
    FileWal<SimBlock> wal;
    SyncTracking signState;
    /** What validator 0 sent, by (height, round, kind): the content must be unique. */
    final Map<String, String> sent = new HashMap<>();

    Path dir;

    @Test
    void aRestartedValidatorResumesItsLockAndNeverSignsAConflictingMessage() {
        int locked = 0;
        for (long seed = 1; seed <= 8; seed++) locked += run(seed);
        assertThat(locked).as("crashes while locked, over all seeds").isGreaterThan(5);
    }

    /** One run; returns how many crashes hit validator 0 while it was locked. */
    private int run(long seed) {
        dir = tmp.resolve("seed-" + seed);
        network.clear();
        timers.clear();
        sent.clear();
        java.util.Arrays.fill(generation, 0);
        now = 0;
        keys = new SimKeys(seed, ADDR);
        List<Validator> vals = new ArrayList<>();
        for (String a : ADDR) vals.add(new Validator(a, "", 1));
        set = new ValidatorSet(vals);
        for (int i = 0; i < 4; i++) apps[i] = new SimApplication(d -> {});
        for (int i = 1; i < 4; i++) {
            drivers[i] = driver(i, keys.signer(ADDR.get(i)), InputLog.none());
            drivers[i].start(1);
        }
        boot0(false);

        SplittableRandom rnd = new SplittableRandom(seed);
        int crashes = 0;
        int lossy = 0;
        int locked = 0;
        for (int step = 0; step < 6000 && apps[0].headHeight() < 12; step++) {
            double x = rnd.nextDouble();
            if (x < 0.01) {
                boolean loseTail = rnd.nextInt(3) == 0;
                State before = State.of(drivers[0].machine());
                if (before.lockedRound() >= 0) locked++;
                wal.close();
                if (loseTail) {
                    loseTail(rnd);
                    signState.loseUnsynced();
                }
                boolean replayed = boot0(true);
                if (!loseTail) {
                    assertThat(replayed).as("a WAL for the current height exists").isTrue();
                    assertThat(State.of(drivers[0].machine())).as("state rebuilt after crash %d", crashes).isEqualTo(before);
                } else {
                    lossy++;
                }
                crashes++;
            } else if (!network.isEmpty() && (x < 0.85 || timers.isEmpty())) {
                Delivery d = network.remove(rnd.nextInt(network.size()));
                if (rnd.nextInt(10) == 0) continue; // lost
                drivers[d.to].onMessage(d.from, d.m);
            } else if (!timers.isEmpty()) {
                Timer t = timers.poll();
                now = Math.max(now, t.at);
                if (t.generation == generation[t.node]) drivers[t.node].onTimeout(t.t);
            } else {
                for (int i = 0; i < 4; i++) drivers[i].gossipTick();
            }
            if (network.isEmpty() && step % 50 == 0) for (int i = 0; i < 4; i++) drivers[i].gossipTick();
        }
        assertThat(crashes).isGreaterThan(5);
        assertThat(lossy).isGreaterThan(0);
        assertThat(apps[0].headHeight()).as("validator 0 keeps committing across %d crashes", crashes).isGreaterThanOrEqualTo(4);
        for (int i = 1; i < 4; i++) {
            long common = Math.min(apps[0].headHeight(), apps[i].headHeight());
            for (long h = 1; h <= common; h++) {
                assertThat(apps[i].committed(h).orElseThrow().block()).isEqualTo(apps[0].committed(h).orElseThrow().block());
            }
        }
        wal.close();
        return locked;
    }

    /** (Re)starts validator 0 from its files; true if it replayed a WAL. */
    private boolean boot0(boolean restart) {
        generation[0]++;
        signState = new SyncTracking(dir.resolve("priv_validator_state.log"));
        GuardedSigner signer = new GuardedSigner(keys.signer(ADDR.get(0)), signState, e -> {});
        wal = FileWal.open(dir.resolve("wal"), new WalCodec<>(MessageCodecTest.SIM_BLOCKS), FileWal.DEFAULT_CAP_BYTES, w -> {});
        drivers[0] = driver(0, signer, wal);
        long next = apps[0].headHeight() + 1;
        List<ConsensusInput<SimBlock>> inputs = wal.inputs();
        if (restart && !inputs.isEmpty() && inputs.getFirst() instanceof ConsensusInput.Start<SimBlock> s && s.height() == next) {
            drivers[0].replay(inputs);
            return true;
        }
        drivers[0].start(next, restart ? T.commit() : 0);
        return false;
    }

    /** The real sign-state store, remembering its file's length at the last fsync: what a power cut keeps. */
    static final class SyncTracking implements SignStateStore {
        private final Path file;
        private final FileSignStateStore real;
        private long synced;

        SyncTracking(Path file) {
            this.file = file;
            this.real = new FileSignStateStore(file, w -> {});
        }

        @Override
        public java.util.Optional<SignState> load() {
            java.util.Optional<SignState> s = real.load();
            synced = size();
            return s;
        }

        @Override
        public void save(SignState state) {
            real.save(state);
            synced = Math.min(synced, size()); // a compaction replaced the file, durably
        }

        @Override
        public void sync() {
            real.sync();
            synced = size();
        }

        /** Cuts the file back to what was fsynced. */
        void loseUnsynced() {
            try {
                if (Files.exists(file) && Files.size(file) > synced) {
                    Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), (int) synced));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private long size() {
            try {
                return Files.exists(file) ? Files.size(file) : 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Cuts the WAL anywhere after its start record (possibly mid-record). */
    private void loseTail(SplittableRandom rnd) {
        try {
            Path f = dir.resolve("wal");
            byte[] data = Files.readAllBytes(f);
            int first = RecordFraming.HEADER + java.nio.ByteBuffer.wrap(data).getInt(0);
            if (data.length > first) Files.write(f, java.util.Arrays.copyOf(data, first + rnd.nextInt(data.length - first)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ConsensusDriver<SimBlock> driver(int i, Signer signer, InputLog<SimBlock> log) {
        TendermintMachine<SimBlock> m = new TendermintMachine<>(CHAIN, ValidatorSets.fixed(set), signer, keys.verifier(),
                SimBlock::hashHex, T);
        int gen = generation[i];
        ConsensusDriver.Transport transport = new ConsensusDriver.Transport() {
            @Override
            public void broadcast(ConsensusMessage msg) {
                if (i == 0) recordSent(msg);
                for (int j = 0; j < 4; j++) if (j != i) network.add(new Delivery(j, ADDR.get(i), msg));
            }

            @Override
            public void send(String peer, ConsensusMessage msg) {
                network.add(new Delivery(ADDR.indexOf(peer), ADDR.get(i), msg));
            }

            @Override
            public void requestDecision(String peer, long height) {
                drivers[ADDR.indexOf(peer)].onDecisionRequest(ADDR.get(i), height);
            }
        };
        ConsensusDriver.Timers clock = new ConsensusDriver.Timers() {
            @Override
            public long nowMs() {
                return now;
            }

            @Override
            public void schedule(Timeout t, long delayMs) {
                timers.add(new Timer(now + delayMs, seq++, i, gen, t));
            }
        };
        return new ConsensusDriver<>(m, apps[i], transport, clock, e -> {}, log);
    }

    private void recordSent(ConsensusMessage msg) {
        switch (msg) {
            case Proposal<?> p -> {
                if (!ValidatorSets.fixed(set).forHeight(p.height()).proposer(p.round()).address().equals(ADDR.get(0))) return; // a relay
                String content = p.polRound() + "/" + ((SimBlock) p.block()).hashHex();
                String prev = sent.putIfAbsent(p.height() + "/" + p.round() + "/proposal", content);
                assertThat(prev == null || prev.equals(content)).as("conflicting proposal %s vs %s", prev, content).isTrue();
            }
            case Vote v -> {
                if (!v.validatorAddress().equals(ADDR.get(0))) return; // a relay
                String prev = sent.putIfAbsent(v.height() + "/" + v.round() + "/" + v.type(), String.valueOf(v.blockHash()));
                assertThat(prev == null || prev.equals(String.valueOf(v.blockHash())))
                        .as("conflicting %s at height %d round %d: %s then %s", v.type(), v.height(), v.round(), prev, v.blockHash())
                        .isTrue();
            }
            case Decision<?> d -> { }
        }
    }
}
