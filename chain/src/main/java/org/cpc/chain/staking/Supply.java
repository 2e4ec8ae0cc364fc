package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.cpc.chain.market.MarketTask;
import org.cpc.chain.state.StateKeys;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;

/**
 * Where every wei is at a height: a pure function over the whole state. {@code total} = what genesis created +
 * the block rewards minted − what slashing burned; the buckets are found by reading every entry that holds wei,
 * each in exactly one bucket, and their sum must equal {@code total} ({@link #balanced}).
 *
 * <ul>
 *   <li>{@code liquid}: account balances (the treasury's included);</li>
 *   <li>{@code bonded}: validators' tokens (every delegation and self-bond);</li>
 *   <li>{@code unbonding}: unbonding entries not yet matured;</li>
 *   <li>{@code pending_rewards}: what validators hold for their delegators' unpaid rewards, F1 dust included;</li>
 *   <li>{@code market_escrow}: what open market tasks hold;</li>
 *   <li>{@code work_bonds}: what workers and PoC validators have bonded ({@link WorkBond#amount});</li>
 *   <li>{@code work_unbonding}: their unbonding entries not yet matured.</li>
 * </ul>
 */
public record Supply(long height, BigInteger total, SortedMap<String, BigInteger> buckets) {
    /** Every entry of one key space: (tree key, value). {@code ChainStore::forEachState} is one. */
    public interface Scan {
        void forEach(byte type, BiConsumer<byte[], byte[]> action);
    }

    public Supply {
        buckets = Collections.unmodifiableSortedMap(new TreeMap<>(buckets));
    }

    public BigInteger sumOfBuckets() {
        return buckets.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
    }

    /** True when the buckets account for every wei of {@code total}, no more, no less. */
    public boolean balanced() {
        return sumOfBuckets().equals(total);
    }

    /** The state at {@code height} (the block that state is after). */
    public static Supply of(long height, NetworkParams params, Scan state) {
        BigInteger[] b = new BigInteger[7];
        Arrays.fill(b, BigInteger.ZERO);
        state.forEach(StateKeys.ACCOUNT, (k, v) -> b[0] = b[0].add(StateKeys.decodeAccount(v).balance()));
        state.forEach(StateKeys.STAKING_VALIDATOR, (k, v) -> {
            ValidatorRecord r = ValidatorRecord.decode(v);
            b[1] = b[1].add(r.tokens());
            b[3] = b[3].add(r.outstanding());
        });
        state.forEach(StateKeys.UNBONDING, (k, v) -> b[2] = b[2].add(UnbondingEntry.decode(v).balance()));
        state.forEach(StateKeys.TASK, (k, v) -> b[4] = b[4].add(MarketTask.decode(v).escrowLeft()));
        state.forEach(StateKeys.WORK_BOND, (k, v) -> {
            WorkBond w = WorkBond.decode(v);
            b[5] = b[5].add(w.amount());
            b[6] = b[6].add(w.unbondingTotal());
        });
        byte[] issuanceKey = StateKeys.key(StateKeys.STAKING_GLOBAL, StakingState.ISSUANCE_ID);
        Issuance[] issuance = {new Issuance(BigInteger.ZERO, BigInteger.ZERO)};
        state.forEach(StateKeys.STAKING_GLOBAL, (k, v) -> {
            if (Arrays.equals(k, issuanceKey)) issuance[0] = Issuance.decode(v);
        });
        TreeMap<String, BigInteger> buckets = new TreeMap<>();
        buckets.put("liquid", b[0]);
        buckets.put("bonded", b[1]);
        buckets.put("unbonding", b[2]);
        buckets.put("pending_rewards", b[3]);
        buckets.put("market_escrow", b[4]);
        buckets.put("work_bonds", b[5]);
        buckets.put("work_unbonding", b[6]);
        BigInteger total = issuance[0].genesis().add(minted(params, height)).subtract(issuance[0].burned());
        return new Supply(height, total, buckets);
    }

    /**
     * The block rewards of blocks 1..height: {@code Σ block_reward >> (h / halving_interval)}, summed per halving
     * era (at most 256 of them), so it costs nothing like a loop over the heights.
     */
    public static BigInteger minted(NetworkParams p, long height) {
        BigInteger sum = BigInteger.ZERO;
        long interval = p.halvingInterval();
        long eras = height / interval; // the era of `height`; no product below overflows
        for (long era = 0; era < 256 && era <= eras; era++) {
            long first = Math.max(1, era * interval);
            long last = era == eras ? height : era * interval + interval - 1;
            if (last < first) continue;
            sum = sum.add(p.blockReward().shiftRight((int) era).multiply(BigInteger.valueOf(last - first + 1)));
        }
        return sum;
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("height", height);
        o.put("total", total.toString());
        ObjectNode bs = o.putObject("buckets");
        buckets.forEach((k, v) -> bs.put(k, v.toString()));
        return o;
    }
}
