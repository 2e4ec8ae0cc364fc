package org.cpc.chain;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.cpc.client.TxBuilder;
import org.cpc.compute.SyntheticProver;
import org.cpc.compute.SyntheticResult;
import org.cpc.compute.gemm.Backends;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;

/** Keys, genesis and transactions for the chain's tests. */
public final class TestKit {
    /**
     * Small synthetic parameters so a result's proof gas stays small; no worker bond needed, as these tests are not
     * about bonds (WorkBondAdmissionTest is).
     */
    public static final NetworkParams PARAMS = NetworkParams.devnet().withSynthetic(8, 4)
            .withBonds(NetworkParams.devnet().bonds().withMinWorkerBond(BigInteger.ZERO));
    public static final long GENESIS_MS = 1_700_000_000_000L;
    private static KeyPair validator;

    private TestKit() {}

    public static synchronized KeyPair validatorKey() {
        if (validator == null) validator = MlDsa.generateKeyPair();
        return validator;
    }

    public static byte[] priv(int i) {
        return Sha256.hash(("cpc-test-key-" + i).getBytes(StandardCharsets.UTF_8));
    }

    public static String pub(byte[] priv) {
        return Hex.encode(Secp256k1.get().publicKey(priv));
    }

    public static String addr(byte[] priv) {
        return Address.account(Secp256k1.get().publicKey(priv));
    }

    public static String addr(int i) {
        return addr(priv(i));
    }

    public static ValidatorInfo validatorInfo(KeyPair kp, String rewardAddress) {
        byte[] raw = MlDsa.rawPublicKey(kp.getPublic());
        return new ValidatorInfo(Address.validatorConsensus(raw), Hex.encode(raw), rewardAddress, 1);
    }

    /** Genesis with accounts 0..n-1 holding {@code each} CPC and the reward address = account 999. */
    public static Genesis genesis(NetworkParams p, KeyPair vk, int accounts, long eachCpc) {
        TreeMap<String, BigInteger> alloc = new TreeMap<>();
        for (int i = 0; i < accounts; i++) alloc.put(addr(i), Amounts.cpc(eachCpc));
        return new Genesis(p, GENESIS_MS, alloc, List.of(validatorInfo(vk, addr(999)))).withBondsAllocated();
    }

    public static Genesis genesis(int accounts) {
        return genesis(PARAMS, validatorKey(), accounts, 1000);
    }

    public static Transaction sign(Transaction t, byte[] priv) {
        return t.withSignature(Hex.encode(Secp256k1.get().sign(priv, t.hash())));
    }

    public static Transaction transfer(byte[] priv, String to, BigInteger amount, long nonce, long gasPrice) {
        return transfer(PARAMS, priv, to, amount, nonce, gasPrice);
    }

    public static Transaction transfer(NetworkParams p, byte[] priv, String to, BigInteger amount, long nonce,
                                       long gasPrice) {
        return TxBuilder.of(p, AccountKey.of(priv)).nonce(nonce).gasPrice(gasPrice).timestamp(1_700_000_000L)
                .transfer(to, amount);
    }

    /** An honest synthetic result (real product, real proof) of the worker {@code priv} for block {@code h}. */
    public static ComputeResult result(byte[] priv, long h, String blockHash) {
        String w = addr(priv);
        SyntheticResult s = PROVER.prove(blockHash, h, w, PARAMS.syntheticMatrixSize(), PARAMS.syntheticSpotChecks());
        return new ComputeResult(s.taskId(), w, s.resultHash(), s.proof(), h, null);
    }

    private static final SyntheticProver PROVER = new SyntheticProver(Backends.java(1).gemm());

    public static Transaction submitResult(byte[] priv, ComputeResult r, long nonce) {
        return TxBuilder.of(PARAMS, AccountKey.of(priv)).nonce(nonce).gasPrice(1000).timestamp(1_700_000_000L)
                .submitResult(r);
    }

    /**
     * What the operator {@code address} has earned and not spent: its balance plus its staking rewards not yet
     * withdrawn. With staking, a validator's part of a block pays its commission to the operator's balance and the
     * rest to its delegators (its self-bond included) as pending rewards.
     */
    public static BigInteger withPendingRewards(LocalChain c, String address) {
        BigInteger pending = c.delegations(address).stream().map(d -> d.pendingRewards())
                .reduce(BigInteger.ZERO, BigInteger::add);
        return c.account(address).balance().add(pending);
    }

    /**
     * Checks the supply at the head: every wei in one bucket, and the buckets sum to {@code genesis} (alloc and
     * validators' bonds) plus the block rewards minted.
     */
    public static void assertSupply(LocalChain c, BigInteger genesis) {
        org.cpc.chain.staking.Supply s = c.supply();
        org.assertj.core.api.Assertions.assertThat(s.balanced()).as("supply %s", s).isTrue();
        org.assertj.core.api.Assertions.assertThat(s.total()).isEqualTo(genesis
                .add(org.cpc.chain.staking.Supply.minted(c.params(), c.head().header().height())));
    }

    /** A settable clock. */
    public static final class Clock implements LongSupplier {
        public volatile long now;

        public Clock(long now) {
            this.now = now;
        }

        @Override
        public long getAsLong() {
            return now;
        }
    }

    /** Proposes, signs and commits the next block at {@code head + 1000 ms}. */
    public static Block produce(LocalChain c, PrivateKey key) throws InvalidBlockException {
        Block head = c.head();
        String validator = c.validators().get(0).address();
        Block b = c.propose(validator, 0, head.header().timestamp() + 1000);
        Block signed = BlockSigner.sign(b, key);
        c.commit(signed, BlockSigner.soleCommit(signed, c.params().chainId(), key, validator));
        return signed;
    }

    public static LocalChain.Options options(Clock clock) {
        return LocalChain.Options.defaults().withClock(clock);
    }

    public static Map<String, BigInteger> none() {
        return Map.of();
    }
}
