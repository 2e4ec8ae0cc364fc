package org.cpc.poc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.cpc.client.TxBuilder;
import org.cpc.compute.Verification;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.market.ChallengeType;
import org.cpc.compute.market.JobVerifier;
import org.cpc.compute.market.PoolCodec;
import org.cpc.compute.market.PoolMessage.Cancel;
import org.cpc.compute.market.PoolMessage.Challenge;
import org.cpc.compute.market.PoolMessage.ErrorMessage;
import org.cpc.compute.market.PoolMessage.Heartbeat;
import org.cpc.compute.market.PoolMessage.Hello;
import org.cpc.compute.market.PoolMessage.Job;
import org.cpc.compute.market.PoolMessage.JobAccepted;
import org.cpc.compute.market.PoolMessage.JobError;
import org.cpc.compute.market.PoolMessage.JobRejected;
import org.cpc.compute.market.PoolMessage.JobResult;
import org.cpc.compute.market.PoolMessage.Welcome;
import org.cpc.compute.market.PoolMessage.WorkerMessage;
import org.cpc.compute.market.PoolProtocol;
import org.cpc.compute.market.PoolProtocolException;
import org.cpc.compute.market.PoolProtocolException.CloseCode;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PoC validator's core: tasks split into jobs, jobs handed to connected workers, every output verified before it
 * counts, accepted results merged and sent to L1. Transport-free: the WebSocket and REST layers call in.
 *
 * <p>One lock guards the task, job and session state; verification, merging and L1 calls run outside it. Every
 * state change is queued to the {@link PocStore} under the lock (so the disk sees changes in the order they were
 * made) and acted on outward (an acceptance told to the worker, a job counted, a task confirmed to its customer, a
 * SUBMIT_RESULT sent) only once that write is synced; nothing waits for a write while holding the lock.
 */
public final class Market implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Market.class);
    private static final int MAX_FAULTS_KEPT = 20;

    /**
     * A transaction this PoC validator owes L1 for a job: its SUBMIT_RESULT, or the TRANSFER paying the worker whose
     * duplicate run agreed. Both come from the validator's account and share its nonces, so one loop builds, records
     * and sends them; the signed transaction lives in the job's record, written before it is sent, so after a
     * restart it is re-sent as is (same nonce, same hash) and never built twice. Accessors need the market's lock.
     */
    sealed interface Outgoing {
        JobState job();

        JsonNode tx();

        String txHash();

        /** Records the signed transaction, or forgets it ({@code null}) so that it is built again later. */
        void record(Transaction tx);

        String what();
    }

    record ResultTx(JobState job) implements Outgoing {
        public JsonNode tx() {
            return job.tx;
        }

        public String txHash() {
            return job.txHash;
        }

        public void record(Transaction t) {
            job.tx = t == null ? null : t.toJson();
            job.txHash = t == null ? null : t.hashHex();
        }

        public String what() {
            return "the result of job " + job.id();
        }
    }

    record AuditPay(JobState job) implements Outgoing {
        public JsonNode tx() {
            return job.payTx;
        }

        public String txHash() {
            return job.payTxHash;
        }

        public void record(Transaction t) {
            job.payTx = t == null ? null : t.toJson();
            job.payTxHash = t == null ? null : t.hashHex();
        }

        public String what() {
            return "the payment of " + job.auditor + " for the duplicate run of job " + job.id();
        }
    }

    /** Where a job runs now. */
    record Assignment(JobState job, Session session, long timeoutMillis, long deadlineNanos, boolean audit) {}

    /** A connected worker. */
    public final class Session {
        final WorkerLink link;
        final byte[] nonce = new byte[32];
        final Map<String, Assignment> inflight = new LinkedHashMap<>();
        volatile long lastSeenNanos = System.nanoTime();
        String address;
        /** The key that signed the challenge: results must recover to it (cheaper than deriving the address). */
        byte[] publicKey;
        int maxJobs;
        String backend = "";
        String device = "";
        double gops;
        long accepted;
        long rejected;
        boolean closed;

        Session(WorkerLink link) {
            this.link = link;
            random.nextBytes(nonce);
        }

        public String address() {
            return address;
        }
    }

    private final PocConfig config;
    private final PocStore store;
    private final BlobStore blobs;
    private final Ledger ledger;
    private final AccountKey key;
    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();
    private final GemmBackend localGemm;
    private final Map<String, TaskState> tasks = new LinkedHashMap<>();
    private final LinkedHashSet<JobState> queue = new LinkedHashSet<>();
    private final List<Session> sessions = new ArrayList<>();
    private final Map<JobState, Long> auditWaiting = new HashMap<>();
    /** Jobs whose SUBMIT_RESULT is included and whose agreeing duplicate worker is not paid yet, oldest first. */
    private final LinkedHashSet<JobState> owed = new LinkedHashSet<>();
    /**
     * How many jobs and tasks kept in memory use each job output and merged result (by hash): retention deletes an
     * output record or a blob file only when nothing kept refers to it (outputs are content-addressed, so two tasks
     * may share one).
     */
    private final Map<String, Integer> refs = new HashMap<>();
    /** Connections that have not answered the challenge yet, with when they came. */
    private final Map<Session, Long> unauthenticated = new HashMap<>();
    /** How long a connection may take to authenticate. */
    static final long AUTH_TIMEOUT_NANOS = 10_000_000_000L;
    private final ExecutorService verifyPool;
    private final ScheduledExecutorService ticker;
    private final Thread l1Thread;
    private final ScheduledExecutorService sweeper;
    private final AtomicLong tasksRemoved = new AtomicLong();
    private final AtomicLong recordsRemoved = new AtomicLong();
    private final AtomicLong blobsRemoved = new AtomicLong();
    private final AtomicLong bytesFreed = new AtomicLong();
    private volatile long lastSweepAt;
    private final AtomicLong jobsAccepted = new AtomicLong();
    private volatile boolean closed;
    private int rr;

    public Market(PocConfig config, PocStore store, BlobStore blobs, Ledger ledger, AccountKey key, InstantSource clock) {
        this.config = config;
        this.store = store;
        this.blobs = blobs;
        this.ledger = ledger;
        this.key = key;
        this.clock = clock;
        this.localGemm = Backends.select("cpu", 1).gemm();
        load();
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        verifyPool = Executors.newFixedThreadPool(cores, Thread.ofPlatform().name("verify-", 0).daemon().factory());
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("poc-ticker").daemon().factory());
        ticker.scheduleWithFixedDelay(this::tickSafely, 100, 100, TimeUnit.MILLISECONDS);
        l1Thread = Thread.ofPlatform().name("poc-l1").daemon().start(this::l1Loop);
        // Its own thread: a sweep reads directories and deletes files, and must never hold up dispatch or L1.
        sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("poc-retention").daemon().factory());
        long every = config.retention().every().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepSafely, every, every, TimeUnit.MILLISECONDS);
    }

    public String address() {
        return key.address();
    }

    public long jobsAccepted() {
        return jobsAccepted.get();
    }

    // ------------------------------------------------------------------ restart

    private void load() {
        store.scan("t/", (k, v) -> {
            TaskState t = TaskState.fromRecord(v);
            tasks.put(t.taskId, t);
        });
        for (TaskState t : tasks.values()) {
            store.scan("j/" + t.taskId + "/", (k, v) -> {
                int index = Integer.parseInt(k.substring(k.lastIndexOf('/') + 1));
                t.jobs[index].load(v);
            });
            for (JobState j : t.jobs) {
                if (j.isAccepted()) t.accepted++;
                if (j.status.equals(JobState.INCLUDED)) t.included++;
                if (t.status.equals(TaskState.IN_PROGRESS) && (j.status.equals(JobState.QUEUED)
                        || j.status.equals(JobState.AUDITING))) {
                    queue.add(j);
                }
                if (j.status.equals(JobState.AUDITING)) auditWaiting.put(j, System.nanoTime());
                if (owesPay(j)) owed.add(j);
                if (j.outputHash != null) ref(j.outputHash);
            }
        }
        long nowS = clock.millis() / 1000;
        for (TaskState t : tasks.values()) {
            if (t.resultHash != null) ref(t.resultHash);
            if (!t.open() && t.endedAt == 0) {
                // Written before ended_at was: kept from now on, recorded so a later restart does not move it again.
                t.endedAt = nowS;
                store.write(PocStore.taskKey(t.taskId), t.toRecord());
            }
        }
        if (!tasks.isEmpty()) log.info("resumed {} tasks, {} jobs waiting for workers", tasks.size(), queue.size());
    }

    // ------------------------------------------------------------------ tasks (REST)

    /** POST /tasks: a customer's signed CREATE_TASK; checked, forwarded to L1, recorded. */
    public ObjectNode createTask(JsonNode body) {
        Transaction tx = signed(body, TxType.CREATE_TASK);
        ComputeTask ct;
        try {
            ct = ComputeTask.fromJson(tx.payload());
        } catch (RuntimeException e) {
            throw new ApiException(400, "the transaction's payload must be a ComputeTask: " + e.getMessage());
        }
        ChallengeType type = ChallengeType.named(ct.challengeType()).orElseThrow(() -> new ApiException(400,
                "unknown challenge_type '" + ct.challengeType() + "'; this PoC validator runs: synthetic, matmul"));
        try {
            type.validatePayload(ct.payload());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        if (!tx.amount().equals(ct.reward())) {
            throw new ApiException(400, "the transaction's amount (" + tx.amount() + " wei) must equal the task's reward ("
                    + ct.reward() + " wei): the amount is the escrow");
        }
        if (ct.reward().signum() <= 0) throw new ApiException(400, "the reward must be positive");
        long now = clock.millis() / 1000;
        if (ct.deadline() <= now) {
            throw new ApiException(400, "the deadline " + ct.deadline() + " is not in the future (now " + now + ")");
        }
        // Touched first: retention then keeps them a whole grace period, long enough for the task to be recorded.
        for (String in : type.inputBlobs(ct.payload())) blobs.touch(in);
        try {
            type.checkInputs(ct.payload(), blobs::size);
        } catch (IllegalArgumentException e) {
            throw new ApiException(422, e.getMessage());
        }
        long biggestJob = type.maxOutputBytes(ct.payload(), 0);
        if (biggestJob > config.maxResultBytes()) {
            throw new ApiException(422, "a job of this task returns " + biggestJob + " bytes; this PoC validator takes at"
                    + " most " + config.maxResultBytes() + " bytes per job result (lower rows_per_job)");
        }
        synchronized (this) {
            if (tasks.containsKey(ct.taskId())) throw new ApiException(409, "task " + ct.taskId() + " exists already");
        }
        Ledger.Sent sent;
        try {
            sent = ledger.send(tx);
        } catch (Ledger.Unavailable e) {
            throw new ApiException(503, "the L1 node cannot be reached to publish the task: " + e.getMessage());
        }
        if (sent instanceof Ledger.Sent.Rejected r) {
            throw new ApiException(422, "L1 refused the CREATE_TASK: " + r.reason());
        }
        TaskState t = new TaskState(ct.taskId(), tx.fromAddress(), type, ct.payload(), ct.reward(), ct.deadline(),
                now, tx.toJson(), tx.hashHex());
        CompletableFuture<Void> written;
        synchronized (this) {
            if (tasks.containsKey(t.taskId)) throw new ApiException(409, "task " + t.taskId + " exists already");
            String[] keys = new String[1 + t.jobs.length];
            JsonNode[] values = new JsonNode[keys.length];
            keys[0] = PocStore.taskKey(t.taskId);
            values[0] = t.toRecord();
            for (JobState j : t.jobs) {
                keys[1 + j.index] = PocStore.jobKey(t.taskId, j.index);
                values[1 + j.index] = j.toRecord();
            }
            written = store.write(keys, values);
            tasks.put(t.taskId, t);
        }
        written.join(); // the customer hears of the task once it is on disk
        log.info("task {} ({} jobs of {}, reward {} CPC) published by {}", t.taskId, t.jobs.length, type.name(),
                Amounts.formatCpc(t.reward), t.creator);
        ObjectNode o = Json.object();
        o.put("task_id", t.taskId);
        o.put("status", TaskState.PENDING); // as recorded: L1 may have included it while the write was synced
        o.put("created_at", t.createdAt);
        o.put("tx_hash", t.createTxHash);
        o.put("jobs_total", t.jobs.length);
        return o;
    }

    private static Transaction signed(JsonNode body, TxType type) {
        Transaction tx;
        try {
            tx = Transaction.fromJson(body);
        } catch (RuntimeException e) {
            throw new ApiException(400, "the body must be a signed " + type + " transaction: " + e.getMessage());
        }
        if (tx.txType() != type) throw new ApiException(400, "the body must be a " + type + " transaction, not " + tx.txType());
        return tx;
    }

    /**
     * POST /tasks/{id}/cancel: the creator's signed CANCEL_TASK. L1 takes it only while no job result is on chain, so
     * this PoC validator takes it only while it has accepted none: it stops the task's jobs first (a result arriving
     * meanwhile is not accepted), then forwards the transaction; if L1 refuses, the task goes on as before.
     */
    public ObjectNode cancelTask(String taskId, JsonNode body) {
        Transaction tx = signed(body, TxType.CANCEL_TASK);
        if (!taskId.equals(tx.payload() == null ? null : tx.payload().path("task_id").asText(null))) {
            throw new ApiException(400, "the CANCEL_TASK's payload must be {\"task_id\":\"" + taskId + "\"}");
        }
        TaskState t;
        String before;
        synchronized (this) {
            t = tasks.get(taskId);
            if (t == null) throw new ApiException(404, "no task " + taskId + " on this PoC validator");
            if (!tx.fromAddress().equals(t.creator)) {
                throw new ApiException(403, "only the task's creator " + t.creator + " may cancel it, not " + tx.fromAddress());
            }
            if (!t.open()) throw new ApiException(409, "task " + taskId + " is " + t.status + "; it cannot be cancelled");
            long started = java.util.Arrays.stream(t.jobs).filter(j -> j.outputHash != null).count();
            if (started > 0) {
                throw new ApiException(409, "task " + taskId + " has " + started + " accepted jobs whose results are on"
                        + " their way to L1, which refuses a cancel once one is on chain; it runs to its end");
            }
            before = t.status;
            t.status = TaskState.CANCELLED; // not written yet: no job of it is handed out or accepted from here
            withdrawJobs(t);
        }
        Ledger.Sent sent;
        try {
            sent = ledger.send(tx);
        } catch (Ledger.Unavailable e) {
            resume(t, before);
            throw new ApiException(503, "the L1 node cannot be reached to cancel the task: " + e.getMessage());
        }
        if (sent instanceof Ledger.Sent.Rejected r) {
            resume(t, before);
            throw new ApiException(422, "L1 refused the CANCEL_TASK: " + r.reason());
        }
        CompletableFuture<Void> written;
        synchronized (this) {
            t.error = "cancelled by its creator (tx " + tx.hashHex() + "); L1 gives the escrow back";
            t.endedAt = clock.millis() / 1000;
            written = store.write(PocStore.taskKey(t.taskId), t.toRecord());
        }
        written.join();
        log.info("task {} cancelled by {}", taskId, tx.fromAddress());
        ObjectNode o = Json.object();
        o.put("task_id", taskId);
        o.put("status", TaskState.CANCELLED);
        o.put("tx_hash", tx.hashHex());
        return o;
    }

    /** Takes a task's jobs back from the queue and from the workers running them; lock held. */
    private void withdrawJobs(TaskState t) {
        for (JobState j : t.jobs) queue.remove(j);
        for (Session s : sessions) {
            Iterator<Assignment> it = s.inflight.values().iterator();
            while (it.hasNext()) {
                Assignment a = it.next();
                if (a.job().task != t) continue;
                it.remove();
                a.job().assignment = null;
                if (a.job().status.equals(JobState.ASSIGNED)) a.job().status = JobState.QUEUED;
                cancelMessage(s, a.job(), "the task was cancelled by its creator");
            }
        }
        dispatch(); // the freed slots go to other tasks' jobs
    }

    /** L1 did not take the cancel: the task's jobs go back to the queue. */
    private void resume(TaskState t, String status) {
        synchronized (this) {
            t.status = status;
            for (JobState j : t.jobs) requeue(j);
            dispatch();
        }
    }

    private static void cancelMessage(Session s, JobState j, String reason) {
        s.link.send(PoolCodec.encode(new Cancel(j.id(), reason)));
    }

    public synchronized ObjectNode task(String taskId) {
        TaskState t = tasks.get(taskId);
        if (t == null) throw missing(taskId);
        return t.view();
    }

    public synchronized ObjectNode list(String status, String challengeType, int limit, int offset) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        int skipped = 0;
        int total = 0;
        List<TaskState> newestFirst = new ArrayList<>(tasks.values());
        newestFirst.sort(Comparator.comparingLong((TaskState t) -> t.createdAt).reversed());
        for (TaskState t : newestFirst) {
            if (status != null && !status.equals(t.status)) continue;
            if (challengeType != null && !challengeType.equals(t.type.name())) continue;
            total++;
            if (skipped++ < offset || out.size() >= limit) continue;
            out.add(t.view());
        }
        ObjectNode o = Json.object();
        o.set("tasks", out);
        o.put("total", total);
        o.put("limit", limit);
        o.put("offset", offset);
        return o;
    }

    /** The task's verified result blob hash; 404/409 when there is none (yet). */
    public synchronized String resultHash(String taskId) {
        TaskState t = tasks.get(taskId);
        if (t == null) throw missing(taskId);
        if (t.resultHash == null) {
            throw new ApiException(409, "task " + taskId + " has no result yet: " + t.accepted + " of " + t.jobs.length
                    + " jobs done, status " + t.status);
        }
        return t.resultHash;
    }

    /** 410 for a task retention removed, 404 for one never seen. */
    private ApiException missing(String taskId) {
        JsonNode x = store.get(PocStore.expiredKey(taskId));
        if (x == null) return new ApiException(404, "no task " + taskId + " on this PoC validator");
        return new ApiException(410, "task " + taskId + " ended " + x.path("status").asText() + " at "
                + x.path("ended_at").asLong() + " and was removed at " + x.path("removed_at").asLong()
                + " with its result: this PoC validator keeps finished tasks "
                + config.retention().keepFinished().toSeconds() + " s after they end (--keep-finished-days)");
    }

    public synchronized ObjectNode workers() {
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("workers");
        for (Session s : sessions) {
            ObjectNode w = a.addObject();
            w.put("address", s.address);
            w.put("backend", s.backend);
            w.put("device", s.device);
            w.put("gops", s.gops);
            w.put("max_jobs", s.maxJobs);
            w.put("jobs_in_flight", s.inflight.size());
            w.put("accepted", s.accepted);
            w.put("rejected", s.rejected);
        }
        o.put("jobs_queued", queue.size());
        return o;
    }

    // ------------------------------------------------------------------ workers (WebSocket)

    public Session connect(WorkerLink link) {
        Session s = new Session(link);
        synchronized (this) {
            unauthenticated.put(s, System.nanoTime());
        }
        link.send(PoolCodec.encode(new Challenge(PoolProtocol.VERSION, s.nonce)));
        return s;
    }

    public void onText(Session s, String text) {
        s.lastSeenNanos = System.nanoTime();
        WorkerMessage m;
        try {
            m = PoolCodec.decodeWorkerMessage(text);
        } catch (PoolProtocolException e) {
            fatal(s, e.code(), e.getMessage());
            return;
        }
        if (s.address == null) {
            if (!(m instanceof Hello h)) {
                fatal(s, "the first message must be {\"type\":\"hello\",...} answering the challenge");
                return;
            }
            hello(s, h);
            return;
        }
        switch (m) {
            case Heartbeat h -> { }
            case JobError e -> jobError(s, e.jobId(), e.error());
            case Hello h -> error(s, "this connection is authenticated already: hello comes once");
        }
    }

    private void hello(Session s, Hello m) {
        String address = m.address();
        byte[] pub;
        try {
            pub = Secp256k1.get().recover(PoolProtocol.authDigest(s.nonce), m.signature());
            if (!Address.account(pub).equals(address)) {
                fatal(s, "the signature was made by " + Address.account(pub) + ", not by " + address);
                return;
            }
        } catch (IllegalArgumentException e) {
            fatal(s, "authentication failed: " + e.getMessage());
            return;
        }
        synchronized (this) {
            if (closed) return;
            unauthenticated.remove(s);
            s.address = address;
            s.publicKey = pub;
            s.maxJobs = Math.min(m.maxJobs(), config.maxJobsPerWorker());
            s.backend = m.backend();
            s.device = m.device();
            s.gops = m.gops();
            sessions.add(s);
            s.link.send(PoolCodec.encode(new Welcome(address, key.address(), s.maxJobs, config.heartbeat().toMillis(),
                    config.jobTimeout().toMillis(), config.maxResultBytes())));
            log.info("worker {} connected: {} {} {} GOPS, {} jobs at a time", address, s.backend, s.device, s.gops,
                    s.maxJobs);
            dispatch();
        }
    }

    private static String limit(String s) {
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    public void onBinary(Session s, byte[] data, int offset, int length) {
        s.lastSeenNanos = System.nanoTime();
        if (s.address == null) {
            fatal(s, "authenticate before sending results");
            return;
        }
        JobResult f;
        try {
            f = PoolCodec.decode(ByteBuffer.wrap(data, offset, length), config.maxResultBytes());
        } catch (PoolProtocolException e) {
            fatal(s, e.code(), e.getMessage());
            return;
        }
        String jobId = f.jobId();
        Assignment a;
        synchronized (this) {
            a = s.inflight.get(jobId);
        }
        if (a == null) {
            error(s, "job " + jobId + " is not assigned to you (it timed out, was reassigned, or never existed)");
            return;
        }
        JobState j = a.job();
        Runnable check = () -> {
            try {
                verifyAndRecord(s, a, f);
            } catch (RuntimeException e) {
                log.error("verifying job {} from {} failed", jobId, s.address, e);
            }
        };
        // A check of a few thousand multiply-adds costs less than handing it to another thread (a wake-up and a
        // context switch per job), so it runs on the connection's thread; larger ones and audits, whose
        // disagreement recomputes the whole job, go to the pool and leave the connection reading.
        if (!a.audit() && j.task.type.verifyMacs(j.task.payload, j.index) <= INLINE_VERIFY_MACS) check.run();
        else verifyPool.execute(check);
    }

    private void verifyAndRecord(Session s, Assignment a, JobResult f) {
        JobState j = a.job();
        TaskState t = j.task;
        byte[] out = f.output();
        byte[] digest = Sha256.hash(out);
        String hash = Hex.encode(digest);
        String reason = null;
        if (out.length > t.type.maxOutputBytes(t.payload, j.index)) {
            reason = "output is " + out.length + " bytes; job " + j.index + " has at most " + t.type.maxOutputBytes(t.payload, j.index);
        } else if (!java.util.Arrays.equals(digest, f.resultHash())) {
            reason = "result_hash is not the SHA-256 of the output bytes (" + hash + ")";
        } else {
            try {
                byte[] pub = Secp256k1.get().recover(
                        PoolProtocol.resultDigest(t.taskId, s.address, hash, null, j.index), f.signature());
                if (!java.util.Arrays.equals(pub, s.publicKey)) reason = "the result signature is not the worker's";
            } catch (IllegalArgumentException e) {
                reason = "bad result signature: " + e.getMessage();
            }
        }
        if (reason == null) {
            Verification v = verifier(t).verify(j.index, out);
            if (!v.ok()) reason = v.reason();
        }
        if (reason == null && a.audit()) {
            String first;
            synchronized (this) {
                first = j.outputHash;
            }
            if (first != null && !first.equals(hash)) {
                // Both passed their checks yet differ: recompute and let the truth decide.
                byte[] truth = t.type.execute(t.payload, t.taskId, j.index, blobs, localGemm);
                String truthHash = Hex.encode(Sha256.hash(truth));
                if (!truthHash.equals(hash)) {
                    reason = "output differs from a second worker's and from the validator's own recomputation";
                } else {
                    synchronized (this) {
                        fault(j.worker, j, "duplicate execution disagreed; the validator's recomputation matched the other worker");
                        j.excluded.add(j.worker);
                        j.worker = null;
                        unref(j.outputHash);
                        j.outputHash = null;
                        j.signature = null;
                        j.status = JobState.QUEUED; // take the auditor's output as a fresh first result
                    }
                }
            }
        }
        // A small output is written with the job's record, in the same durable write; a large one is a blob file.
        String stored = null;
        byte[] inline = null;
        if (reason == null) {
            if (out.length <= INLINE_OUTPUT_BYTES) {
                stored = hash;
                inline = out;
            } else {
                stored = blobs.putBytes(out).hash();
            }
        }
        synchronized (this) {
            s.inflight.remove(j.id());
            if (j.assignment == a) j.assignment = null;
            if (!t.open() || j.isAccepted()) {
                dispatch();
                return;
            }
            if (reason != null) {
                s.rejected++;
                fault(s.address, j, reason);
                j.excluded.add(s.address);
                j.attempts++;
                if (!a.audit()) j.status = JobState.QUEUED;
                requeue(j);
                s.link.send(PoolCodec.encode(new JobRejected(j.id(), reason)));
                log.warn("job {} from {} rejected: {}", j.id(), s.address, reason);
            } else if (a.audit() && j.outputHash != null) {
                // The duplicate agrees with the first output.
                auditWaiting.remove(j);
                s.accepted++;
                BigInteger pay = auditPay(t);
                // Paid by this PoC validator once the job's SUBMIT_RESULT is included; a share too small to have a
                // PoC part pays nothing (L1 takes no transfer of 0).
                if (pay.signum() > 0) {
                    j.auditor = s.address;
                    j.payWei = pay;
                }
                String payText = formatCpc(pay);
                accept(j).thenRun(() -> ack(s, j, digest, pay, payText));
            } else {
                j.worker = s.address;
                j.outputHash = stored;
                ref(stored);
                j.signature = Hex.encode(f.signature());
                s.accepted++;
                BigInteger reward = workerReward(t);
                String rewardText = formatCpc(reward);
                CompletableFuture<Void> written;
                // (SecureRandom costs a few µs: not drawn when nothing is duplicated.)
                if (config.duplicateProbability() > 0 && random.nextDouble() < config.duplicateProbability()
                        && otherWorkerThan(s.address)) {
                    j.status = JobState.AUDITING;
                    j.excluded.add(s.address);
                    auditWaiting.put(j, System.nanoTime());
                    written = persist(j, stored, inline);
                    requeue(j);
                } else {
                    j.status = JobState.ACCEPTED;
                    written = persist(j, stored, inline).thenRun(() -> counted(j));
                }
                // The worker hears "accepted" only once the record is synced: a power loss cannot undo it.
                written.thenRun(() -> ack(s, j, digest, reward, rewardText));
            }
            dispatch();
        }
    }

    private static void ack(Session s, JobState j, byte[] hash, BigInteger reward, String rewardText) {
        s.link.send(PoolCodec.encode(new JobAccepted(j.id(), hash, reward, rewardText)));
    }

    private BigInteger lastReward;
    private String lastRewardText;

    /** {@link Amounts#formatCpc}, remembered for the last amount (every job of a task pays the same); lock held. */
    private String formatCpc(BigInteger reward) {
        if (!reward.equals(lastReward)) {
            lastRewardText = Amounts.formatCpc(reward);
            lastReward = reward;
        }
        return lastRewardText;
    }

    /** L1's parameters, read by the first L1 pass: no task is released to workers before it. */
    private volatile NetworkParams l1Params;

    /** What L1 pays the worker for one job of {@code t}: floor(floor(reward / jobs) × worker bps / 10000). */
    private BigInteger workerReward(TaskState t) {
        NetworkParams p = l1Params;
        if (p == null) return t.jobReward(); // L1 not asked yet: the job's whole share
        return part(t, p.marketWorkerShareBps());
    }

    /**
     * What this PoC validator pays the worker whose duplicate run agreed: its own part of the job's share,
     * floor(floor(reward / jobs) × poc bps / 10000), so an audit costs the customer nothing and creates no wei.
     */
    private BigInteger auditPay(TaskState t) {
        NetworkParams p = l1Params;
        return p == null ? BigInteger.ZERO : part(t, p.marketPocShareBps());
    }

    private static BigInteger part(TaskState t, int bps) {
        return t.jobReward().multiply(BigInteger.valueOf(bps)).divide(BigInteger.valueOf(10_000));
    }

    /** Whether the job's agreeing duplicate worker is still to be paid: its SUBMIT_RESULT is in, the TRANSFER not. */
    private static boolean owesPay(JobState j) {
        return j.auditor != null && !j.paid && j.status.equals(JobState.INCLUDED);
    }

    private JobVerifier verifier(TaskState t) {
        synchronized (t) {
            if (t.verifier == null) t.verifier = t.type.verifier(t.payload, t.taskId, blobs, random);
            return t.verifier;
        }
    }

    private boolean otherWorkerThan(String address) {
        for (Session o : sessions) if (!o.address.equals(address)) return true;
        return false;
    }

    /** Marks the job accepted; it counts (and may be merged) once its record is on disk. */
    private CompletableFuture<Void> accept(JobState j) {
        j.status = JobState.ACCEPTED;
        return persist(j).thenRun(() -> counted(j));
    }

    /** Counts an accepted job, once its record is written. */
    private void counted(JobState j) {
        synchronized (this) {
            j.task.accepted++;
        }
        jobsAccepted.incrementAndGet();
    }

    private void fault(String worker, JobState j, String reason) {
        String k = PocStore.workerKey(worker);
        JsonNode old = store.get(k);
        ObjectNode w = old == null ? Json.object() : (ObjectNode) old;
        w.put("faults_total", w.path("faults_total").asLong() + 1);
        ArrayNode list = w.has("faults") ? (ArrayNode) w.get("faults") : w.putArray("faults");
        ObjectNode e = list.addObject();
        e.put("job_id", j.id());
        e.put("reason", reason);
        e.put("at", clock.millis() / 1000);
        while (list.size() > MAX_FAULTS_KEPT) list.remove(0);
        store.putNow(k, w); // worker records are written only here, so the read above saw the last write
    }

    /** A worker's record: faults (wrong results) so far. */
    public JsonNode workerRecord(String address) {
        JsonNode w = store.get(PocStore.workerKey(address));
        return w == null ? Json.object() : w;
    }

    private void jobError(Session s, String jobId, String error) {
        synchronized (this) {
            Assignment a = s.inflight.remove(jobId);
            if (a == null) return;
            JobState j = a.job();
            if (j.assignment == a) j.assignment = null;
            j.attempts++;
            j.lastError = limit(error);
            if (j.status.equals(JobState.ASSIGNED)) j.status = JobState.QUEUED;
            requeue(j);
            log.info("worker {} could not run job {}: {}", s.address, jobId, error);
            dispatch();
        }
    }

    public void disconnected(Session s, String why) {
        synchronized (this) {
            unauthenticated.remove(s);
            if (s.closed) return;
            s.closed = true;
            sessions.remove(s);
            for (Assignment a : s.inflight.values()) {
                JobState j = a.job();
                if (j.assignment == a) j.assignment = null;
                if (j.status.equals(JobState.ASSIGNED)) j.status = JobState.QUEUED;
                requeue(j);
            }
            int lost = s.inflight.size();
            s.inflight.clear();
            if (s.address != null) log.info("worker {} left ({}); {} jobs back in the queue", s.address, why, lost);
            dispatch();
        }
    }

    /** Says why, then hangs up: a worker that does not authenticate. */
    private void fatal(Session s, String message) {
        fatal(s, CloseCode.POLICY_VIOLATION, message);
    }

    private void fatal(Session s, CloseCode code, String message) {
        error(s, message);
        s.link.close(code.value(), PoolProtocolException.closeReason(message));
        disconnected(s, message);
    }

    private static void error(Session s, String message) {
        s.link.send(PoolCodec.encode(new ErrorMessage(message)));
    }

    // ------------------------------------------------------------------ dispatch

    private void requeue(JobState j) {
        if (j.task.status.equals(TaskState.IN_PROGRESS)) queue.add(j);
    }

    /** Hands queued jobs to workers with free slots; called with the lock held after every change. */
    private void dispatch() {
        if (queue.isEmpty() || sessions.isEmpty()) return;
        int budget = queue.size();
        while (budget-- > 0 && !queue.isEmpty()) {
            if (!anyFreeSlot()) return;
            JobState j = queue.removeFirst();
            boolean waiting = j.status.equals(JobState.QUEUED)
                    || (j.status.equals(JobState.AUDITING) && j.assignment == null);
            if (!waiting || !j.task.status.equals(TaskState.IN_PROGRESS)) continue;
            Session s = freeSession(j);
            if (s == null) {
                queue.addLast(j);
                continue;
            }
            assign(j, s);
        }
    }

    private boolean anyFreeSlot() {
        for (Session s : sessions) if (s.inflight.size() < s.maxJobs) return true;
        return false;
    }

    private Session freeSession(JobState j) {
        int n = sessions.size();
        for (int i = 0; i < n; i++) {
            Session s = sessions.get((rr + i) % n);
            if (s.inflight.size() < s.maxJobs && !j.excluded.contains(s.address)) {
                rr = (rr + i + 1) % n;
                return s;
            }
        }
        return null;
    }

    /** Shortest job timeout, whatever the worker's speed: connection hiccups, a GC pause, the result's upload. */
    static final long MIN_JOB_TIMEOUT_MS = 10_000;
    /** How many times its expected compute time a job may take before it goes to another worker. */
    static final int JOB_TIMEOUT_SLACK = 4;

    /**
     * How long a worker may take for a job of {@code macs} multiply-adds: {@link #JOB_TIMEOUT_SLACK} times what its
     * advertised {@code gops} (2 int8 ops per multiply-add) needs for this job and the {@code queued - 1} it holds
     * already (a worker runs its jobs one after another), at least {@link #MIN_JOB_TIMEOUT_MS}, at most
     * {@code capMillis} (--job-timeout), which is also the timeout of a worker that advertised no speed. A worker
     * that overstates its GOPS only shortens its own timeouts.
     */
    static long jobTimeoutMillis(long macs, double gops, int queued, long capMillis) {
        if (!(gops > 0) || Double.isInfinite(gops)) return capMillis;
        double expectedMs = 2.0 * macs * queued / (gops * 1e6);
        double scaled = Math.ceil(JOB_TIMEOUT_SLACK * expectedMs);
        return Math.min(capMillis, Math.max(MIN_JOB_TIMEOUT_MS, scaled >= capMillis ? capMillis : (long) scaled));
    }

    private void assign(JobState j, Session s) {
        boolean audit = j.status.equals(JobState.AUDITING);
        TaskState t = j.task;
        long timeout = jobTimeoutMillis(t.type.jobMacs(t.payload, j.index), s.gops, s.inflight.size() + 1,
                config.jobTimeout().toMillis());
        Assignment a = new Assignment(j, s, timeout, System.nanoTime() + timeout * 1_000_000L, audit);
        j.assignment = a;
        if (!audit) j.status = JobState.ASSIGNED;
        s.inflight.put(j.id(), a);
        s.link.send(PoolCodec.encode(new Job(j.id(), t.taskId, j.index, t.type.name(), t.payload,
                t.type.describeJob(t.payload, j.index), t.type.maxOutputBytes(t.payload, j.index), a.timeoutMillis())));
    }

    // ------------------------------------------------------------------ timers

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.error("PoC validator tick failed", e);
        }
    }

    private void tick() {
        long now = System.nanoTime();
        long nowS = clock.millis() / 1000;
        List<Session> dead = new ArrayList<>();
        List<Session> silent = new ArrayList<>();
        synchronized (this) {
            for (var e : unauthenticated.entrySet()) {
                if (now - e.getValue() > AUTH_TIMEOUT_NANOS) silent.add(e.getKey());
            }
            for (Session s : sessions) {
                if (now - s.lastSeenNanos > 3 * config.heartbeat().toNanos()) dead.add(s);
                Iterator<Assignment> it = s.inflight.values().iterator();
                while (it.hasNext()) {
                    Assignment a = it.next();
                    if (now - a.deadlineNanos() < 0) continue;
                    it.remove();
                    JobState j = a.job();
                    if (j.assignment == a) j.assignment = null;
                    j.attempts++;
                    if (j.status.equals(JobState.ASSIGNED)) j.status = JobState.QUEUED;
                    requeue(j);
                    cancelMessage(s, j, "timed out after " + a.timeoutMillis() + " ms; given to another worker");
                    log.info("job {} timed out on {}; reassigning", j.id(), s.address);
                }
            }
            for (TaskState t : tasks.values()) {
                if (t.open() && nowS > t.deadline && t.accepted < t.jobs.length) {
                    t.status = TaskState.FAILED;
                    t.endedAt = nowS;
                    t.error = "the deadline passed with " + t.accepted + " of " + t.jobs.length
                            + " jobs done; L1 returns the unsettled escrow to the customer";
                    store.write(PocStore.taskKey(t.taskId), t.toRecord());
                    log.info("task {} failed: {}", t.taskId, t.error);
                }
            }
            Iterator<Map.Entry<JobState, Long>> audits = auditWaiting.entrySet().iterator();
            while (audits.hasNext()) {
                var e = audits.next();
                JobState j = e.getKey();
                if (!j.status.equals(JobState.AUDITING)) {
                    audits.remove();
                } else if (j.assignment == null && now - e.getValue() > config.jobTimeout().toNanos()) {
                    audits.remove();
                    queue.remove(j);
                    accept(j); // nobody else could run the duplicate in time; the verified output stands
                }
            }
            dispatch();
        }
        for (Session s : dead) {
            s.link.close(1001, "missed heartbeats");
            disconnected(s, "missed heartbeats");
        }
        for (Session s : silent) {
            s.link.close(1008, "no hello within 10 s of the challenge");
            disconnected(s, "did not authenticate");
        }
    }

    // ------------------------------------------------------------------ retention

    private void ref(String hash) {
        refs.merge(hash, 1, Integer::sum);
    }

    /** Drops one use of {@code hash}; true when nothing kept uses it any more. Lock held. */
    private boolean unref(String hash) {
        Integer n = refs.get(hash);
        if (n == null || n <= 1) {
            refs.remove(hash);
            return true;
        }
        refs.put(hash, n - 1);
        return false;
    }

    /** What one retention sweep removed. */
    record Swept(int tasks, int records, int blobs, long bytes) {}

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.error("retention sweep failed", e);
        }
    }

    /**
     * One retention pass, at most {@link Retention#maxDeletions()} deletions: finished tasks kept longer than
     * {@link Retention#keepFinished()} with nothing left to send to L1 (their records and inline outputs in one
     * write, leaving a marker for 410), then blob files older than {@link Retention#blobGrace()} that no unfinished
     * task reads and no kept task produced. The lock is held only to pick tasks and to look hashes up. Package-private
     * for tests.
     */
    Swept sweep() {
        Retention r = config.retention();
        long started = System.nanoTime(); // for the log line only
        long nowS = clock.millis() / 1000;
        int budget = r.maxDeletions();
        List<TaskState> expired = new ArrayList<>();
        Set<String> openInputs = new HashSet<>();
        List<String> keys = new ArrayList<>();
        List<JsonNode> values = new ArrayList<>();
        CompletableFuture<Void> written = null;
        synchronized (this) {
            for (TaskState t : tasks.values()) {
                if (t.open()) {
                    openInputs.addAll(t.type.inputBlobs(t.payload));
                } else if (expired.size() < budget && t.endedAt > 0 && nowS - t.endedAt >= r.keepFinished().toSeconds() && settled(t)) {
                    expired.add(t);
                }
            }
            for (TaskState t : expired) {
                tasks.remove(t.taskId);
                keys.add(PocStore.taskKey(t.taskId));
                values.add(null);
                for (JobState j : t.jobs) {
                    keys.add(PocStore.jobKey(t.taskId, j.index));
                    values.add(null);
                    // Small outputs are records; a large one is a blob file, left to the blob pass below.
                    if (j.outputHash != null && unref(j.outputHash)
                            && store.getBytes(PocStore.outputKey(j.outputHash)) != null) {
                        keys.add(PocStore.outputKey(j.outputHash));
                        values.add(null);
                    }
                }
                if (t.resultHash != null) unref(t.resultHash);
                ObjectNode x = Json.object();
                x.put("status", t.status);
                x.put("ended_at", t.endedAt);
                x.put("removed_at", nowS);
                keys.add(PocStore.expiredKey(t.taskId));
                values.add(x);
            }
            if (!keys.isEmpty()) written = store.write(keys.toArray(String[]::new), values.toArray(JsonNode[]::new));
        }
        if (written != null) written.join();
        budget -= expired.size();
        int blobCount = 0;
        long bytes = 0;
        Instant cutoff = clock.instant().minus(r.blobGrace());
        try (Stream<String> hashes = blobs.hashes()) {
            Iterator<String> it = hashes.iterator();
            while (budget > 0 && it.hasNext()) {
                String h = it.next();
                if (openInputs.contains(h)) continue;
                synchronized (this) {
                    if (refs.containsKey(h)) continue;
                }
                // A blob stored again after the look-up above is young again: deleteIfOlder keeps it.
                long size = blobs.deleteIfOlder(h, cutoff);
                if (size >= 0) {
                    blobCount++;
                    bytes += size;
                    budget--;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the blobs: " + e.getMessage(), e);
        }
        int records = keys.size() - expired.size(); // the 410 markers are not deletions
        tasksRemoved.addAndGet(expired.size());
        recordsRemoved.addAndGet(records);
        blobsRemoved.addAndGet(blobCount);
        bytesFreed.addAndGet(bytes);
        lastSweepAt = nowS;
        if (!expired.isEmpty() || blobCount > 0) {
            log.info("retention: removed {} finished tasks ({} records) and {} blobs ({} bytes) in {} ms", expired.size(),
                    records, blobCount, bytes, (System.nanoTime() - started) / 1_000_000);
        }
        return new Swept(expired.size(), records, blobCount, bytes);
    }

    /** Nothing of the task is still on its way to L1: no recorded SUBMIT_RESULT pending, no payment owed. Lock held. */
    private static boolean settled(TaskState t) {
        for (JobState j : t.jobs) {
            if (j.status.equals(JobState.ACCEPTED) && j.tx != null) return false;
            if (owesPay(j)) return false;
        }
        return true;
    }

    /** GET /retention: the policy and what it removed since this PoC validator started. */
    public ObjectNode retention() {
        Retention r = config.retention();
        ObjectNode o = Json.object();
        o.put("keep_finished_s", r.keepFinished().toSeconds());
        o.put("blob_grace_s", r.blobGrace().toSeconds());
        o.put("max_deletions_per_sweep", r.maxDeletions());
        o.put("sweep_every_s", r.every().toSeconds());
        o.put("last_sweep_at", lastSweepAt);
        o.put("tasks_removed", tasksRemoved.get());
        o.put("records_removed", recordsRemoved.get());
        o.put("blobs_removed", blobsRemoved.get());
        o.put("bytes_freed", bytesFreed.get());
        return o;
    }

    // ------------------------------------------------------------------ L1

    private void l1Loop() {
        Backoff backoff = new Backoff();
        while (!closed) {
            try {
                l1Step();
                backoff.reset();
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            } catch (Ledger.Unavailable e) {
                log.warn("L1 unavailable: {}", e.getMessage());
                try {
                    Thread.sleep(backoff.next());
                } catch (InterruptedException ie) {
                    return;
                }
            } catch (RuntimeException e) {
                log.error("L1 step failed", e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private static final class Backoff {
        long next = 250;

        long next() {
            long d = next;
            next = Math.min(10_000, next * 2);
            return d;
        }

        void reset() {
            next = 250;
        }
    }

    /** One pass over what L1 must learn or confirm. Package-private for tests. */
    void l1Step() {
        if (l1Params == null) l1Params = ledger.params();
        List<TaskState> pending = new ArrayList<>();
        List<Outgoing> sent = new ArrayList<>();
        List<Outgoing> unsent = new ArrayList<>();
        List<TaskState> toMerge = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (this) {
            for (TaskState t : tasks.values()) {
                if (t.status.equals(TaskState.PENDING)) pending.add(t);
                if (t.status.equals(TaskState.COMPLETED) || t.status.equals(TaskState.CANCELLED)) continue;
                if (t.status.equals(TaskState.FAILED) && t.accepted == t.included) continue;
                for (JobState j : t.jobs) {
                    if (!j.status.equals(JobState.ACCEPTED)) continue;
                    if (j.tx != null) sent.add(new ResultTx(j));
                    else if (t.open() && now - j.nextTryNanos >= 0) unsent.add(new ResultTx(j)); // L1 refuses them after the deadline
                }
                if (t.accepted == t.jobs.length && t.resultHash == null) toMerge.add(t);
            }
            // Payments after the results: results have deadlines, and a payment L1 refuses (say, the balance is
            // short) then holds up nothing behind it in its group.
            for (JobState j : owed) {
                if (j.payTx != null) sent.add(new AuditPay(j));
                else if (now - j.nextTryNanos >= 0) unsent.add(new AuditPay(j));
            }
        }
        for (TaskState t : pending) {
            Ledger.TxState st = ledger.txState(t.createTxHash);
            if (st == Ledger.TxState.INCLUDED) {
                synchronized (this) {
                    if (!t.status.equals(TaskState.PENDING)) continue;
                    t.status = TaskState.IN_PROGRESS;
                    store.write(PocStore.taskKey(t.taskId), t.toRecord());
                    for (JobState j : t.jobs) if (j.status.equals(JobState.QUEUED)) queue.add(j);
                    log.info("task {} is on chain; {} jobs released to workers", t.taskId, t.jobs.length);
                    dispatch();
                }
            } else if (st == Ledger.TxState.UNKNOWN) {
                if (ledger.send(Transaction.fromJson(t.createTx)) instanceof Ledger.Sent.Rejected r) {
                    synchronized (this) {
                        t.status = TaskState.FAILED;
                        t.error = "L1 refused the CREATE_TASK: " + r.reason();
                        t.endedAt = clock.millis() / 1000;
                        store.write(PocStore.taskKey(t.taskId), t.toRecord());
                    }
                }
            }
        }
        int inMempool = 0;
        List<Outgoing> included = new ArrayList<>();
        for (Outgoing o : sent) {
            String hash;
            JsonNode tx;
            synchronized (this) {
                hash = o.txHash();
                tx = o.tx();
            }
            Ledger.TxState st = ledger.txState(hash);
            if (st == Ledger.TxState.INCLUDED) {
                included.add(o);
            } else if (st == Ledger.TxState.PENDING) {
                inMempool++;
            } else if (!(ledger.send(Transaction.fromJson(tx)) instanceof Ledger.Sent.Rejected r)) {
                inMempool++;
            } else {
                refused(o, r.reason()); // stale nonce or changed state: built again, later
            }
        }
        if (!included.isEmpty()) {
            List<JobState> changed = new ArrayList<>(included.size());
            synchronized (this) {
                for (Outgoing o : included) {
                    JobState j = o.job();
                    switch (o) {
                        case ResultTx r -> {
                            j.status = JobState.INCLUDED;
                            j.task.included++;
                            if (owesPay(j)) owed.add(j);
                        }
                        case AuditPay p -> {
                            j.paid = true;
                            owed.remove(j);
                            log.info("paid {} for the duplicate run of job {} (tx {})", j.auditor, j.id(), j.payTxHash);
                        }
                    }
                    changed.add(j);
                }
                persist(changed); // one write for all of them
            }
        }
        // Built and signed in groups, each group written in one durable write before any of it is sent: after a
        // crash every transaction recorded is re-sent as is.
        int room = Math.max(0, config.maxPendingL1() - inMempool);
        List<Outgoing> toSend = unsent.size() > room ? unsent.subList(0, room) : unsent;
        groups:
        for (int from = 0; from < toSend.size(); from += L1_GROUP) {
            List<Outgoing> group = toSend.subList(from, Math.min(toSend.size(), from + L1_GROUP));
            List<Transaction> txs = new ArrayList<>(group.size());
            long nonce = ledger.nextNonce(key.address()); // the group takes consecutive nonces from here
            for (Outgoing o : group) txs.add(build(o, l1Params, nonce++));
            List<JobState> jobs = new ArrayList<>(group.size());
            CompletableFuture<Void> recorded;
            synchronized (this) {
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).record(txs.get(i));
                    jobs.add(group.get(i).job());
                }
                recorded = persist(jobs);
            }
            recorded.join();
            for (int i = 0; i < group.size(); i++) {
                if (ledger.send(txs.get(i)) instanceof Ledger.Sent.Rejected r) {
                    refused(group.get(i), r.reason());
                    // The rest would follow a nonce gap: drop their transactions; they are built again next pass.
                    List<Outgoing> rest = group.subList(i + 1, group.size());
                    synchronized (this) {
                        List<JobState> dropped = new ArrayList<>(rest.size());
                        for (Outgoing o : rest) {
                            o.record(null);
                            dropped.add(o.job());
                        }
                        if (!dropped.isEmpty()) persist(dropped);
                    }
                    break groups;
                }
            }
        }
        finishL1Step(toMerge);
    }

    /** How many transactions are built and recorded together before they are sent. */
    private static final int L1_GROUP = 256;

    /** L1 refused a recorded transaction: it is forgotten and built again (with a fresh nonce) in 2 s. */
    private void refused(Outgoing o, String reason) {
        synchronized (this) {
            o.record(null);
            o.job().lastError = reason;
            o.job().nextTryNanos = System.nanoTime() + 2_000_000_000L;
            persist(o.job());
        }
        log.warn("L1 refused {}: {}", o.what(), reason);
    }

    private Transaction build(Outgoing o, NetworkParams params, long nonce) {
        return switch (o) {
            case ResultTx r -> resultTransaction(r.job(), params, nonce);
            case AuditPay p -> {
                String to;
                BigInteger amount;
                synchronized (this) {
                    to = p.job().auditor;
                    amount = p.job().payWei;
                }
                yield TxBuilder.of(params, key).nonce(nonce).timestamp(clock.millis() / 1000).transfer(to, amount);
            }
        };
    }

    private void finishL1Step(List<TaskState> toMerge) {
        for (TaskState t : toMerge) merge(t);
        synchronized (this) {
            for (TaskState t : tasks.values()) {
                if (t.status.equals(TaskState.IN_PROGRESS) && t.included == t.jobs.length && t.resultHash != null) {
                    t.status = TaskState.COMPLETED;
                    t.endedAt = clock.millis() / 1000;
                    store.write(PocStore.taskKey(t.taskId), t.toRecord());
                    log.info("task {} completed: result {}", t.taskId, t.resultHash);
                }
            }
        }
    }

    private Transaction resultTransaction(JobState j, NetworkParams params, long nonce) {
        ComputeResult r;
        synchronized (this) {
            r = new ComputeResult(j.task.taskId, j.worker, j.outputHash, null, (long) j.index, j.signature);
        }
        return TxBuilder.of(params, key).nonce(nonce).timestamp(clock.millis() / 1000).submitResult(r);
    }

    /** Largest verification (in multiply-adds) run on the connection's thread instead of the pool: tens of µs. */
    static final long INLINE_VERIFY_MACS = 65_536;

    /** Largest job output kept in the database; larger ones are blob files. */
    static final int INLINE_OUTPUT_BYTES = 64 * 1024;

    private byte[] output(String hash) {
        byte[] b = store.getBytes(PocStore.outputKey(hash));
        return b != null ? b : blobs.read(hash);
    }

    private void merge(TaskState t) {
        String[] hashes = new String[t.jobs.length];
        synchronized (this) {
            for (JobState j : t.jobs) hashes[j.index] = j.outputHash;
        }
        try (BlobStore.Writer w = blobs.writer()) {
            for (int i = 0; i < hashes.length; i++) w.write(t.type.mergePart(t.payload, i, output(hashes[i])));
            String h = w.commit().hash();
            synchronized (this) {
                t.resultHash = h;
                ref(h);
                store.write(PocStore.taskKey(t.taskId), t.toRecord());
            }
            synchronized (t) {
                t.verifier = null; // let the inputs' mappings and Freivalds' vectors go
            }
            for (String in : t.type.inputBlobs(t.payload)) blobs.unmap(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge the result of task " + t.taskId + ": " + e.getMessage(), e);
        }
    }

    private CompletableFuture<Void> persist(JobState j) {
        return store.write(PocStore.jobKey(j.task.taskId, j.index), j.toRecord());
    }

    /** The job's record and, when {@code output} is not null, the output under {@code hash}: one atomic write. */
    private CompletableFuture<Void> persist(JobState j, String hash, byte[] output) {
        if (output == null) return persist(j);
        return store.write(new String[] {PocStore.jobKey(j.task.taskId, j.index)}, new JsonNode[] {j.toRecord()},
                PocStore.outputKey(hash), output);
    }

    /** Several job records in one (atomic) write; with the lock held. */
    private CompletableFuture<Void> persist(List<JobState> js) {
        String[] keys = new String[js.size()];
        JsonNode[] values = new JsonNode[js.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = PocStore.jobKey(js.get(i).task.taskId, js.get(i).index);
            values[i] = js.get(i).toRecord();
        }
        return store.write(keys, values);
    }

    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        sweeper.shutdownNow();
        l1Thread.interrupt();
        verifyPool.shutdownNow();
        try {
            verifyPool.awaitTermination(5, TimeUnit.SECONDS);
            l1Thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            for (Session s : new ArrayList<>(sessions)) s.link.close(1001, "PoC validator stopping");
            sessions.clear();
        }
    }
}
