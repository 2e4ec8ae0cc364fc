package org.cpc.poc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.cpc.compute.market.PoolMessage;
import org.cpc.poc.core.Job;
import org.cpc.poc.core.JobStatus;
import org.cpc.poc.core.PocMachine;
import org.cpc.poc.core.Task;
import org.cpc.poc.core.Verdict;
import org.cpc.protocol.types.TaskStatus;

/**
 * The PoC validator's Prometheus metrics ({@code GET /metrics} on the Task Market). Counts are taken at the edges of
 * the {@link PocMachine} — the messages the driver sends, the verdicts of the output checks, what the L1 outbox
 * learns — and the tasks and jobs by status are counted on the machine's thread, once per scrape
 * ({@link #snapshot}), so the machine itself has no metrics, threads or locks. Tag values come from fixed sets.
 */
final class PocMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter dispatched;
    private final Counter accepted;
    private final Counter rejected;
    private final Counter cancelled;
    private final Map<Class<?>, Timer> verification = new HashMap<>();
    private final Timer verificationError;
    private final Counter l1Sent;
    private final Counter l1Refused;
    private final Counter l1TasksRefused;
    private final Counter l1Unavailable;
    private final Counter disputes;
    private final AtomicLong l1Pending = new AtomicLong();
    /** The GOPS the connected workers announced, summed (as of the last scrape), as raw double bits. */
    private final AtomicLong workersGops = new AtomicLong();
    private final Map<TaskStatus, AtomicLong> tasks;
    private final Map<JobStatus, AtomicLong> jobs;

    PocMetrics() {
        dispatched = counter("cpc_poc_jobs_dispatched", "jobs sent to workers (re-sends included)");
        accepted = counter("cpc_poc_jobs_accepted", "results verified and accepted");
        rejected = counter("cpc_poc_jobs_rejected", "results refused (wrong, late, malformed)");
        cancelled = counter("cpc_poc_jobs_cancelled", "jobs taken back from workers");
        verification.put(Verdict.Good.class, verifyTimer("good"));
        verification.put(Verdict.Wrong.class, verifyTimer("wrong"));
        verification.put(Verdict.FirstWasWrong.class, verifyTimer("first_was_wrong"));
        verificationError = verifyTimer("error");
        l1Sent = counter("cpc_poc_l1_sent", "SUBMIT_RESULT and payment transactions sent to L1");
        l1Refused = counter("cpc_poc_l1_refused", "transactions L1 refused (built again later)");
        l1TasksRefused = counter("cpc_poc_l1_tasks_refused", "CREATE_TASKs L1 refused");
        l1Unavailable = counter("cpc_poc_l1_unavailable", "L1 passes that found the node unreachable");
        disputes = counter("cpc_poc_disputes",
                "jobs of this PoC validator that a FRAUD_PROOF proved wrong on L1 (each slashed its bond)");
        Gauge.builder("cpc_poc_l1_pending", l1Pending, AtomicLong::get)
                .description("transactions sent and waiting in L1's mempool, as of the last pass").register(registry);
        Gauge.builder("cpc_poc_workers_gops", workersGops, g -> Double.longBitsToDouble(g.get()))
                .description("GOPS the connected workers announced, summed (as of the last scrape)").register(registry);
        tasks = byStatus(TaskStatus.class, TaskStatus::wire, "cpc_poc_tasks",
                "tasks held, by status (as of the last scrape)");
        jobs = byStatus(JobStatus.class, JobStatus::wire, "cpc_poc_jobs",
                "jobs of the tasks held, by status (as of the last scrape)");
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    /** One gauge per status of {@code type}, tagged with its wire name; their values are set at each scrape. */
    private <S extends Enum<S>> Map<S, AtomicLong> byStatus(Class<S> type, Function<S, String> wire, String name,
                                                            String description) {
        Map<S, AtomicLong> gauges = new EnumMap<>(type);
        for (S s : type.getEnumConstants()) {
            AtomicLong n = new AtomicLong();
            gauges.put(s, n);
            Gauge.builder(name, n, AtomicLong::get).tag("status", wire.apply(s)).description(description)
                    .register(registry);
        }
        return gauges;
    }

    private Timer verifyTimer(String outcome) {
        return Timer.builder("cpc_poc_verification").tag("outcome", outcome)
                .description("time to check a worker's output, by verdict").register(registry);
    }

    /** The driver's queue of inputs for the machine and the workers connected. */
    void registerDriver(IntSupplier queue, IntSupplier workers) {
        Gauge.builder("cpc_poc_core_queue", queue, IntSupplier::getAsInt)
                .description("inputs waiting for the PoC validator's core thread").register(registry);
        Gauge.builder("cpc_poc_workers_connected", workers, IntSupplier::getAsInt)
                .description("worker sessions connected to /worker").register(registry);
    }

    /** A message the driver sends a worker. */
    void sent(PoolMessage m) {
        switch (m) {
            case PoolMessage.Job j -> dispatched.increment();
            case PoolMessage.JobAccepted a -> accepted.increment();
            case PoolMessage.JobRejected r -> rejected.increment();
            case PoolMessage.Cancel c -> cancelled.increment();
            default -> { }
        }
    }

    /** @param verdict null when the check itself failed */
    void verified(Verdict verdict, long nanos) {
        Timer t = verdict == null ? verificationError : verification.getOrDefault(verdict.getClass(), verificationError);
        t.record(Duration.ofNanos(nanos));
    }

    void l1Pass(int pending) {
        l1Pending.set(pending);
    }

    void l1Sent() {
        l1Sent.increment();
    }

    void l1Refused() {
        l1Refused.increment();
    }

    void l1TaskRefused() {
        l1TasksRefused.increment();
    }

    void l1Unavailable() {
        l1Unavailable.increment();
    }

    void disputed() {
        disputes.increment();
    }

    void httpRequest(String method, String route, int status, long nanos) {
        Timer.builder("cpc_poc_http_requests").tag("method", method).tag("route", route)
                .tag("status", Integer.toString(status)).register(registry).record(Duration.ofNanos(nanos));
    }

    /** Counts the tasks and jobs by status: a query, run on the machine's thread. */
    Void snapshot(PocMachine m) {
        Map<TaskStatus, Long> t = new EnumMap<>(TaskStatus.class);
        Map<JobStatus, Long> j = new EnumMap<>(JobStatus.class);
        for (Task task : m.tasks()) {
            t.merge(task.status(), 1L, Long::sum);
            for (int i = 0; i < task.jobCount(); i++) {
                Job job = task.job(i);
                if (job != null) j.merge(job.status(), 1L, Long::sum);
            }
        }
        double gops = 0;
        for (var w : m.workers().path("workers")) gops += w.path("gops").asDouble();
        workersGops.set(Double.doubleToLongBits(gops));
        tasks.forEach((s, n) -> n.set(t.getOrDefault(s, 0L)));
        jobs.forEach((s, n) -> n.set(j.getOrDefault(s, 0L)));
        return null;
    }

    String scrape() {
        return registry.scrape();
    }
}
