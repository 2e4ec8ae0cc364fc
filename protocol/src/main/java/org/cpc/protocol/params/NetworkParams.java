package org.cpc.protocol.params;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.codec.RecordJson;

/**
 * One network's consensus parameters. The defaults of devnet, testnet and mainnet live as data in
 * {@code networks.json} beside this class; a genesis file carries its own copy, which is what a node obeys.
 * Names are the snake_case ones {@code GET /params} serves.
 *
 * @param maxTxBytes largest canonical transaction accepted
 * @param maxBlockTxs most transactions in one block
 * @param maxFutureBlockMs how far ahead of a validator's clock a block timestamp may be
 * @param syntheticVerifyGasPerMmac proof-verification gas of a synthetic result per 2^20 multiply-accumulates
 *     (k·n²) the verifier recomputes; see docs/protocol.md for how it was priced
 * @param computeRewardShareBps part of the block reward, in basis points, that goes to the block's valid
 *     synthetic results
 * @param marketWorkerShareBps part of each accepted market job's share of the reward, in basis points, paid to the
 *     job's worker
 * @param marketPocShareBps part paid to the PoC validator that sent or attested the job
 * @param marketTreasuryShareBps part paid to the genesis treasury (it also takes the rounding remainder); the
 *     three market shares sum to 10000
 * @param maxTaskLifetimeS latest deadline a CREATE_TASK may set, in seconds after its block's timestamp
 * @param maxTaskPayloadBytes largest market task payload (the JCS of ComputeTask.payload)
 * @param staking the staking parameters; in JSON their fields sit beside the others (one flat object)
 * @param bonds the work-bond parameters (workers, PoC validators); flat in JSON too
 */
public record NetworkParams(
        String network,
        String chainId,
        long blockTimeMs,
        long blockGasLimit,
        long minGasPrice,
        long maxTxBytes,
        long maxBlockTxs,
        long maxFutureBlockMs,
        int syntheticMatrixSize,
        int syntheticSpotChecks,
        long syntheticWindow,
        long syntheticVerifyGasPerMmac,
        BigInteger blockReward,
        long halvingInterval,
        int computeRewardShareBps,
        boolean faucetEnabled,
        int marketWorkerShareBps,
        int marketPocShareBps,
        int marketTreasuryShareBps,
        long maxTaskLifetimeS,
        long maxTaskPayloadBytes,
        StakingParams staking,
        BondParams bonds) {

    public static final Set<String> FIELDS = union(Set.of("network", "chain_id", "block_time_ms", "block_gas_limit",
            "min_gas_price", "max_tx_bytes", "max_block_txs", "max_future_block_ms", "synthetic_matrix_size",
            "synthetic_spot_checks", "synthetic_window", "synthetic_verify_gas_per_mmac", "block_reward",
            "halving_interval", "compute_reward_share_bps", "faucet_enabled", "market_worker_share_bps",
            "market_poc_share_bps", "market_treasury_share_bps", "max_task_lifetime_s", "max_task_payload_bytes"),
            union(StakingParams.FIELDS, BondParams.FIELDS));
    /** One flat object: the staking and bond parameters' keys stand beside the others. */
    private static final RecordJson<NetworkParams> JSON = RecordJson.of(NetworkParams.class).inline("staking", "bonds");

    private static final Map<String, NetworkParams> BUILT_IN = load();

    public NetworkParams {
        require(blockTimeMs >= 100, "block_time_ms must be at least 100");
        require(blockGasLimit > 0, "block_gas_limit must be positive");
        require(minGasPrice > 0, "min_gas_price must be positive");
        require(maxTxBytes >= 1024, "max_tx_bytes must be at least 1024");
        require(maxBlockTxs > 0, "max_block_txs must be positive");
        require(syntheticMatrixSize >= 2 && syntheticMatrixSize <= 16384,
                "synthetic_matrix_size must be between 2 and 16384");
        require(syntheticSpotChecks >= 1 && syntheticSpotChecks <= syntheticMatrixSize,
                "synthetic_spot_checks must be between 1 and synthetic_matrix_size");
        require(syntheticWindow >= 1, "synthetic_window must be at least 1");
        require(halvingInterval > 0, "halving_interval must be positive");
        require(computeRewardShareBps >= 0 && computeRewardShareBps <= 10_000,
                "compute_reward_share_bps must be between 0 and 10000");
        require(blockReward.signum() >= 0, "block_reward must not be negative");
        require(marketWorkerShareBps >= 0 && marketPocShareBps >= 0 && marketTreasuryShareBps >= 0,
                "market_*_share_bps must not be negative");
        require((long) marketWorkerShareBps + marketPocShareBps + marketTreasuryShareBps == 10_000,
                "market_worker_share_bps + market_poc_share_bps + market_treasury_share_bps must be 10000, not "
                        + ((long) marketWorkerShareBps + marketPocShareBps + marketTreasuryShareBps));
        require(maxTaskLifetimeS >= 1, "max_task_lifetime_s must be at least 1");
        require(maxTaskPayloadBytes >= 2, "max_task_payload_bytes must be at least 2");
        require(staking != null, "the staking parameters are missing");
        require(bonds != null, "the work-bond parameters are missing");
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("network parameters: " + message);
    }

    /** The built-in parameters of {@code devnet}, {@code testnet} or {@code mainnet}. */
    public static NetworkParams named(String network) {
        NetworkParams p = BUILT_IN.get(network);
        if (p == null) {
            throw new IllegalArgumentException("unknown network '" + network + "'; known: " + BUILT_IN.keySet());
        }
        return p;
    }

    public static NetworkParams devnet() {
        return named("devnet");
    }

    /** Block reward at {@code height}: halves every {@code halving_interval} blocks, zero after 256 halvings. */
    public BigInteger blockRewardAt(long height) {
        long halvings = height / halvingInterval;
        return halvings >= 256 ? BigInteger.ZERO : blockReward.shiftRight((int) halvings);
    }

    public ObjectNode toJson() {
        return JSON.write(this);
    }

    public static NetworkParams fromJson(JsonNode node) {
        JsonFields f = JsonFields.of(node, "params", FIELDS);
        JsonNode faucet = f.raw("faucet_enabled");
        if (!faucet.isBoolean()) throw new IllegalArgumentException("params.faucet_enabled must be true or false");
        return new NetworkParams(
                f.string("network"),
                f.string("chain_id"),
                f.uint("block_time_ms"),
                f.uint("block_gas_limit"),
                f.uint("min_gas_price"),
                f.uint("max_tx_bytes"),
                f.uint("max_block_txs"),
                f.uint("max_future_block_ms"),
                Math.toIntExact(f.uint("synthetic_matrix_size")),
                Math.toIntExact(f.uint("synthetic_spot_checks")),
                f.uint("synthetic_window"),
                f.uint("synthetic_verify_gas_per_mmac"),
                f.wei("block_reward"),
                f.uint("halving_interval"),
                Math.toIntExact(f.uint("compute_reward_share_bps")),
                faucet.booleanValue(),
                Math.toIntExact(f.uint("market_worker_share_bps")),
                Math.toIntExact(f.uint("market_poc_share_bps")),
                Math.toIntExact(f.uint("market_treasury_share_bps")),
                f.uint("max_task_lifetime_s"),
                f.uint("max_task_payload_bytes"),
                StakingParams.read(f),
                BondParams.read(f));
    }

    /** The same parameters with a different matrix size and spot-check count; tests and small devnets use it. */
    public NetworkParams withSynthetic(int matrixSize, int spotChecks) {
        return new NetworkParams(network, chainId, blockTimeMs, blockGasLimit, minGasPrice, maxTxBytes, maxBlockTxs,
                maxFutureBlockMs, matrixSize, spotChecks, syntheticWindow, syntheticVerifyGasPerMmac, blockReward,
                halvingInterval, computeRewardShareBps, faucetEnabled, marketWorkerShareBps, marketPocShareBps,
                marketTreasuryShareBps, maxTaskLifetimeS, maxTaskPayloadBytes, staking, bonds);
    }

    /**
     * The same parameters under another chain id, for a private test network: transactions signed for one chain
     * are refused by the other. 1 to 64 characters of {@code a-z 0-9 . _ -}.
     */
    public NetworkParams withChainId(String id) {
        if (id == null || !id.matches("[a-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("chain id must be 1 to 64 characters of a-z 0-9 . _ -, not '" + id + "'");
        }
        return new NetworkParams(network, id, blockTimeMs, blockGasLimit, minGasPrice, maxTxBytes, maxBlockTxs,
                maxFutureBlockMs, syntheticMatrixSize, syntheticSpotChecks, syntheticWindow, syntheticVerifyGasPerMmac,
                blockReward, halvingInterval, computeRewardShareBps, faucetEnabled, marketWorkerShareBps, marketPocShareBps,
                marketTreasuryShareBps, maxTaskLifetimeS, maxTaskPayloadBytes, staking, bonds);
    }

    /** The same parameters with another block interval; devnets and tests run faster blocks. */
    public NetworkParams withBlockTime(long ms) {
        return new NetworkParams(network, chainId, ms, blockGasLimit, minGasPrice, maxTxBytes, maxBlockTxs,
                maxFutureBlockMs, syntheticMatrixSize, syntheticSpotChecks, syntheticWindow, syntheticVerifyGasPerMmac,
                blockReward, halvingInterval, computeRewardShareBps, faucetEnabled, marketWorkerShareBps, marketPocShareBps,
                marketTreasuryShareBps, maxTaskLifetimeS, maxTaskPayloadBytes, staking, bonds);
    }

    /** The same parameters with other block bounds. */
    public NetworkParams withBlockLimits(long gasLimit, long maxTxs) {
        return new NetworkParams(network, chainId, blockTimeMs, gasLimit, minGasPrice, maxTxBytes, maxTxs,
                maxFutureBlockMs, syntheticMatrixSize, syntheticSpotChecks, syntheticWindow, syntheticVerifyGasPerMmac,
                blockReward, halvingInterval, computeRewardShareBps, faucetEnabled, marketWorkerShareBps, marketPocShareBps,
                marketTreasuryShareBps, maxTaskLifetimeS, maxTaskPayloadBytes, staking, bonds);
    }

    /** The same parameters with other market rules (shares in basis points, lifetime, payload bound). */
    public NetworkParams withMarket(int workerBps, int pocBps, int treasuryBps, long lifetimeS, long payloadBytes) {
        return new NetworkParams(network, chainId, blockTimeMs, blockGasLimit, minGasPrice, maxTxBytes, maxBlockTxs,
                maxFutureBlockMs, syntheticMatrixSize, syntheticSpotChecks, syntheticWindow, syntheticVerifyGasPerMmac,
                blockReward, halvingInterval, computeRewardShareBps, faucetEnabled, workerBps, pocBps, treasuryBps,
                lifetimeS, payloadBytes, staking, bonds);
    }

    /** The same parameters with other staking rules. */
    public NetworkParams withStaking(StakingParams s) {
        return new NetworkParams(network, chainId, blockTimeMs, blockGasLimit, minGasPrice, maxTxBytes, maxBlockTxs,
                maxFutureBlockMs, syntheticMatrixSize, syntheticSpotChecks, syntheticWindow, syntheticVerifyGasPerMmac,
                blockReward, halvingInterval, computeRewardShareBps, faucetEnabled, marketWorkerShareBps, marketPocShareBps,
                marketTreasuryShareBps, maxTaskLifetimeS, maxTaskPayloadBytes, s, bonds);
    }

    /** The same parameters with other work-bond rules. */
    public NetworkParams withBonds(BondParams b) {
        return new NetworkParams(network, chainId, blockTimeMs, blockGasLimit, minGasPrice, maxTxBytes, maxBlockTxs,
                maxFutureBlockMs, syntheticMatrixSize, syntheticSpotChecks, syntheticWindow, syntheticVerifyGasPerMmac,
                blockReward, halvingInterval, computeRewardShareBps, faucetEnabled, marketWorkerShareBps, marketPocShareBps,
                marketTreasuryShareBps, maxTaskLifetimeS, maxTaskPayloadBytes, staking, b);
    }

    private static Map<String, NetworkParams> load() {
        try (InputStream in = NetworkParams.class.getResourceAsStream("networks.json")) {
            if (in == null) throw new IllegalStateException("networks.json is missing from the classpath");
            JsonNode all = Json.parse(in.readAllBytes());
            Map<String, NetworkParams> m = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = all.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), fromJson(e.getValue()));
            }
            return Map.copyOf(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read built-in network parameters", e);
        }
    }
}
