package org.cpc.consensus.sim;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.cpc.consensus.TimeoutConfig;

/**
 * One simulated run, fully determined by its fields (and {@link #random} makes one from a seed alone).
 *
 * @param powers voting power per node (node i is validator i, in genesis order)
 * @param byzantine node index → its misbehaviours (total power of these is below 1/3 unless a test says otherwise)
 * @param longDelay probability that a message takes up to 5 × maxDelay longer (reordering)
 * @param slowVotes probability that a vote (or a block-sync request or answer) takes up to 1.5 s longer: beyond the
 *     timeouts, so that some nodes lock or commit while others move on — where a broken lock rule would show
 * @param isolateOnCommit probability that the first honest node to commit a height is then cut off from everyone
 *     for 0.5–3 s (a nemesis that stops it from telling the others; they must finish the height without it)
 * @param partitions non-overlapping episodes; after the last one ends ({@link #healTime}) every node hears every node
 * @param targetHeight every honest node must commit this height ...
 * @param maxTimeAfterHeal ... within this much virtual time after the heal (liveness)
 */
public record SimConfig(
        long seed,
        List<Long> powers,
        Map<Integer, EnumSet<Behaviour>> byzantine,
        long minDelayMs,
        long maxDelayMs,
        double loss,
        double duplication,
        double longDelay,
        double slowVotes,
        double isolateOnCommit,
        List<Partition> partitions,
        long targetHeight,
        long maxTimeAfterHeal,
        TimeoutConfig timeouts,
        long gossipIntervalMs,
        boolean realCrypto) {

    /** What a Byzantine node does to the messages its (otherwise honest) state machine sends. */
    public enum Behaviour {
        /** Sends a conflicting vote (nil instead of a block, or a block instead of nil) to half of its peers. */
        EQUIVOCATE,
        /** As proposer, proposes a block the application finds invalid. */
        INVALID_PROPOSAL,
        /** As proposer, sends two different valid blocks to different peers. */
        DOUBLE_PROPOSE,
        /**
         * Coordinated with the other Byzantine nodes and omniscient: as proposer sends different valid blocks to
         * different peers, and votes to each peer for whatever block that peer was proposed. The strongest attack
         * here; with 1/3 or more of the power it breaks safety (a test shows the checker catching it).
         */
        SPLIT_BRAIN,
        /** As proposer, ignores its valid value and proposes a fresh block (pol_round -1) instead of re-proposing. */
        FRESH_PROPOSAL,
        /** Sends nothing at all. */
        WITHHOLD,
        /** Drops half of what it sends, at random. */
        WITHHOLD_SOME
    }

    /** During [start, end) node i is in group {@code groups[i]}; messages between groups are lost. */
    public record Partition(long start, long end, int[] groups) {
        boolean separates(int a, int b, long now) {
            return now >= start && now < end && groups[a] != groups[b];
        }

        @Override
        public String toString() {
            return "[" + start + "," + end + ")" + java.util.Arrays.toString(groups);
        }
    }

    public static final TimeoutConfig SIM_TIMEOUTS = new TimeoutConfig(200, 100, 100, 50, 100, 50, 30);

    public int n() {
        return powers.size();
    }

    public long healTime() {
        return partitions.isEmpty() ? 0 : partitions.getLast().end();
    }

    public long totalPower() {
        return powers.stream().mapToLong(Long::longValue).sum();
    }

    public boolean isByzantine(int i) {
        return byzantine.containsKey(i);
    }

    public SimConfig withTargetHeight(long h) {
        return new SimConfig(seed, powers, byzantine, minDelayMs, maxDelayMs, loss, duplication, longDelay, slowVotes, isolateOnCommit, partitions,
                h, maxTimeAfterHeal, timeouts, gossipIntervalMs, realCrypto);
    }

    public SimConfig withRealCrypto(boolean real) {
        return new SimConfig(seed, powers, byzantine, minDelayMs, maxDelayMs, loss, duplication, longDelay, slowVotes, isolateOnCommit, partitions,
                targetHeight, maxTimeAfterHeal, timeouts, gossipIntervalMs, real);
    }

    public SimConfig withByzantine(Map<Integer, EnumSet<Behaviour>> b) {
        return new SimConfig(seed, powers, b, minDelayMs, maxDelayMs, loss, duplication, longDelay, slowVotes, isolateOnCommit, partitions,
                targetHeight, maxTimeAfterHeal, timeouts, gossipIntervalMs, realCrypto);
    }

    public SimConfig withPartitions(List<Partition> p) {
        return new SimConfig(seed, powers, byzantine, minDelayMs, maxDelayMs, loss, duplication, longDelay, slowVotes, isolateOnCommit, p,
                targetHeight, maxTimeAfterHeal, timeouts, gossipIntervalMs, realCrypto);
    }

    public SimConfig withNetwork(long minDelay, long maxDelay, double loss, double dup, double longDelay) {
        return new SimConfig(seed, powers, byzantine, minDelay, maxDelay, loss, dup, longDelay, slowVotes, isolateOnCommit, partitions,
                targetHeight, maxTimeAfterHeal, timeouts, gossipIntervalMs, realCrypto);
    }

    /** A calm network: n equal validators, no faults. */
    public static SimConfig calm(long seed, int n, long targetHeight) {
        List<Long> powers = new ArrayList<>();
        for (int i = 0; i < n; i++) powers.add(10L);
        return new SimConfig(seed, powers, new TreeMap<>(), 5, 30, 0, 0, 0, 0, 0, List.of(), targetHeight, 60_000,
                SIM_TIMEOUTS, 300, false);
    }

    /** Everything drawn from the seed: size, powers, Byzantine nodes and behaviours, network faults, partitions. */
    public static SimConfig random(long seed, long targetHeight) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int n = 4 + rnd.nextInt(4); // 4..7
        boolean weighted = rnd.nextInt(4) == 0;
        List<Long> powers = new ArrayList<>();
        for (int i = 0; i < n; i++) powers.add(weighted ? 1L + rnd.nextInt(10) : 10L);
        long total = powers.stream().mapToLong(Long::longValue).sum();

        // Byzantine nodes: a random subset whose power stays below 1/3 (sometimes none).
        Map<Integer, EnumSet<Behaviour>> byz = new TreeMap<>();
        if (rnd.nextInt(3) != 0) {
            long byzPower = 0;
            int wanted = 1 + rnd.nextInt(2);
            for (int tries = 0; tries < 20 && byz.size() < wanted; tries++) {
                int i = rnd.nextInt(n);
                if (byz.containsKey(i) || 3 * (byzPower + powers.get(i)) >= total) continue;
                EnumSet<Behaviour> bs = EnumSet.noneOf(Behaviour.class);
                for (Behaviour b : Behaviour.values()) if (rnd.nextInt(3) == 0) bs.add(b);
                if (bs.isEmpty()) bs.add(Behaviour.values()[rnd.nextInt(Behaviour.values().length)]);
                byz.put(i, bs);
                byzPower += powers.get(i);
            }
        }

        long minDelay = 1 + rnd.nextInt(10);
        long maxDelay = minDelay + 5 + rnd.nextInt(rnd.nextInt(4) == 0 ? 300 : 60);
        double loss = rnd.nextInt(3) == 0 ? 0 : rnd.nextDouble() * 0.25;
        double dup = rnd.nextInt(2) == 0 ? 0 : rnd.nextDouble() * 0.2;
        double longDelay = rnd.nextInt(2) == 0 ? 0 : rnd.nextDouble() * 0.1;
        double slowVotes = rnd.nextInt(2) == 0 ? 0 : rnd.nextDouble() * 0.5;
        double isolate = rnd.nextInt(2) == 0 ? 0 : rnd.nextDouble() * 0.5;

        List<Partition> parts = new ArrayList<>();
        int episodes = rnd.nextInt(4); // 0..3
        long t = 0;
        for (int e = 0; e < episodes; e++) {
            long start = t + rnd.nextInt(2000);
            long end = start + 200 + rnd.nextInt(4000);
            int groupsCount = 2 + rnd.nextInt(2);
            int[] groups = new int[n];
            for (int i = 0; i < n; i++) groups[i] = rnd.nextInt(groupsCount);
            parts.add(new Partition(start, end, groups));
            t = end;
        }
        return new SimConfig(seed, powers, byz, minDelay, maxDelay, loss, dup, longDelay, slowVotes, isolate, parts, targetHeight,
                120_000, SIM_TIMEOUTS, 300, false);
    }

    /**
     * The attack on locks: 4 equal validators, one Byzantine with {@code SPLIT_BRAIN} and {@code FRESH_PROPOSAL}
     * (votes to each peer for what it was proposed, and fresh blocks instead of re-proposals), slow votes, loss.
     * Without the lock rules these runs commit two blocks at one height (the mutation check in docs/consensus.md).
     */
    public static SimConfig lockAttack(long seed, long targetHeight) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x10C4L);
        Map<Integer, EnumSet<Behaviour>> byz = new TreeMap<>();
        byz.put(rnd.nextInt(4), EnumSet.of(Behaviour.SPLIT_BRAIN, Behaviour.FRESH_PROPOSAL));
        long minDelay = 1 + rnd.nextInt(10);
        long maxDelay = minDelay + 5 + rnd.nextInt(150);
        return new SimConfig(seed, List.of(10L, 10L, 10L, 10L), byz, minDelay, maxDelay, rnd.nextDouble() * 0.2, 0,
                rnd.nextDouble() * 0.05, rnd.nextDouble() * 0.5, 0.25 + rnd.nextDouble() * 0.5, List.of(), targetHeight,
                120_000, SIM_TIMEOUTS, 300,
                false);
    }

    @Override
    public String toString() {
        return "SimConfig{seed=" + seed + ", powers=" + powers + ", byzantine=" + byzantine + ", delay=[" + minDelayMs
                + "," + maxDelayMs + "]ms, loss=" + String.format("%.3f", loss) + ", dup="
                + String.format("%.3f", duplication) + ", longDelay=" + String.format("%.3f", longDelay) + ", slowVotes=" + String.format("%.3f", slowVotes) + ", isolateOnCommit=" + String.format("%.3f", isolateOnCommit)
                + ", partitions=" + partitions + ", targetHeight=" + targetHeight + ", realCrypto=" + realCrypto + "}";
    }
}
