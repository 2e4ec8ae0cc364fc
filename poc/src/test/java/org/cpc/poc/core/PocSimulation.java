package org.cpc.poc.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.cpc.chain.exec.TxRejected;
import org.cpc.chain.market.MarketTask;
import org.cpc.chain.market.TaskMachine;
import org.cpc.client.TxBuilder;
import org.cpc.compute.market.PoolMessage;
import org.cpc.compute.market.PoolProtocol;
import org.cpc.compute.market.SyntheticChallenge;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Transaction;

/**
 * A deterministic simulation of one PoC validator, in the style of the consensus module's simulation: the real
 * {@link PocMachine}, driven by seeded schedules of workers that connect, disconnect, stall, answer wrong or late or
 * with errors, a store that syncs writes late and loses the unsynced ones when the PoC validator crashes and restarts
 * from it, customers who cancel, and an L1 that includes, delays, loses and refuses. Everything comes from one seed,
 * so a failing seed reruns exactly. The invariants are checked after every step; {@link #run} returns what broke.
 */
final class PocSimulation {
    /** One seed's shape. */
    record Config(int tasks, int maxJobs, int workers, int steps, double crashRate, double duplicateProbability) {
        static Config standard() {
            return new Config(4, 6, 4, 1_500, 0.002, 0.3);
        }
    }

    /** How a simulated worker behaves. */
    enum Behaviour { HONEST, WRONG, FLAKY, SLOW, QUITTER, ERRORS }

    private static final NetworkParams PARAMS = NetworkParams.devnet();
    private static final long JOB_TIMEOUT_MS = 5_000;
    private static final long HEARTBEAT_MS = 1_000;
    /** How often a wrong output passes the (simulated) verifier: what Freivalds or spot checks may miss. */
    private static final double UNDETECTED = 0.15;

    private final SplittableRandom rnd;
    private final Config cfg;
    private final AccountKey validatorKey;
    private final PocMachine.Rules rules;
    private PocMachine machine;
    private long now = 1_000_000_000L;
    private final List<String> violations = new ArrayList<>();
    private final List<String> history = new ArrayList<>();

    // The store: what is synced survives a crash; the queue of unsynced writes does not.
    private final TreeMap<String, JsonNode> synced = new TreeMap<>();
    private final Deque<Effect.Persist> unsynced = new ArrayDeque<>();

    // The workers.
    private final List<SimWorker> workers = new ArrayList<>();
    private final Map<Long, SimWorker> bySession = new HashMap<>();
    private long nextSession = 1;

    /** Outputs the verifier passed, per job ("task/index" → hashes): a counted job must have one of them. */
    private final Map<String, Set<String>> passed = new HashMap<>();
    /** Jobs whose count the synced store showed: they may never go back. */
    private final Set<String> countedOnDisk = new HashSet<>();
    /** Verifications, merges and L1 answers in flight: they arrive later, or are lost in a crash. */
    private final List<Pending> inFlight = new ArrayList<>();

    // L1.
    private final Map<String, Transaction> mempool = new LinkedHashMap<>();
    private final Map<String, Transaction> onChain = new LinkedHashMap<>();
    private final Map<String, Integer> resultsOnChain = new HashMap<>();
    /** The tasks as L1 holds them, settled by the chain's own {@link TaskMachine}; absent while publishing. */
    private final Map<String, MarketTask> l1Tasks = new LinkedHashMap<>();
    /** What each task was created with, and what L1 moved out of its escrow (shares paid, refunds). */
    private final Map<String, TaskSpec> specs = new LinkedHashMap<>();
    private final Map<String, BigInteger> paidOut = new HashMap<>();
    /** The PoC validator's part of each job's share on L1, and what it paid the job's duplicate worker. */
    private final Map<String, BigInteger> pocPart = new HashMap<>();
    private final Map<String, L1Work.Ref> payments = new HashMap<>();
    private final Map<String, Integer> paysPerJob = new HashMap<>();
    private final Map<String, BigInteger> auditPaid = new HashMap<>();
    private long l1Nonce;
    private long nextL1PassAt;
    /** The outbox waits for its recorded group to be synced and sent before its next pass. */
    private boolean sending;

    private record Pending(long at, Runnable action) {}

    private final class SimWorker {
        final AccountKey key;
        final Behaviour behaviour;
        Long session;
        boolean welcomed;
        long reconnectAt;

        SimWorker(AccountKey key, Behaviour behaviour) {
            this.key = key;
            this.behaviour = behaviour;
        }
    }

    PocSimulation(long seed, Config cfg) {
        this.rnd = new SplittableRandom(seed);
        this.cfg = cfg;
        this.validatorKey = key();
        this.rules = new PocMachine.Rules(validatorKey.address(), 4, HEARTBEAT_MS, JOB_TIMEOUT_MS, 1 << 20,
                cfg.duplicateProbability(), JOB_TIMEOUT_MS, 10_000, 32);
        Behaviour[] kinds = Behaviour.values();
        for (int i = 0; i < cfg.workers(); i++) {
            workers.add(new SimWorker(key(), i == 0 ? Behaviour.HONEST : kinds[rnd.nextInt(kinds.length)]));
        }
    }

    private AccountKey key() {
        byte[] k = new byte[32];
        rnd.nextBytes(k);
        k[0] = 0x11; // well inside the curve order
        return AccountKey.of(k);
    }

    /** Runs the seed; the list of broken invariants (empty when all held), each with the history that led to it. */
    List<String> run() {
        restart();
        for (int t = 0; t < cfg.tasks(); t++) submitTask();
        for (int step = 0; step < cfg.steps() && violations.isEmpty(); step++) step(true);
        // Quiet: no more faults, an honest worker stays, L1 takes everything; every task must end.
        long quietUntil = now + 10 * 60_000;
        while (now < quietUntil && violations.isEmpty() && !allFinal()) step(false);
        if (violations.isEmpty() && !allFinal()) violations.add("not every task ended: " + statuses() + stuck());
        if (violations.isEmpty()) checkL1Agrees();
        if (violations.isEmpty()) return List.of();
        List<String> out = new ArrayList<>(violations);
        out.add("last events:\n  " + String.join("\n  ", history.subList(Math.max(0, history.size() - 40), history.size())));
        return out;
    }

    /** Runs the seed and tells everything that happened: two runs of one seed must tell the same. */
    String trace() {
        List<String> broken = run();
        return String.join("\n", history) + "\n" + statuses() + "\n" + synced + "\n" + onChain.keySet() + "\n" + broken;
    }

    // ------------------------------------------------------------------ the world's steps

    private void step(boolean faults) {
        now += 1 + rnd.nextInt(300);
        if (faults && rnd.nextDouble() < cfg.crashRate()) {
            crash();
            return;
        }
        syncSome(faults);
        deliverDue();
        for (SimWorker w : workers) workerStep(w, faults);
        apply(machine.tick(now));
        if (faults && rnd.nextDouble() < 0.003) cancelSomeTask();
        if (now >= nextL1PassAt && !sending) {
            l1Pass(faults);
            nextL1PassAt = now + 200;
        }
        check();
    }

    private void restart() {
        machine = new PocMachine(rules, new SplittableRandom(rnd.nextLong()));
        List<JsonNode> tasks = new ArrayList<>();
        List<PocMachine.StoredJob> jobs = new ArrayList<>();
        Map<String, JsonNode> workerRecords = new LinkedHashMap<>();
        for (var e : synced.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(StoreKeys.TASKS)) tasks.add(e.getValue());
            else if (k.startsWith("j/")) {
                String[] p = k.split("/");
                jobs.add(new PocMachine.StoredJob(p[1], Integer.parseInt(p[2]), e.getValue()));
            } else if (k.startsWith(StoreKeys.WORKERS)) workerRecords.put(k.substring(2), e.getValue());
        }
        apply(machine.load(new PocMachine.Stored(tasks, jobs, workerRecords), now));
        for (SimWorker w : workers) {
            w.session = null;
            w.welcomed = false;
            w.reconnectAt = now + rnd.nextInt(2_000);
        }
        bySession.clear();
        nextL1PassAt = now;
        sending = false;
    }

    private void crash() {
        history.add(now + " CRASH: " + unsynced.size() + " unsynced writes lost");
        unsynced.clear();
        inFlight.clear();
        restart();
    }

    private void syncSome(boolean faults) {
        int n = faults ? rnd.nextInt(unsynced.size() + 1) : unsynced.size();
        for (int i = 0; i < n; i++) {
            Effect.Persist p = unsynced.removeFirst();
            for (Effect.Persist.Put put : p.puts()) {
                if (put.value() == null) synced.remove(put.key());
                else synced.put(put.key(), put.value().deepCopy());
            }
            if (p.outputKey() != null) synced.put(p.outputKey(), Json.object());
            if (p.token() != 0) apply(machine.persisted(p.token(), now));
        }
    }

    private void deliverDue() {
        List<Pending> due = new ArrayList<>();
        for (var it = inFlight.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.at() <= now) {
                due.add(p);
                it.remove();
            }
        }
        for (Pending p : due) p.action().run();
    }

    private void later(long delayMs, Runnable r) {
        inFlight.add(new Pending(now + delayMs, r));
    }

    // ------------------------------------------------------------------ workers

    private void workerStep(SimWorker w, boolean faults) {
        if (w.session == null) {
            if (now < w.reconnectAt) return;
            w.session = nextSession++;
            bySession.put(w.session, w);
            byte[] nonce = new byte[32];
            rnd.nextBytes(nonce);
            apply(machine.connected(w.session, nonce, now));
            return;
        }
        boolean quits = faults && w.behaviour == Behaviour.QUITTER && rnd.nextDouble() < 0.01;
        if (quits || (faults && rnd.nextDouble() < 0.001)) {
            history.add(now + " worker " + w.key.address().substring(0, 12) + " disconnects");
            long s = w.session;
            disconnect(w);
            apply(machine.disconnected(s, now));
            return;
        }
        if (w.welcomed && (w.behaviour != Behaviour.SLOW || rnd.nextBoolean())) {
            apply(machine.message(w.session, new PoolMessage.Heartbeat(), now));
        }
    }

    private void disconnect(SimWorker w) {
        bySession.remove(w.session);
        w.session = null;
        w.welcomed = false;
        w.reconnectAt = now + 500 + rnd.nextInt(3_000);
    }

    private void received(long session, PoolMessage.ServerMessage m) {
        SimWorker w = bySession.get(session);
        if (w == null) return;
        switch (m) {
            case PoolMessage.Challenge c -> {
                byte[] sig = w.key.signRecoverable(PoolProtocol.authDigest(c.nonce()));
                apply(machine.message(session, new PoolMessage.Hello(w.key.address(), sig, "sim", "sim", 100, 4), now));
            }
            case PoolMessage.Welcome wel -> w.welcomed = true;
            case PoolMessage.Job j -> answer(w, session, j);
            case PoolMessage.JobAccepted a -> history.add(now + " " + a.jobId() + " accepted for " + w.key.address().substring(0, 12));
            case PoolMessage.JobRejected r -> { }
            case PoolMessage.Cancel c -> { }
            case PoolMessage.ErrorMessage e -> { }
        }
    }

    private void answer(SimWorker w, long session, PoolMessage.Job j) {
        boolean wrong = switch (w.behaviour) {
            case WRONG -> true;
            case FLAKY -> rnd.nextDouble() < 0.3;
            default -> false;
        };
        long delay = w.behaviour == Behaviour.SLOW ? JOB_TIMEOUT_MS / 2 + rnd.nextLong(JOB_TIMEOUT_MS) : 5 + rnd.nextInt(200);
        later(delay, () -> {
            if (!Long.valueOf(session).equals(w.session)) return; // it left meanwhile
            if (w.behaviour == Behaviour.ERRORS && rnd.nextDouble() < 0.3) {
                apply(machine.message(session, new PoolMessage.JobError(j.jobId(), "out of memory (simulated)"), now));
                return;
            }
            byte[] out = wrong ? wrongOutput(j.jobId()) : truth(j.jobId());
            apply(machine.result(session, new PoolMessage.JobResult(j.jobId(), Sha256.hash(out), new byte[65], out), now));
        });
    }

    private static byte[] truth(String jobId) {
        return Sha256.hash(("truth " + jobId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private byte[] wrongOutput(String jobId) {
        byte[] b = truth(jobId);
        b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
        return b;
    }

    /** The edge's checks, simulated: a wrong output usually fails; a disagreeing duplicate is recomputed. */
    private Verdict judge(Effect.Verify v) {
        String jobId = v.assignment().job().id();
        byte[] out = v.result().output();
        String hash = Hex.encode(Sha256.hash(out));
        boolean right = hash.equals(Hex.encode(Sha256.hash(truth(jobId))));
        String first = v.firstResultHash();
        if (first != null && !first.equals(hash)) {
            return right ? new Verdict.FirstWasWrong(hash, "00", out)
                    : new Verdict.Wrong("output differs from a second worker's and from the recomputation");
        }
        if (!right && rnd.nextDouble() >= UNDETECTED) return new Verdict.Wrong("Freivalds check failed (simulated)");
        return new Verdict.Good(hash, "00", out);
    }

    // ------------------------------------------------------------------ effects

    private void apply(List<Effect> effects) {
        for (Effect e : effects) {
            switch (e) {
                case Effect.Send s -> {
                    if (s.message() instanceof PoolMessage.JobAccepted a) checkAckIsDurable(a);
                    long session = s.session();
                    later(rnd.nextInt(20), () -> received(session, s.message()));
                }
                case Effect.Close c -> {
                    SimWorker w = bySession.get(c.session());
                    if (w != null) {
                        disconnect(w);
                        apply(machine.disconnected(c.session(), now));
                    }
                }
                case Effect.Persist p -> unsynced.addLast(p);
                case Effect.Verify v -> {
                    Verdict verdict = judge(v);
                    if (!(verdict instanceof Verdict.Wrong)) {
                        passed.computeIfAbsent(v.assignment().job().id(), k -> new HashSet<>()).add(
                                Hex.encode(Sha256.hash(v.result().output())));
                    }
                    later(rnd.nextInt(50), () -> apply(machine.verified(v.assignment(), verdict, now)));
                }
                case Effect.Merge m -> later(rnd.nextInt(100), () -> apply(machine.merged(m.taskId(),
                        Hex.encode(Sha256.hash(String.join(",", m.outputHashes()).getBytes(
                                java.nio.charset.StandardCharsets.UTF_8))), now)));
                case Effect.Forget f -> { }
            }
        }
    }

    // ------------------------------------------------------------------ customers and L1

    private void submitTask() {
        ObjectNode p = Json.object();
        byte[] seed = new byte[32];
        rnd.nextBytes(seed);
        p.put("seed", Hex.encode(seed));
        p.put("matrix_size", 2);
        p.put("iterations", 1 + rnd.nextInt(cfg.maxJobs()));
        String id = new java.util.UUID(rnd.nextLong(), rnd.nextLong()).toString();
        long deadline = now / 1000 + 60 + rnd.nextInt(600);
        BigInteger reward = BigInteger.valueOf(1 + rnd.nextInt(1_000_000)).multiply(BigInteger.TEN.pow(12));
        TaskSpec spec = new TaskSpec(id, "cpc1customer", SyntheticChallenge.INSTANCE, p, reward, deadline,
                Json.object().put("create", id), "create-" + id);
        specs.put(id, spec);
        paidOut.put(id, BigInteger.ZERO);
        apply(machine.submit(spec, now, () -> { }));
    }

    private void cancelSomeTask() {
        List<String> ids = new ArrayList<>(specs.keySet());
        String id = ids.get(rnd.nextInt(ids.size()));
        try {
            apply(machine.beginCancel(id, "cpc1customer", now));
        } catch (Refused r) {
            return;
        }
        history.add(now + " customer cancels " + id);
        MarketTask t = l1Tasks.get(id);
        try {
            if (t == null) throw new TxRejected("no task " + id + " on L1");
            TaskMachine.Closed c = TaskMachine.cancel(t, "cpc1customer");
            l1Tasks.put(id, c.task());
            paidOut.merge(id, c.refund(), BigInteger::add);
            apply(machine.cancelled(id, "cancel-" + id, now, () -> { }));
        } catch (TxRejected e) {
            apply(machine.cancelFailed(id, now));
        }
    }

    /** One pass of the L1 outbox against a simulated L1 that includes, delays, forgets and refuses. */
    private void l1Pass(boolean faults) {
        machine.shares(PARAMS.marketWorkerShareBps(), PARAMS.marketPocShareBps());
        // Blocks: the mempool moves on chain, one transaction at a time, each judged as L1 would.
        for (var it = mempool.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (faults && rnd.nextDouble() < 0.3) continue; // not in this block
            it.remove();
            includeOnL1(e.getValue());
        }
        for (var e : l1Tasks.entrySet()) { // a block past its deadline fails a task; the escrow left goes back
            if (!TaskMachine.expired(e.getValue(), now / 1000)) continue;
            TaskMachine.Closed c = TaskMachine.expire(e.getValue(), now / 1000);
            e.setValue(c.task());
            paidOut.merge(e.getKey(), c.refund(), BigInteger::add);
            history.add(now + " L1 fails " + e.getKey());
        }
        // The edge reads the connected workers' bonds and reputations from L1; the answers route jobs from then on.
        for (String address : machine.standingsDue(now)) {
            WorkerStanding st = new WorkerStanding(rnd.nextBoolean(), rnd.nextInt(WorkerStanding.MAX_BPS + 1));
            later(rnd.nextInt(100), () -> apply(machine.standing(address, st, now)));
        }
        L1Work.Check check = machine.l1Check(now);
        for (String id : check.overdue()) {
            MarketTask t = l1Tasks.get(id);
            if (t != null) apply(machine.taskOnL1(id, t.status(), now));
        }
        for (L1Work.Publish p : check.publishing()) {
            if (faults && rnd.nextDouble() < 0.3) continue;
            if (l1Tasks.containsKey(p.taskId())) continue;
            TaskSpec s = specs.get(p.taskId());
            l1Tasks.put(p.taskId(), TaskMachine.create(s.taskId(), s.creator(), s.type().name(), "h", s.reward(),
                    s.deadline(), s.type().jobCount(s.payload()), now));
            apply(machine.taskOnChain(p.taskId(), now));
        }
        List<L1Work.Ref> included = new ArrayList<>();
        int inMempool = 0;
        for (L1Work.Sent s : check.sent()) {
            if (onChain.containsKey(s.txHash())) included.add(s.ref());
            else if (mempool.containsKey(s.txHash())) inMempool++;
            else apply(machine.l1Refused(s.ref(), "lost (simulated)", now)); // dropped from a mempool
        }
        if (!included.isEmpty()) apply(machine.l1Included(included, now));
        List<L1Work.Draft> drafts = machine.l1Drafts(now, Math.max(0, rules.maxPendingL1() - inMempool));
        if (drafts.isEmpty()) return;
        List<L1Work.Built> built = new ArrayList<>();
        for (L1Work.Draft d : drafts) {
            TxBuilder b = TxBuilder.of(PARAMS, validatorKey).nonce(l1Nonce++).timestamp(now / 1000);
            Transaction tx = switch (d) {
                case L1Work.ResultDraft r -> b.submitResult(r.result());
                case L1Work.PayDraft p -> b.transfer(p.to(), p.amount());
            };
            if (d instanceof L1Work.PayDraft) payments.put(tx.hashHex(), d.ref());
            built.add(new L1Work.Built(d.ref(), tx));
        }
        // Sent only once their record is synced, as the outbox does: after a crash each is re-sent as it was.
        sending = true;
        apply(machine.l1Recorded(built, () -> {
            sending = false;
            for (L1Work.Built t : built) {
                if (faults && rnd.nextDouble() < 0.05) {
                    apply(machine.l1Refused(t.ref(), "refused (simulated)", now));
                    continue;
                }
                mempool.put(t.tx().hashHex(), t.tx());
            }
        }));
    }

    /** L1's rules for what the PoC validator sends: one result per job, only for a live task before its deadline. */
    private void includeOnL1(Transaction tx) {
        if (tx.payload() != null && tx.payload().has("task_id")) {
            String task = tx.payload().get("task_id").textValue();
            long index = tx.payload().get("nonce").asLong();
            String job = task + "/" + index;
            MarketTask t = l1Tasks.get(task);
            if (t == null || resultsOnChain.containsKey(job)) return; // L1 refuses a second result for a job
            TaskMachine.Settled settled;
            try {
                settled = TaskMachine.acceptJob(t, index, now / 1000, PARAMS);
            } catch (TxRejected e) {
                return; // closed, past its deadline: refused, nothing moves
            }
            l1Tasks.put(task, settled.task());
            paidOut.merge(task, settled.share(), BigInteger::add);
            pocPart.put(job, settled.split().poc());
            resultsOnChain.merge(job, 1, Integer::sum);
            if (!passed.getOrDefault(job, Set.of()).contains(tx.payload().get("result_hash").textValue())) {
                violations.add("a result L1 took for " + job + " never passed verification");
            }
        } else {
            L1Work.Ref ref = payments.get(tx.hashHex());
            String job = ref.taskId() + "/" + ref.index();
            paysPerJob.merge(job, 1, Integer::sum);
            auditPaid.merge(job, tx.amount(), BigInteger::add);
            history.add(now + " pay for " + job + " on chain");
        }
        onChain.put(tx.hashHex(), tx);
    }

    // ------------------------------------------------------------------ invariants

    /** A worker hears "accepted" only for an output whose record is synced. */
    private void checkAckIsDurable(PoolMessage.JobAccepted a) {
        String[] p = a.jobId().split("/");
        JsonNode rec = synced.get(StoreKeys.job(p[0], Integer.parseInt(p[1])));
        String status = rec == null ? "missing" : rec.path("status").asText();
        if (!List.of("auditing", "accepted", "included").contains(status)) {
            violations.add("worker told job " + a.jobId() + " was accepted while its record on disk is " + status);
        }
    }

    private void check() {
        for (Task t : machine.tasks()) {
            for (Job j : t.jobs) {
                String id = j.id();
                if (j.status.counts() && !passed.getOrDefault(id, Set.of()).contains(j.outputHash)) {
                    violations.add("job " + id + " counts with output " + j.outputHash + " that never passed verification");
                }
                JsonNode rec = synced.get(StoreKeys.job(t.taskId, j.index));
                boolean countsOnDisk = rec != null && JobStatus.ofWire(rec.path("status").asText()).counts();
                if (countsOnDisk) countedOnDisk.add(id);
                else if (countedOnDisk.contains(id) && synced.containsKey(StoreKeys.task(t.taskId))) {
                    violations.add("job " + id + " was accepted on disk and is now " + (rec == null ? "gone" : rec.path("status").asText()));
                }
            }
        }
        for (var e : resultsOnChain.entrySet()) {
            if (e.getValue() > 1) violations.add("job " + e.getKey() + " was paid " + e.getValue() + " times on L1");
        }
        for (var e : paysPerJob.entrySet()) {
            if (e.getValue() > 1) violations.add("the duplicate worker of job " + e.getKey() + " was paid " + e.getValue() + " times");
        }
    }

    private boolean allFinal() {
        for (Task t : machine.tasks()) if (!t.status.isFinal()) return false;
        return unsynced.isEmpty();
    }

    private String statuses() {
        StringBuilder b = new StringBuilder();
        for (Task t : machine.tasks()) {
            b.append(t.taskId, 0, 8).append('=').append(t.status.wire()).append(' ').append(t.accepted).append('/')
                    .append(t.included).append('/').append(t.jobs.length).append(' ');
        }
        return b.toString();
    }

    /** What the tasks that did not end wait for. */
    private String stuck() {
        StringBuilder b = new StringBuilder();
        for (Task t : machine.tasks()) {
            if (t.status.isFinal()) continue;
            MarketTask onL1 = l1Tasks.get(t.taskId);
            b.append("\n  ").append(t.taskId).append(" on L1 ").append(onL1 == null ? "-" : onL1.status().wire())
                    .append(", deadline ")
                    .append(t.deadline).append(" now ").append(now / 1000).append(", cancelling ").append(t.cancelling)
                    .append(", result ").append(t.resultHash);
            for (Job j : t.jobs) {
                b.append("\n    ").append(j.index).append(' ').append(j.status.wire()).append(" tx ")
                        .append(j.txHash == null ? "-" : j.txHash.substring(0, 8)
                                + (onChain.containsKey(j.txHash) ? " on chain" : mempool.containsKey(j.txHash) ? " in mempool" : " nowhere"))
                        .append(" L1 results ").append(resultsOnChain.getOrDefault(j.id(), 0)).append(" last error ").append(j.lastError);
            }
        }
        return b.toString();
    }

    /**
     * At the end: a completed task has every job on L1 exactly once, the PoC validator agrees with L1, every task's
     * escrow is accounted for to the wei, and a duplicate worker is paid no more than the PoC validator's part of
     * that job (a duplicate run costs the customer nothing and creates no wei).
     */
    private void checkL1Agrees() {
        for (var e : specs.entrySet()) {
            MarketTask t = l1Tasks.get(e.getKey());
            BigInteger left = t == null ? e.getValue().reward() : t.escrowLeft();
            BigInteger total = left.add(paidOut.get(e.getKey()));
            if (!total.equals(e.getValue().reward())) {
                violations.add("task " + e.getKey() + ": escrow left " + left + " + paid out " + paidOut.get(e.getKey())
                        + " = " + total + " wei, not the reward " + e.getValue().reward());
            }
        }
        for (var e : auditPaid.entrySet()) {
            BigInteger poc = pocPart.get(e.getKey());
            if (poc == null || e.getValue().compareTo(poc) > 0) {
                violations.add("job " + e.getKey() + ": its duplicate worker got " + e.getValue()
                        + " wei, more than the PoC validator's part " + poc);
            }
        }
        for (Task t : machine.tasks()) {
            int onL1 = 0;
            for (Job j : t.jobs) onL1 += resultsOnChain.getOrDefault(j.id(), 0);
            if (t.included > onL1) violations.add("task " + t.taskId + " counts " + t.included + " jobs on chain; L1 has " + onL1);
            switch (t.status) {
                case COMPLETED -> {
                    if (onL1 != t.jobs.length) violations.add("task " + t.taskId + " completed with " + onL1 + " of " + t.jobs.length + " jobs on L1");
                    if (t.resultHash == null) violations.add("task " + t.taskId + " completed without a result");
                }
                case CANCELLED -> {
                    if (onL1 > 0) violations.add("task " + t.taskId + " cancelled with " + onL1 + " results on L1");
                }
                default -> { }
            }
            for (Job j : t.jobs) {
                if (j.auditor != null && j.paid && j.payTxHash != null && !onChain.containsKey(j.payTxHash)) {
                    violations.add("job " + j.id() + " says its duplicate worker was paid, but L1 has no such payment");
                }
            }
        }
    }
}
