package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.cpc.chain.Genesis;
import org.cpc.chain.GenesisState;
import org.cpc.chain.TestKit;
import org.cpc.chain.ValidatorInfo;
import org.cpc.chain.exec.BlockExecutor;
import org.cpc.chain.exec.DeadlineIndex;
import org.cpc.chain.exec.PreparedTx;
import org.cpc.chain.exec.ResultVerifier;
import org.cpc.chain.exec.StateWrite;
import org.cpc.chain.exec.TxRejected;
import org.cpc.chain.exec.WorldState;
import org.cpc.chain.state.ByteKey;
import org.cpc.consensus.SignBytes;
import org.cpc.consensus.Vote;
import org.cpc.consensus.VoteType;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * Blocks executed by the real {@link BlockExecutor} over an in-memory state (no RocksDB, no tree), with every
 * state read counted: what the staking tests drive. The genesis validator is operated by account 999.
 */
final class StakingHarness {
    static final long GAS_PRICE = 1000;
    static final String OPERATOR = TestKit.addr(999);

    final NetworkParams params;
    final Genesis genesis;
    final KeyPair validatorKey;
    final String validatorAddress;
    private final BlockExecutor executor;
    private final Map<Byte, TreeMap<ByteKey, byte[]>> state = new HashMap<>();
    private final Map<String, Long> nonces = new HashMap<>();
    long height;
    /** State reads and writes of the last block. */
    int reads, writes;

    StakingHarness(NetworkParams params, int accounts, long eachCpc, KeyPair validatorKey) {
        this.params = params;
        this.validatorKey = validatorKey;
        TreeMap<String, BigInteger> alloc = new TreeMap<>();
        for (int i = 0; i < accounts; i++) alloc.put(TestKit.addr(i), Amounts.cpc(eachCpc));
        alloc.put(OPERATOR, Amounts.cpc(eachCpc));
        ValidatorInfo v = TestKit.validatorInfo(validatorKey, OPERATOR);
        this.validatorAddress = v.address();
        this.genesis = new Genesis(params, TestKit.GENESIS_MS, alloc, List.of(v)).withBondsAllocated();
        apply(GenesisState.writes(genesis));
        ResultVerifier none = (r, ctx) -> ResultVerifier.Verdict.invalid("no results in staking tests");
        this.executor = new BlockExecutor(params, none, null, genesis.treasuryAddress());
    }

    private void apply(List<StateWrite> ws) {
        for (StateWrite w : ws) {
            TreeMap<ByteKey, byte[]> m = state.computeIfAbsent(w.type(), t -> new TreeMap<>());
            if (w.value() == null) m.remove(new ByteKey(w.treeKey())); else m.put(new ByteKey(w.treeKey()), w.value());
        }
    }

    private byte[] read(byte type, byte[] key) {
        reads++;
        TreeMap<ByteKey, byte[]> m = state.get(type);
        return m == null ? null : m.get(new ByteKey(key));
    }

    /** Committed state, read-only, for looking at it between blocks. */
    Staking view() {
        return new Staking(params.staking(), new WorldState(this::read), genesis.treasuryAddress());
    }

    Supply supply() {
        return Supply.of(height, params, (type, action) -> {
            TreeMap<ByteKey, byte[]> m = state.get(type);
            if (m != null) m.forEach((k, v) -> action.accept(k.bytes(), v));
        });
    }

    /** Slashes a work bond between blocks, as an audit or a fraud proof will inside one, and commits the writes. */
    WorkBonds.Slashed slash(String address, BondRole role, WorkBonds.Cut cut, List<WorkBonds.Payout> payouts) {
        WorldState ws = new WorldState(this::read);
        WorkBonds.Slashed r = new WorkBonds(params, ws).slash(address, role, cut, payouts, "test");
        apply(ws.writes());
        return r;
    }

    /** Committed work bonds, read-only. */
    WorkBonds bonds() {
        return new WorkBonds(params, new WorldState(this::read));
    }

    BigInteger balance(String address) {
        return new WorldState(this::read).balance(address);
    }

    /** The outcome of a block: which transactions it took (the others were refused, with why). */
    record Result(List<Transaction> included, List<String> refused) {}

    /** Executes the next block with those of {@code txs} that apply, proposed by the genesis validator. */
    Result block(List<Transaction> txs, Set<String> previousSigners) {
        return block(txs, previousSigners, validatorAddress);
    }

    Result block(List<Transaction> txs, Set<String> previousSigners, String proposer) {
        reads = 0;
        long h = height + 1;
        BlockExecutor.Session s = executor.begin(this::read, x -> Hex.encode(new byte[32]), DeadlineIndex.EMPTY, h,
                TestKit.GENESIS_MS + h * 1000, proposer, OPERATOR, previousSigners);
        List<Transaction> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (Transaction tx : txs) {
            try {
                s.apply(PreparedTx.of(tx));
                in.add(tx);
                nonces.merge(tx.fromAddress(), 1L, Long::sum);
            } catch (TxRejected e) {
                out.add(tx.txType() + ": " + e.reason());
            }
        }
        List<StateWrite> ws = s.finish().writes();
        writes = ws.size();
        apply(ws);
        height = h;
        return new Result(in, out);
    }

    Result block(Transaction... txs) {
        return block(List.of(txs), null);
    }

    /** Executes a block and fails if any transaction is refused. */
    void ok(Transaction... txs) {
        Result r = block(txs);
        if (!r.refused().isEmpty()) throw new AssertionError("refused: " + r.refused());
    }

    /** The reason a lone transaction is refused (fails if it applies). */
    String refused(Transaction tx) {
        Result r = block(tx);
        if (r.refused().isEmpty()) throw new AssertionError(tx.txType() + " was accepted");
        return r.refused().getFirst();
    }

    long nonce(String address) {
        return nonces.getOrDefault(address, 0L);
    }

    /** A signed transaction of account {@code priv} at its next nonce, with its intrinsic gas. */
    Transaction tx(byte[] priv, TxType type, String to, BigInteger amount, ObjectNode payload) {
        String from = TestKit.addr(priv);
        long gas = GasSchedule.intrinsicGas(type, payload, params);
        Transaction t = new Transaction(params.chainId(), type, from, to, amount,
                BigInteger.valueOf(gas * GAS_PRICE), nonce(from), GAS_PRICE, gas, 1_700_000_000L, TestKit.pub(priv),
                payload, null);
        return TestKit.sign(t, priv);
    }

    static BigInteger fee(TxType type, ObjectNode payload, NetworkParams p) {
        return BigInteger.valueOf(GasSchedule.intrinsicGas(type, payload, p) * GAS_PRICE);
    }

    /** A first STAKE payload for the consensus key {@code kp}, proving possession for {@code operator}. */
    ObjectNode createPayload(KeyPair kp, String operator, int commissionBps) {
        byte[] raw = MlDsa.rawPublicKey(kp.getPublic());
        byte[] pop = MlDsa.sign(kp.getPrivate(), StakingPayload.popMessage(params.chainId(), operator));
        return Json.object().put("consensus_public_key", Hex.encode(raw)).put("pop", Hex.encode(pop))
                .put("name", "v-" + operator.substring(4, 10)).put("website", "https://example.org")
                .put("commission_bps", commissionBps);
    }

    static String consensusAddress(KeyPair kp) {
        return Address.validatorConsensus(MlDsa.rawPublicKey(kp.getPublic()));
    }

    /** Two conflicting precommits of {@code kp} at {@code h}, as a SUBMIT_EVIDENCE payload. */
    ObjectNode evidence(KeyPair kp, long h) {
        String a = consensusAddress(kp);
        ObjectNode o = Json.object();
        o.set("first", vote(kp, new Vote(VoteType.PRECOMMIT, h, 0, "11".repeat(32), a, null)));
        o.set("second", vote(kp, new Vote(VoteType.PRECOMMIT, h, 0, "22".repeat(32), a, null)));
        return o;
    }

    private ObjectNode vote(KeyPair kp, Vote v) {
        String sig = Hex.encode(MlDsa.sign(kp.getPrivate(), SignBytes.vote(params.chainId(), v)));
        ObjectNode o = Json.object().put("type", "precommit").put("height", v.height()).put("round", v.round());
        o.put("block_hash", v.blockHash());
        return o.put("validator_address", v.validatorAddress()).put("signature", sig);
    }
}
