package org.cpc.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.cpc.chain.exec.StateWrite;
import org.cpc.chain.exec.WorldState;
import org.cpc.chain.staking.ConsensusKey;
import org.cpc.chain.staking.ConsensusSets;
import org.cpc.chain.staking.StakingState;
import org.cpc.chain.staking.Staking;
import org.cpc.chain.staking.WorkBonds;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.chain.state.StateKeys;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.BlockHeader;
import org.cpc.protocol.types.Roots;

/** What a {@link Genesis} makes, deterministically: its state entries, their tree and the genesis block. */
public final class GenesisState {
    private GenesisState() {}

    /**
     * The state entries of a genesis: its alloc, its validators (and their bonds) and the market roles (PoC
     * validators, treasury), in (key space, tree key) order.
     */
    public static List<StateWrite> writes(Genesis g) {
        List<StateWrite> w = new ArrayList<>();
        for (Map.Entry<String, BigInteger> e : g.balances().entrySet()) {
            w.add(new StateWrite(StateKeys.ACCOUNT, StateKeys.account(e.getKey()),
                    StateKeys.encodeAccount(new Account(e.getValue(), 0))));
        }
        for (ValidatorInfo v : g.validators()) {
            w.add(new StateWrite(StateKeys.VALIDATOR, StateKeys.key(StateKeys.VALIDATOR, v.address()),
                    Jcs.canonicalize(GenesisFile.validatorJson(v))));
        }
        for (String a : g.pocValidators()) {
            w.add(new StateWrite(StateKeys.MARKET_ROLE, StateKeys.key(StateKeys.MARKET_ROLE, "poc_validator:" + a),
                    Jcs.canonicalize(Json.object().put("role", "poc_validator").put("address", a))));
        }
        w.add(new StateWrite(StateKeys.MARKET_ROLE, StateKeys.key(StateKeys.MARKET_ROLE, "treasury"),
                Jcs.canonicalize(Json.object().put("role", "treasury").put("address", g.treasuryAddress()))));
        w.addAll(stakingWrites(g));
        w.sort(Comparator.comparing((StateWrite x) -> x.type()).thenComparing(StateWrite::treeKey,
                Arrays::compareUnsigned));
        return w;
    }

    /**
     * The genesis validators bonded: each one's {@code power} becomes a self-bond of that many CPC, operated by its
     * {@code reward_address}; see {@link Staking#genesis}. Each genesis PoC validator gets a PoC validator bond of
     * {@code min_poc_bond} ({@link WorkBonds#genesis}). All of these come out of the operators' alloc
     * ({@link Genesis#bonds()}): what genesis issued is the alloc.
     */
    private static List<StateWrite> stakingWrites(Genesis g) {
        return staking(g).writes();
    }

    /** Staking's genesis, run on an empty state: what it wrote. */
    private static WorldState staking(Genesis g) {
        WorldState ws = new WorldState((type, key) -> null);
        List<Staking.GenesisValidator> vs = new ArrayList<>();
        for (ValidatorInfo v : g.validators()) {
            vs.add(new Staking.GenesisValidator(new ConsensusKey(v.address(), v.rewardAddress(), v.publicKey()),
                    Amounts.cpc(v.power())));
        }
        new WorkBonds(g.params(), ws).genesis(g.pocValidators());
        new Staking(g.params().staking(), ws, g.treasuryAddress()).genesis(vs, g.supply());
        return ws;
    }

    /** The sparse Merkle tree of {@code writes} (a genesis's), built from the empty tree. */
    static SparseMerkleTree.Update tree(List<StateWrite> writes) {
        return new SparseMerkleTree(path -> null, 16).update(SparseMerkleTree.Node.EMPTY_NODE,
                StateWrite.treeChanges(writes));
    }

    /**
     * The genesis block: height 0, prev_hash 64 zeros, the genesis timestamp, proposer = the first validator,
     * round 0, tx_root of no transactions, state_root of the alloc and validators, compute_root "", gas_used 0,
     * gas_limit = block_gas_limit, validators_hash and next_validators_hash both of the set of height 1, no
     * last_commit and no evidence; it carries no signature.
     */
    public static Block block(Genesis g, String stateRootHex) {
        NetworkParams p = g.params();
        String set = new ConsensusSets(new StakingState(staking(g), p.staking())).hashAt(1);
        BlockHeader h = new BlockHeader(0, BlockHeader.ZERO_HASH, g.timestampMs(), p.chainId(),
                g.validators().get(0).address(), 0, Roots.txRoot(List.of()), stateRootHex, "", 0,
                p.blockGasLimit(), set, set, "", "", null, null);
        return new Block(h, List.of(), null);
    }

    /** The genesis block with the state root of its genesis's entries. */
    static Block block(Genesis g, SparseMerkleTree.Update tree) {
        return block(g, Hex.encode(tree.root().hash()));
    }
}
