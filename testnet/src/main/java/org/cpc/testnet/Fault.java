package org.cpc.testnet;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One fault the harness injects into a running {@link Testnet} and later heals. Each says what the protocol
 * promises while it lasts: which nodes still hold more than 2/3 of the power among themselves and must keep
 * finalizing ({@link #quorum}), and whether no height may be finalized at all ({@link #halts}).
 */
public sealed interface Fault {
    String describe();

    /** Injects the fault; the answer heals it. */
    Healer apply(Testnet net) throws InterruptedException;

    /** Undoes an applied fault. */
    @FunctionalInterface
    interface Healer {
        void heal() throws InterruptedException;
    }

    /** Nodes connected to each other holding more than 2/3 of the power while the fault lasts; empty: none. */
    Set<Integer> quorum(int n);

    /** True when no group holds a quorum for the whole fault, so no new height may be finalized until it heals. */
    default boolean halts() {
        return false;
    }

    /** True when healing starts a process again, whose start-up the recovery bound must allow for. */
    default boolean restarts() {
        return false;
    }

    /** True for a fault of the Task Market's processes, which a run must start for it ({@link Market}). */
    default boolean needsMarket() {
        return false;
    }

    /** More than 2/3 of {@code n} equal powers. */
    static boolean isQuorum(int members, int n) {
        return 3L * members > 2L * n;
    }

    static Set<Integer> all(int n) {
        Set<Integer> s = new TreeSet<>();
        for (int i = 0; i < n; i++) s.add(i);
        return s;
    }

    static Set<Integer> allBut(int n, int node) {
        Set<Integer> s = all(n);
        s.remove(node);
        return s;
    }

    /** A fault that cuts {@code node} off from the others: all the rest keep the quorum. */
    sealed interface OneNodeOut extends Fault {
        int node();

        @Override
        default Set<Integer> quorum(int n) {
            return allBut(n, node());
        }
    }

    /** The nodes talk only within their group (both directions of every link between groups blocked). */
    record Partition(List<Set<Integer>> groups) implements Fault {
        public Partition {
            groups = groups.stream().map(g -> (Set<Integer>) new TreeSet<>(g)).toList();
        }

        @Override
        public String describe() {
            return "partition " + groups.stream().map(Object::toString).collect(Collectors.joining(" | "));
        }

        @Override
        public Healer apply(Testnet net) {
            net.partition(groups);
            return net::healLinks;
        }


        @Override
        public Set<Integer> quorum(int n) {
            return groups.stream().filter(g -> isQuorum(g.size(), n)).findFirst().orElse(Set.of());
        }

        @Override
        public boolean halts() {
            return groups.stream().noneMatch(g -> isQuorum(g.size(), groups.stream().mapToInt(Set::size).sum()));
        }
    }

    /** Whatever {@code node} sends is lost; it still hears everyone (a one-way partition). */
    record Mute(int node) implements OneNodeOut {
        @Override
        public String describe() {
            return "one-way: node" + node + "'s outgoing bytes blocked";
        }

        @Override
        public Healer apply(Testnet net) {
            for (int other : allBut(net.size(), node)) net.block(node, other, true);
            return net::healLinks;
        }
    }

    /**
     * Partitions that change every {@code periodMs}, cycling through {@code layouts} with a healed gap of the same
     * length between two: a flapping network, where no layout lasts long enough to settle.
     */
    record Flapping(List<List<Set<Integer>>> layouts, long periodMs) implements Fault {
        public Flapping {
            layouts = List.copyOf(layouts);
            if (layouts.isEmpty() || periodMs < 1) throw new IllegalArgumentException("need layouts and a period");
        }

        @Override
        public String describe() {
            return "flapping: " + layouts.size() + " partitions in turn, " + periodMs + " ms each, healed between";
        }

        @Override
        public Healer apply(Testnet net) {
            Thread t = Thread.ofVirtual().name("flapping").start(() -> {
                try {
                    for (int k = 0; ; k++) {
                        net.partition(layouts.get(k % layouts.size()));
                        Thread.sleep(periodMs);
                        net.healLinks();
                        Thread.sleep(periodMs);
                    }
                } catch (InterruptedException e) {
                    // healed
                }
            });
            return () -> {
                t.interrupt();
                t.join();
                net.healLinks();
            };
        }


        @Override
        public Set<Integer> quorum(int n) {
            return Set.of(); // a layout may cut every quorum for a while; only the recovery after heal is checked
        }
    }


    /** {@code kill -9} of {@code node}; healing starts it again on the same data dir. */
    record Kill(int node) implements OneNodeOut {
        @Override
        public String describe() {
            return "kill -9 node" + node + ", restart";
        }

        @Override
        public Healer apply(Testnet net) throws InterruptedException {
            net.kill(node);
            return () -> net.start(node);
        }

        @Override
        public boolean restarts() {
            return true;
        }
    }

    /** {@code kill -STOP} of {@code node}, {@code kill -CONT} to heal: a frozen process with its sockets open. */
    record Pause(int node) implements OneNodeOut {
        @Override
        public String describe() {
            return "SIGSTOP node" + node + ", SIGCONT";
        }

        @Override
        public Healer apply(Testnet net) throws InterruptedException {
            net.pause(node);
            return () -> net.resume(node);
        }
    }

    /** Every link of {@code nodes}, both directions, delivers with {@code shape} (latency, jitter, bandwidth). */
    record Slow(Set<Integer> nodes, FaultProxy.Shape shape) implements Fault {
        public Slow {
            nodes = new TreeSet<>(nodes);
        }

        @Override
        public String describe() {
            return "slow links of nodes " + nodes + ": " + shape;
        }

        @Override
        public Healer apply(Testnet net) {
            for (int a : nodes) {
                for (int b : allBut(net.size(), a)) {
                    net.shape(a, b, shape);
                    net.shape(b, a, shape);
                }
            }
            return net::healLinks;
        }


        @Override
        public Set<Integer> quorum(int n) {
            return all(n);
        }
    }

    /** Every {@code periodMs} every connection of every link is closed (TCP resets); the nodes re-dial. */
    record Resets(long periodMs) implements Fault {
        @Override
        public String describe() {
            return "all connections reset every " + periodMs + " ms";
        }

        @Override
        public Healer apply(Testnet net) {
            Thread t = Thread.ofVirtual().name("resets").start(() -> {
                try {
                    while (true) {
                        net.reset(net.nodes());
                        Thread.sleep(periodMs);
                    }
                } catch (InterruptedException e) {
                    // healed
                }
            });
            return () -> {
                t.interrupt();
                t.join();
            };
        }


        @Override
        public Set<Integer> quorum(int n) {
            return all(n);
        }
    }


    /**
     * Node {@code node}'s clock runs {@code offsetMs} ahead (negative: behind) of the others'; healing sets it right.
     * Within {@code boundMs} ({@code max_future_block_ms}) every block is acceptable to every clock and all nodes
     * keep finalizing. Beyond it the others keep finalizing without it: a node behind refuses every block from a
     * correct clock, and the blocks proposed by a node ahead are refused by the others.
     */
    record Skew(int node, long offsetMs, long boundMs) implements Fault {
        /** The line the chain logs when it refuses a block for its timestamp ({@code BlockValidator}). */
        static final String REFUSAL_LOG = "beyond max_future_block_ms";

        public boolean withinBound() {
            // A block proposed by a correct clock may be up to one block time past its parent; keep a margin.
            return Math.abs(offsetMs) < boundMs;
        }

        @Override
        public String describe() {
            return "clock of node" + node + " " + (offsetMs >= 0 ? "+" : "") + offsetMs + " ms ("
                    + (withinBound() ? "within" : "beyond") + " max_future_block_ms " + boundMs + ")";
        }

        @Override
        public Healer apply(Testnet net) {
            net.skew(node, offsetMs);
            return () -> net.skew(node, 0);
        }

        @Override
        public Set<Integer> quorum(int n) {
            return withinBound() ? all(n) : allBut(n, node);
        }
    }

    /**
     * A fault of the Task Market's processes ({@link Market}), which leaves every validator connected: all of them
     * keep finalizing while it lasts.
     */
    sealed interface MarketFault extends Fault {
        @Override
        default boolean needsMarket() {
            return true;
        }

        @Override
        default Set<Integer> quorum(int n) {
            return all(n);
        }
    }

    /**
     * The PoC validator's link to its node (node0's REST API) blocked both ways: it can neither publish tasks nor
     * send results nor learn how tasks ended, while the validators go on.
     */
    record PocCut() implements MarketFault {
        @Override
        public String describe() {
            return "PoC validator cut off from its node";
        }

        @Override
        public Healer apply(Testnet net) {
            Market m = net.market();
            m.cutL1(true);
            return () -> m.cutL1(false);
        }
    }

    /**
     * {@code kill -9} of the PoC validator while a task of the market load is under way ({@link Market#killPoc});
     * healing starts it on the same state.
     */
    record PocKill() implements MarketFault {
        @Override
        public String describe() {
            return "kill -9 PoC validator mid-task, restart";
        }

        @Override
        public Healer apply(Testnet net) throws InterruptedException {
            Market m = net.market();
            m.killPoc();
            return m::startPoc;
        }

        @Override
        public boolean restarts() {
            return true;
        }
    }

    /** The nodes of {@code n} split into the first {@code k} and the rest. */
    static List<Set<Integer>> split(int n, int k) {
        List<Set<Integer>> groups = new ArrayList<>();
        Set<Integer> first = new TreeSet<>();
        for (int i = 0; i < k; i++) first.add(i);
        Set<Integer> rest = all(n);
        rest.removeAll(first);
        groups.add(first);
        groups.add(rest);
        return groups;
    }
}
