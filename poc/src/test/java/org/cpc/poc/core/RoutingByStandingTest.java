package org.cpc.poc.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.cpc.compute.market.PoolMessage;
import org.cpc.compute.market.PoolProtocol;
import org.cpc.compute.market.SyntheticChallenge;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.junit.jupiter.api.Test;

/**
 * The pure machine routes jobs by what L1 says of each worker (bonded, reputation) and sizes duplicate execution by
 * it; driven input by input, no threads, no clock.
 */
class RoutingByStandingTest {
    private static final long NOW = 1_000_000_000L;

    /** A machine with workers connected and authenticated, each taking up to {@code slots} jobs. */
    private static final class Harness {
        final PocMachine machine;
        final Map<String, Long> sessionOf = new LinkedHashMap<>();
        /** Every job hand-out, in order: job id and the address it went to. */
        final List<String[]> handedOut = new ArrayList<>();
        final List<Effect.Persist> unsynced = new ArrayList<>();
        final List<Effect.Verify> verifies = new ArrayList<>();
        private final Map<Long, String> addressOf = new LinkedHashMap<>();
        private long nextSession = 1;

        Harness(double duplicateProbability, RandomGenerator random) {
            machine = new PocMachine(new PocMachine.Rules(key(99).address(), 8, 1_000, 60_000, 1 << 20,
                    duplicateProbability, 60_000, 10_000, 32), random);
            apply(machine.load(new PocMachine.Stored(List.of(), List.of(), Map.of()), NOW));
        }

        String connect(int seed, int slots) {
            AccountKey k = key(seed);
            long session = nextSession++;
            sessionOf.put(k.address(), session);
            addressOf.put(session, k.address());
            byte[] nonce = Sha256.hash(new byte[] {(byte) seed});
            List<Effect> challenge = machine.connected(session, nonce, NOW);
            assertThat(challenge).singleElement().isInstanceOf(Effect.Send.class);
            apply(machine.message(session, new PoolMessage.Hello(k.address(),
                    k.signRecoverable(PoolProtocol.authDigest(nonce)), "cpu", "test", 100, slots), NOW));
            return k.address();
        }

        void standing(String address, boolean bonded, int reputation) {
            apply(machine.standing(address, new WorkerStanding(bonded, reputation), NOW));
        }

        Task task(int jobs) {
            ObjectNode p = Json.object();
            p.put("seed", Hex.encode(Sha256.hash(new byte[] {(byte) jobs})));
            p.put("matrix_size", 2);
            p.put("iterations", jobs);
            String id = new java.util.UUID(jobs, 7).toString();
            apply(machine.submit(new TaskSpec(id, "cpc1customer", SyntheticChallenge.INSTANCE, p,
                    BigInteger.TEN.pow(18), NOW / 1000 + 3600, Json.object(), "create-" + id), NOW, () -> { }));
            syncAll();
            apply(machine.taskOnChain(id, NOW));
            return machine.find(id);
        }

        /** The worker holding {@code job} answers with the right output, which the edge finds good. */
        void answerRight(String jobId, String address) {
            byte[] out = ("out " + jobId).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            apply(machine.result(sessionOf.get(address), new PoolMessage.JobResult(jobId, Sha256.hash(out),
                    new byte[65], out), NOW));
            Effect.Verify v = verifies.removeLast();
            apply(machine.verified(v.assignment(), new Verdict.Good(Hex.encode(Sha256.hash(out)), "00", out), NOW));
            syncAll();
        }

        List<String> addressesGiven() {
            return handedOut.stream().map(h -> h[1]).toList();
        }

        void syncAll() {
            while (!unsynced.isEmpty()) {
                Effect.Persist p = unsynced.removeFirst();
                if (p.token() != 0) apply(machine.persisted(p.token(), NOW));
            }
        }

        void apply(List<Effect> effects) {
            for (Effect e : effects) {
                switch (e) {
                    case Effect.Send s when s.message() instanceof PoolMessage.Job j ->
                            handedOut.add(new String[] {j.jobId(), addressOf.get(s.session())});
                    case Effect.Persist p -> unsynced.add(p);
                    case Effect.Verify v -> verifies.add(v);
                    default -> { }
                }
            }
        }
    }

    private static AccountKey key(int seed) {
        byte[] k = new byte[32];
        k[0] = 0x11;
        k[31] = (byte) seed;
        return AccountKey.of(k);
    }

    /** A generator whose every nextDouble() is {@code d} (in [0, 1)): the duplicate draws become exact. */
    private static RandomGenerator always(double d) {
        long bits = (long) (d * 0x1.0p53) << 11;
        return () -> bits;
    }

    @Test
    void bondedReputableWorkersGetJobsFirstAndTheRestWhenTheyAreFull() {
        Harness h = new Harness(0, always(0.5));
        String unbonded = h.connect(1, 4);
        String newcomer = h.connect(2, 4);
        String veteran = h.connect(3, 4);
        h.standing(newcomer, true, 3_000);
        h.standing(veteran, true, 9_000);
        h.task(10);
        // The veteran (rank 10) fills its 4 slots, then the bonded newcomer (rank 4), and only then the unbonded one.
        assertThat(h.addressesGiven()).containsExactly(veteran, veteran, veteran, veteran, newcomer, newcomer, newcomer,
                newcomer, unbonded, unbonded);
    }

    @Test
    void workersOfTheSameTierShareTheWorkRoundRobin() {
        Harness h = new Harness(0, always(0.5));
        String a = h.connect(1, 8);
        String b = h.connect(2, 8);
        String c = h.connect(3, 8);
        h.standing(a, true, 5_100);
        h.standing(b, true, 5_900); // same 1000-bps tier as a
        h.standing(c, false, 10_000); // unbonded: its reputation does not count
        h.task(6);
        assertThat(h.addressesGiven()).containsExactly(a, b, a, b, a, b);
    }

    @Test
    void aStandingLearnedLaterReroutesTheQueue() {
        Harness h = new Harness(0, always(0.5));
        String first = h.connect(1, 1);
        String second = h.connect(2, 1);
        h.task(4); // two handed out round-robin, two queued
        assertThat(h.addressesGiven()).containsExactly(first, second);
        h.standing(second, true, 8_000);
        h.answerRight(h.handedOut.get(0)[0], first); // first frees its slot, but second outranks it now
        h.answerRight(h.handedOut.get(1)[0], second);
        assertThat(h.addressesGiven().subList(2, 4)).containsExactly(first, second);
        // With both free, the next job goes to the ranked worker.
        h.answerRight(h.handedOut.get(2)[0], first);
        assertThat(h.machine.workers().path("workers").get(1).path("reputation").asInt()).isEqualTo(8_000);
        assertThat(h.machine.workers().path("workers").get(1).path("bonded").asBoolean()).isTrue();
    }

    @Test
    void duplicateExecutionFallsWithReputation() {
        // base 0.5; every draw is 0.3: an unbonded worker's job (p = 0.5) is run twice, a bonded 10000-bps worker's
        // (p = 0.125) is not, a bonded 2000-bps worker's (p = 0.5 × 0.85 = 0.425) is.
        Harness h = new Harness(0.5, always(0.3));
        String unbonded = h.connect(1, 1);
        String trusted = h.connect(2, 1);
        String fresh = h.connect(3, 1);
        h.standing(trusted, true, 10_000);
        h.standing(fresh, true, 2_000);
        Task t = h.task(3);
        assertThat(h.addressesGiven()).containsExactly(trusted, fresh, unbonded);
        h.answerRight(h.handedOut.get(0)[0], trusted);
        assertThat(t.job(0).status).isEqualTo(JobStatus.ACCEPTED);
        h.answerRight(h.handedOut.get(1)[0], fresh);
        assertThat(t.job(1).status).isEqualTo(JobStatus.AUDITING);
        h.answerRight(h.handedOut.get(2)[0], unbonded);
        assertThat(t.job(2).status).isEqualTo(JobStatus.AUDITING);
        // The duplicate runs go to the best free worker that did not run the job first: the trusted one.
        assertThat(h.addressesGiven().get(3)).isEqualTo(trusted);
    }

    @Test
    void theDuplicateProbabilityScalesLinearlyFromBaseToAQuarter() {
        assertThat(WorkerStanding.UNKNOWN.duplicateProbability(0.2)).isEqualTo(0.2);
        assertThat(new WorkerStanding(false, 10_000).duplicateProbability(0.2)).isEqualTo(0.2);
        assertThat(new WorkerStanding(true, 0).duplicateProbability(0.2)).isEqualTo(0.2);
        assertThat(new WorkerStanding(true, 10_000).duplicateProbability(0.2)).isEqualTo(0.05);
        assertThat(new WorkerStanding(true, 5_000).duplicateProbability(0.4)).isEqualTo(0.25);
        assertThat(new WorkerStanding(true, 9_999).rank()).isEqualTo(10);
        assertThat(new WorkerStanding(true, 10_000).rank()).isEqualTo(WorkerStanding.MAX_RANK);
        assertThat(new WorkerStanding(false, 10_000).rank()).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WorkerStanding(true, 10_001))
                .hasMessageContaining("0..10000");
    }

    @Test
    void theEdgeIsAskedForEachConnectedWorkerOnceAMinuteAndLateAnswersForGoneWorkersAreIgnored() {
        Harness h = new Harness(0, always(0.5));
        String a = h.connect(1, 2);
        String b = h.connect(2, 2);
        assertThat(h.machine.standingsDue(NOW)).containsExactly(a, b);
        assertThat(h.machine.standingsDue(NOW + 1)).isEmpty();
        assertThat(h.machine.standingsDue(NOW + Standings.REFRESH_MS - 1)).isEmpty();
        assertThat(h.machine.standingsDue(NOW + Standings.REFRESH_MS)).containsExactly(a, b);
        h.apply(h.machine.disconnected(h.sessionOf.get(b), NOW));
        h.standing(b, true, 10_000); // answered after b left: forgotten
        String c = h.connect(3, 2);
        assertThat(h.machine.standingsDue(NOW + Standings.REFRESH_MS)).containsExactly(c);
        h.task(2);
        assertThat(h.addressesGiven()).containsExactly(a, c);
    }
}
