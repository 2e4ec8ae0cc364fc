package org.cpc.testnet;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a chaos run observed, in the order it was observed: what each node said (heights, blocks, balances),
 * what the load generator sent and was told, and when faults began and ended. The {@link Checkers} read only this,
 * after the run, as Jepsen's checkers read a history; a violation is shown as the few events that prove it.
 */
public final class History {
    /** Something observed at wall-clock {@code atMs} (unix milliseconds, the clock block timestamps use). */
    public sealed interface Event {
        long atMs();
    }

    /** A transaction inside a block, as much of it as the checkers need. */
    public record TxRef(String hash, String from, String to, long nonce, BigInteger amount, BigInteger charge) {}

    /** Node {@code node} serves {@code hash} at {@code height}; {@code certificateProblem} null = it verified. */
    public record BlockSeen(long atMs, int node, long height, String hash, long timestampMs, List<TxRef> txs,
                            String certificateProblem) implements Event {
        public BlockSeen {
            txs = List.copyOf(txs);
        }
    }

    /** Node {@code node}'s committed head was {@code height}. */
    public record HeightSeen(long atMs, int node, long height) implements Event {}

    /** The load sent {@code txHash} (nonce {@code nonce} of load account {@code account}) to {@code node}. */
    public record Sent(long atMs, int account, int node, String txHash, long nonce, boolean accepted, String error)
            implements Event {}

    /** Node {@code node} answered that {@code txHash} is included at {@code height}: an acknowledged inclusion. */
    public record Included(long atMs, int node, String txHash, long height) implements Event {}

    /**
     * Fault {@code index} was applied; {@code maxHeight} was the highest head any node reported just before;
     * {@code halts}: no group holds a quorum while it lasts ({@link Fault#halts()}).
     */
    public record FaultStarted(long atMs, int index, String fault, long maxHeight, boolean halts) implements Event {}

    /** Fault {@code index} was healed. */
    public record FaultHealed(long atMs, int index, String fault, long maxHeight) implements Event {}

    /**
     * The outcome of waiting for progress: {@code phase} "under fault" (the nodes holding a quorum kept finalizing)
     * or "after heal"; {@code tookMs} until every node in {@code nodes} passed {@code target}, or -1 when the
     * bound ran out first, with the heights they had then.
     */
    public record Progress(long atMs, int index, String fault, String phase, List<Integer> nodes, long target,
                           long tookMs, long boundMs, List<Long> heights) implements Event {
        public Progress {
            nodes = List.copyOf(nodes);
            heights = List.copyOf(heights);
        }

        public boolean met() {
            return tookMs >= 0;
        }
    }

    /**
     * A clock-skew fault {@code index} ({@link Fault.Skew}) was healed: each node's log had {@code refusals.get(i)}
     * new lines refusing a block for being beyond {@code max_future_block_ms}, counted from the fault's start.
     */
    public record ClockRefusals(long atMs, int index, Fault.Skew fault, List<Long> refusals) implements Event {
        public ClockRefusals {
            refusals = List.copyOf(refusals);
        }
    }

    /** Node {@code node}'s answer to {@code GET /balance} for a load account once the load stopped. */
    public record AccountSeen(long atMs, int node, String address, BigInteger balance, long nonce) implements Event {}

    /** The PoC validator was killed; {@code midTask}: a task of the load had jobs under way then. */
    public record PocKilled(long atMs, boolean midTask) implements Event {}

    /**
     * The market load sent {@code taskId} to the Task Market ({@code POST /tasks}, its CREATE_TASK {@code txHash});
     * {@code acknowledged}: the market answered with the task. An unanswered one may still reach L1 (the market took
     * it and then failed to answer); then it must end there like any other.
     */
    public record TaskCreated(long atMs, String taskId, String txHash, long nonce, BigInteger reward, long deadline,
                              boolean acknowledged, String error) implements Event {}

    /** One job's payout on L1 ({@code GET /task/{id}}'s {@code results}). */
    public record JobPaid(int job, String worker, BigInteger workerReward, BigInteger pocReward,
                          BigInteger treasuryReward) {
        public BigInteger total() {
            return workerReward.add(pocReward).add(treasuryReward);
        }
    }

    /**
     * How task {@code taskId} stood when the settle wait stopped: {@code l1Status} as {@code GET /task/{id}} on a node
     * said ({@link #ABSENT} when L1 does not know it), {@code marketStatus} as the Task Market said ({@link #ABSENT}
     * when it does not know it, "" when it did not answer), and L1's escrow and payouts.
     */
    public record TaskEnded(long atMs, String taskId, String l1Status, String marketStatus, BigInteger reward,
                            BigInteger escrowLeft, int jobsTotal, List<JobPaid> results) implements Event {
        public static final String ABSENT = "absent";

        public TaskEnded {
            results = List.copyOf(results);
        }

        public BigInteger paid() {
            return results.stream().map(JobPaid::total).reduce(BigInteger.ZERO, BigInteger::add);
        }
    }

    /**
     * The market's accounts once every task ended, read from one node at one height: the customer's balance before
     * its first task and now, the fee of each of its transactions in the chain (by hash), each worker's balance, and
     * {@code GET /supply}.
     */
    public record MarketLedger(long atMs, String customer, BigInteger customerStart, BigInteger customerEnd,
                               Map<String, BigInteger> fees, Map<String, BigInteger> workerBalances,
                               BigInteger supplyTotal, Map<String, BigInteger> supplyBuckets) implements Event {
        public MarketLedger {
            fees = Collections.unmodifiableMap(new TreeMap<>(fees));
            workerBalances = Collections.unmodifiableMap(new TreeMap<>(workerBalances));
            supplyBuckets = Collections.unmodifiableMap(new TreeMap<>(supplyBuckets));
        }
    }

    private final List<Event> events = new ArrayList<>();

    public synchronized void add(Event e) {
        events.add(e);
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The events of one type, in order. */
    public <E extends Event> List<E> of(Class<E> type) {
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }
}
