package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpc.chain.TestKit.*;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.chain.state.StateKeys;
import org.cpc.chain.store.ChainStoreException;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.chain.query.ResultReward;
import org.cpc.chain.query.TxStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalChainTest {
    @TempDir
    Path dir;

    final Clock clock = new Clock(GENESIS_MS + 100_000_000L);
    final PrivateKey vkey = validatorKey().getPrivate();
    static final BigInteger FEE = BigInteger.valueOf(21_000L * 1000);

    LocalChain open(Genesis g) {
        return LocalChain.open(dir, g, options(clock));
    }

    static String accepted(Admission a) {
        assertThat(a).as(a.toString()).isInstanceOf(Admission.Accepted.class);
        return ((Admission.Accepted) a).txHash();
    }

    static String rejected(Admission a) {
        assertThat(a).as(a.toString()).isInstanceOf(Admission.Rejected.class);
        return ((Admission.Rejected) a).reason();
    }

    @Test
    void transfersMoveBalancesPayFeesAndRewards() throws Exception {
        try (LocalChain c = open(genesis(3))) {
            assertThat(c.head().header().height()).isZero();
            String h = accepted(c.submit(transfer(priv(0), addr(1), Amounts.cpc(5), 0, 1000)));
            assertThat(c.nextNonce(addr(0))).isEqualTo(1);
            assertThat(c.transaction(h)).get().extracting(TxStatus::status).isEqualTo("pending");
            Block b = produce(c, vkey);
            assertThat(b.transactions()).hasSize(1);
            assertThat(b.header().gasUsed()).isEqualTo(21_000);
            assertThat(c.account(addr(0))).isEqualTo(new Account(Amounts.cpc(995).subtract(FEE), 1));
            assertThat(c.account(addr(1)).balance()).isEqualTo(Amounts.cpc(1005));
            // The validators' part (reward + fee) goes to the one validator: 10% commission to its operator's balance,
            // the rest to its self-bond as pending rewards.
            assertThat(c.account(addr(999)).balance()).isEqualTo(Amounts.cpc(10).add(FEE).divide(BigInteger.TEN));
            assertThat(withPendingRewards(c, addr(999))).isEqualTo(Amounts.cpc(10).add(FEE));
            TxStatus st = c.transaction(h).orElseThrow();
            assertThat(st.included()).isTrue();
            assertThat(st.blockHeight()).isEqualTo(1L);
            assertThat(st.gasUsed()).isEqualTo(21_000);
            assertThat(c.mempoolSize()).isZero();
            assertSupply(c, Amounts.cpc(3000 + 1)); // + the validator's 1 CPC bond
            // an empty block still pays the reward
            produce(c, vkey);
            assertThat(c.head().header().height()).isEqualTo(2);
            assertSupply(c, Amounts.cpc(3000 + 1));
            // membership proof of an account against the state root
            SparseMerkleTree.Proof p = c.accountProof(addr(1));
            byte[] root = Hex.decode(c.head().header().stateRoot());
            assertThat(SparseMerkleTree.verifyMembership(root, StateKeys.account(addr(1)),
                    Sha256.hash(StateKeys.encodeAccount(c.account(addr(1)))), p)).isTrue();
            assertThat(SparseMerkleTree.verifyNonMembership(root, StateKeys.account(addr(77)),
                    c.accountProof(addr(77)))).isTrue();
        }
    }

    @Test
    void everyRejectionNamesItsRule() throws Exception {
        try (LocalChain c = open(genesis(3))) {
            accepted(c.submit(transfer(priv(0), addr(1), BigInteger.ONE, 0, 1000)));
            produce(c, vkey);
            assertThat(rejected(c.submit(transfer(priv(0), addr(1), BigInteger.ONE, 0, 1000))))
                    .contains("already included in block 1");
            assertThat(rejected(c.submit(transfer(priv(0), addr(1), BigInteger.TWO, 0, 1000))))
                    .isEqualTo("nonce 0 is below the account's next nonce 1");
            Transaction ok = transfer(priv(0), addr(1), BigInteger.ONE, 1, 1000);
            // bad signature: one bit flipped
            byte[] sig = Hex.decode(ok.signature());
            sig[10] ^= 1;
            assertThat(rejected(c.submit(ok.withSignature(Hex.encode(sig)))))
                    .contains("signature does not verify");
            // high S: s' = n - s verifies mathematically but is refused
            BigInteger n = new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);
            byte[] s = Hex.decode(ok.signature());
            BigInteger hs = n.subtract(new BigInteger(1, java.util.Arrays.copyOfRange(s, 32, 64)));
            byte[] hsb = hs.toByteArray();
            byte[] high = new byte[64];
            System.arraycopy(s, 0, high, 0, 32);
            System.arraycopy(hsb, hsb.length - 32, high, 32, 32);
            assertThat(rejected(c.submit(ok.withSignature(Hex.encode(high))))).contains("high S");
            // wrong chain
            Transaction other = transfer(org.cpc.protocol.params.NetworkParams.named("testnet"), priv(0), addr(1),
                    BigInteger.ONE, 1, 1000);
            assertThat(rejected(c.submit(other))).isEqualTo("transaction for chain cpc-testnet-1 sent to cpc-devnet-1");
            // fee mismatch
            Transaction badFee = sign(new Transaction(ok.chainId(), ok.txType(), ok.fromAddress(), ok.toAddress(),
                    ok.amount(), BigInteger.valueOf(100), 1, 1000, 21000, ok.timestamp(), ok.pubKey(), ok.payload(),
                    null), priv(0));
            assertThat(rejected(c.submit(badFee))).startsWith("fee 100 != gas_limit 21000 × gas_price 1000");
            assertThat(rejected(c.submit(transfer(priv(0), addr(1), BigInteger.ONE, 1, 10))))
                    .isEqualTo("gas_price 10 is below the minimum 1000");
            Transaction lowGas = sign(new Transaction(ok.chainId(), ok.txType(), ok.fromAddress(), ok.toAddress(),
                    ok.amount(), BigInteger.valueOf(20_000_000), 1, 1000, 20_000, ok.timestamp(), ok.pubKey(),
                    ok.payload(), null), priv(0));
            assertThat(rejected(c.submit(lowGas))).contains("gas_limit 20000 is below the intrinsic gas 21000");
            assertThat(rejected(c.submit(transfer(priv(0), addr(1), Amounts.cpc(2000), 1, 1000))))
                    .startsWith("insufficient balance: has ");
            assertThat(rejected(c.submit(transfer(priv(0), "cpc1notanaddress", BigInteger.ONE, 1, 1000))))
                    .contains("to_address 'cpc1notanaddress' is not a valid cpc address");
            // from_address that is not the key's address
            Transaction spoof = sign(new Transaction(ok.chainId(), ok.txType(), addr(2), ok.toAddress(), ok.amount(),
                    ok.fee(), 0, 1000, 21000, ok.timestamp(), ok.pubKey(), ok.payload(), null), priv(0));
            assertThat(rejected(c.submit(spoof))).contains("is not the address of pub_key");
            Transaction create = sign(new Transaction(ok.chainId(), org.cpc.protocol.types.TxType.CREATE_TASK,
                    ok.fromAddress(), null, ok.amount(), BigInteger.valueOf(1000L * 100_000), 1, 1000, 100_000,
                    ok.timestamp(), ok.pubKey(), ok.payload(), null), priv(0));
            assertThat(rejected(c.submit(create))).contains("CREATE_TASK payload is not a valid ComputeTask");
            accepted(c.submit(ok));
        }
    }

    @Test
    void submitResultRulesAndRewardSplitExactToTheWei() throws Exception {
        try (LocalChain c = open(genesis(5))) {
            produce(c, vkey);
            String h1 = c.head().hashHex();
            // worker_address != from_address
            ComputeResult of0 = result(priv(0), 1, h1);
            assertThat(rejected(c.submit(submitResult(priv(1), of0, 0)))).contains("does not match from_address");
            // bad task id
            ComputeResult badId = new ComputeResult("not-a-uuid", addr(0), "11".repeat(32), "ab".repeat(32), 1L, null);
            assertThat(rejected(c.submit(submitResult(priv(0), badId, 0)))).contains("is not a lowercase UUID");
            ComputeResult wrongTask = new ComputeResult("00000000-0000-8000-8000-000000000000", addr(0),
                    "11".repeat(32), "ab".repeat(32), 1L, null);
            assertThat(rejected(c.submit(submitResult(priv(0), wrongTask, 0)))).contains("is not the synthetic task");
            // unknown (future) block
            ComputeResult future = new ComputeResult(of0.taskId(), addr(0), "11".repeat(32), "ab".repeat(32), 5L, null);
            assertThat(rejected(c.submit(submitResult(priv(0), future, 0)))).contains("does not exist yet");
            ComputeResult badHash = new ComputeResult(of0.taskId(), addr(0), "XY".repeat(32), "ab".repeat(32), 1L, null);
            assertThat(rejected(c.submit(submitResult(priv(0), badHash, 0)))).contains("result_hash");
            // three results in one block: the pool of 5 CPC splits in thirds, the 2-wei remainder to the proposer
            accepted(c.submit(submitResult(priv(0), of0, 0)));
            accepted(c.submit(submitResult(priv(1), result(priv(1), 1, h1), 0)));
            accepted(c.submit(submitResult(priv(2), result(priv(2), 1, h1), 0)));
            // a second result for the same task, while the first is pending
            assertThat(rejected(c.submit(submitResult(priv(0), of0, 1)))).contains("already pending");
            BigInteger before999 = withPendingRewards(c, addr(999));
            Block b = produce(c, vkey);
            assertThat(b.transactions()).hasSize(3);
            assertThat(b.header().computeRoot()).isNotEmpty();
            long gas = b.header().gasUsed() / 3;
            BigInteger fee = BigInteger.valueOf(gas * 1000);
            BigInteger each = Amounts.cpc(5).divide(BigInteger.valueOf(3));
            assertThat(c.account(addr(0)).balance()).isEqualTo(Amounts.cpc(1000).subtract(fee).add(each));
            BigInteger remainder = Amounts.cpc(5).subtract(each.multiply(BigInteger.valueOf(3)));
            assertThat(remainder).isEqualTo(BigInteger.TWO);
            assertThat(withPendingRewards(c, addr(999)).subtract(before999))
                    .isEqualTo(Amounts.cpc(5).add(remainder).add(fee.multiply(BigInteger.valueOf(3))));
            assertThat(c.workerStats(addr(0))).isEqualTo(new WorkerStats(1, each));
            assertThat(c.blockResults(b.header().height()).orElseThrow())
                    .extracting(ResultReward::kind, ResultReward::reward, ResultReward::pocValidator)
                    .containsOnly(org.assertj.core.groups.Tuple.tuple(org.cpc.chain.exec.ResultPayment.Kind.SYNTHETIC, each, null));
            assertThat(c.resultAccepted(of0.taskId())).isTrue();
            assertSupply(c, Amounts.cpc(5000 + 1));
            // the same task again, after it was accepted
            assertThat(rejected(c.submit(submitResult(priv(0), of0, 1)))).contains("was already accepted");
            // stale: the window is 10 blocks
            for (int i = 0; i < 10; i++) produce(c, vkey);
            assertThat(rejected(c.submit(submitResult(priv(3), result(priv(3), 1, h1), 0))))
                    .contains("synthetic_window is 10 blocks");
        }
    }

    @Test
    void wrongProofsAreRejectedWithTheirReasonAndFloodsAreCut() throws Exception {
        try (LocalChain c = open(genesis(3))) {
            produce(c, vkey);
            String h1 = c.head().hashHex();
            ComputeResult honest = result(priv(0), 1, h1);
            String p = honest.proof();
            ComputeResult flipped = new ComputeResult(honest.taskId(), addr(0), honest.resultHash(),
                    (p.charAt(0) == '0' ? "1" : "0") + p.substring(1), 1L, null);
            assertThat(rejected(c.submit(submitResult(priv(0), flipped, 0)))).contains("does not open to result_hash");
            ComputeResult truncated = new ComputeResult(honest.taskId(), addr(0), honest.resultHash(),
                    p.substring(0, p.length() - 64), 1L, null);
            assertThat(rejected(c.submit(submitResult(priv(0), truncated, 0)))).contains("proof is");
            // A result_hash other than the product's: the honest rows no longer open to it.
            ComputeResult otherRoot = new ComputeResult(honest.taskId(), addr(0), "11".repeat(32), p, 1L, null);
            assertThat(rejected(c.submit(submitResult(priv(0), otherRoot, 0)))).contains("result proof rejected");
            accepted(c.submit(submitResult(priv(0), honest, 0)));

            // Eight wrong proofs within a minute: the ninth submission is refused before any proof is opened.
            ComputeResult honest1 = result(priv(1), 1, h1);
            String p1 = honest1.proof();
            ComputeResult bad1 = new ComputeResult(honest1.taskId(), addr(1), honest1.resultHash(),
                    (p1.charAt(0) == '0' ? "1" : "0") + p1.substring(1), 1L, null);
            for (int i = 0; i < 8; i++) {
                clock.now += 1000;
                assertThat(rejected(c.submit(submitResult(priv(1), bad1, 0)))).contains("does not open");
            }
            assertThat(rejected(c.submit(submitResult(priv(1), honest1, 0)))).contains("8 invalid proofs");
            clock.now += 60_000;
            accepted(c.submit(submitResult(priv(1), honest1, 0)));
        }
    }

    @Test
    void restartResumesAndForeignDataDirIsRefused() throws Exception {
        Genesis g = genesis(3);
        String root;
        try (LocalChain c = open(g)) {
            accepted(c.submit(transfer(priv(0), addr(1), BigInteger.TEN, 0, 1000)));
            produce(c, vkey);
            produce(c, vkey);
            root = c.head().header().stateRoot();
            assertThatThrownBy(() -> LocalChain.open(dir, g, options(clock)))
                    .isInstanceOf(ChainStoreException.class).hasMessageContaining("in use by another process");
        }
        try (LocalChain c = open(g)) {
            assertThat(c.head().header().height()).isEqualTo(2);
            assertThat(c.head().header().stateRoot()).isEqualTo(root);
            assertThat(c.account(addr(0)).nonce()).isEqualTo(1);
            accepted(c.submit(transfer(priv(0), addr(1), BigInteger.TEN, 1, 1000)));
            produce(c, vkey);
            assertThat(c.block(1)).get().extracting(b -> b.transactions().size()).isEqualTo(1);
            assertThat(c.blockByHash(c.head().hashHex())).isPresent();
        }
        assertThatThrownBy(() -> LocalChain.open(dir, genesis(4), options(clock)))
                .isInstanceOf(ChainStoreException.class).hasMessageContaining("holds another chain");
    }

    @Test
    void genesisFileRoundTrips() throws Exception {
        Genesis g = genesis(3);
        Path f = dir.resolve("genesis.json");
        GenesisFile.write(g, f);
        Genesis back = GenesisFile.read(f);
        assertThat(back).isEqualTo(g);
        assertThat(GenesisState.block(back, "00".repeat(32)).header().proposerAddress())
                .isEqualTo(g.validators().get(0).address());
    }

    @Test
    void mempoolHoldsGapsReplacesBoundsAndExpires() throws Exception {
        try (LocalChain c = LocalChain.open(dir, genesis(3), options(clock).withMempool(4, 5, 60_000))) {
            accepted(c.submit(transfer(priv(0), addr(1), BigInteger.ONE, 1, 1000)));
            assertThat(c.nextNonce(addr(0))).isZero();
            assertThat(produce(c, vkey).transactions()).isEmpty(); // gap: nonce 0 missing
            accepted(c.submit(transfer(priv(0), addr(1), BigInteger.ONE, 0, 1000)));
            assertThat(c.nextNonce(addr(0))).isEqualTo(2);
            assertThat(produce(c, vkey).transactions()).hasSize(2);
            // replacement
            String first = accepted(c.submit(transfer(priv(0), addr(1), BigInteger.ONE, 2, 1000)));
            assertThat(rejected(c.submit(transfer(priv(0), addr(1), BigInteger.TWO, 2, 1099))))
                    .contains("a replacement needs gas_price >= 1100 (10% more)");
            String second = accepted(c.submit(transfer(priv(0), addr(1), BigInteger.TWO, 2, 1100)));
            assertThat(c.transaction(first)).isEmpty();
            assertThat(c.transaction(second)).isPresent();
            // per account: at most 4 pending, nonces at most 4 ahead
            assertThat(rejected(c.submit(transfer(priv(0), addr(1), BigInteger.ONE, 6, 1000))))
                    .contains("too far ahead");
            accepted(c.submit(transfer(priv(0), addr(1), BigInteger.ONE, 3, 1000)));
            accepted(c.submit(transfer(priv(0), addr(1), BigInteger.ONE, 4, 1000)));
            accepted(c.submit(transfer(priv(0), addr(1), BigInteger.ONE, 5, 1000)));
            // total: 5; a sixth at the same price is refused, a better one evicts the worst
            accepted(c.submit(transfer(priv(1), addr(2), BigInteger.ONE, 0, 1000)));
            assertThat(c.mempoolSize()).isEqualTo(5);
            assertThat(rejected(c.submit(transfer(priv(2), addr(1), BigInteger.ONE, 0, 1000)))).contains("mempool full");
            accepted(c.submit(transfer(priv(2), addr(1), BigInteger.ONE, 0, 5000)));
            assertThat(c.mempoolSize()).isEqualTo(5);
            // highest gas price first in the next block
            clock.now += 1000;
            Block b = c.propose(c.validators().get(0).address(), 0, c.head().header().timestamp() + 1000);
            assertThat(b.transactions().get(0).gasPrice()).isEqualTo(5000);
            // TTL
            clock.now += 61_000;
            assertThat(produce(c, vkey).transactions()).isEmpty();
            assertThat(c.mempoolSize()).isZero();
        }
    }

    @Test
    void validationCatchesEveryAlteredField() throws Exception {
        try (LocalChain c = open(genesis(5))) {
            produce(c, vkey);
            String h1 = c.head().hashHex();
            accepted(c.submit(transfer(priv(0), addr(1), BigInteger.TEN, 0, 1000)));
            accepted(c.submit(submitResult(priv(1), result(priv(1), 1, h1), 0)));
            Block p = c.propose(c.validators().get(0).address(), 0, c.head().header().timestamp() + 1000);
            Block good = BlockSigner.sign(p, vkey);
            c.validate(good);
            var h = p.header();
            record Case(String expect, org.cpc.protocol.types.BlockHeader header) {}
            List<Case> cases = List.of(
                    new Case("does not follow", new org.cpc.protocol.types.BlockHeader(h.height() + 1, h.prevHash(), h.timestamp(), h.chainId(), h.proposerAddress(), h.round(), h.txRoot(), h.stateRoot(), h.computeRoot(), h.gasUsed(), h.gasLimit(), h.validatorsHash(), h.nextValidatorsHash(), h.lastCommitHash(), h.evidenceHash(), null, null)),
                    new Case("prev_hash", new org.cpc.protocol.types.BlockHeader(h.height(), "11".repeat(32), h.timestamp(), h.chainId(), h.proposerAddress(), h.round(), h.txRoot(), h.stateRoot(), h.computeRoot(), h.gasUsed(), h.gasLimit(), h.validatorsHash(), h.nextValidatorsHash(), h.lastCommitHash(), h.evidenceHash(), null, null)),
                    new Case("is not after the parent", new org.cpc.protocol.types.BlockHeader(h.height(), h.prevHash(), c.head().header().timestamp(), h.chainId(), h.proposerAddress(), h.round(), h.txRoot(), h.stateRoot(), h.computeRoot(), h.gasUsed(), h.gasLimit(), h.validatorsHash(), h.nextValidatorsHash(), h.lastCommitHash(), h.evidenceHash(), null, null)),
                    new Case("ahead of this node's clock", new org.cpc.protocol.types.BlockHeader(h.height(), h.prevHash(), clock.now + 60_000, h.chainId(), h.proposerAddress(), h.round(), h.txRoot(), h.stateRoot(), h.computeRoot(), h.gasUsed(), h.gasLimit(), h.validatorsHash(), h.nextValidatorsHash(), h.lastCommitHash(), h.evidenceHash(), null, null)),
                    new Case("block for chain", new org.cpc.protocol.types.BlockHeader(h.height(), h.prevHash(), h.timestamp(), "cpc-x", h.proposerAddress(), h.round(), h.txRoot(), h.stateRoot(), h.computeRoot(), h.gasUsed(), h.gasLimit(), h.validatorsHash(), h.nextValidatorsHash(), h.lastCommitHash(), h.evidenceHash(), null, null)),
                    new Case("not a validator of this height", new org.cpc.protocol.types.BlockHeader(h.height(), h.prevHash(), h.timestamp(), h.chainId(), "cpcvalcons1xyz", h.round(), h.txRoot(), h.stateRoot(), h.computeRoot(), h.gasUsed(), h.gasLimit(), h.validatorsHash(), h.nextValidatorsHash(), h.lastCommitHash(), h.evidenceHash(), null, null)),
                    new Case("tx_root", new org.cpc.protocol.types.BlockHeader(h.height(), h.prevHash(), h.timestamp(), h.chainId(), h.proposerAddress(), h.round(), "22".repeat(32), h.stateRoot(), h.computeRoot(), h.gasUsed(), h.gasLimit(), h.validatorsHash(), h.nextValidatorsHash(), h.lastCommitHash(), h.evidenceHash(), null, null)),
                    new Case("state_root", new org.cpc.protocol.types.BlockHeader(h.height(), h.prevHash(), h.timestamp(), h.chainId(), h.proposerAddress(), h.round(), h.txRoot(), "33".repeat(32), h.computeRoot(), h.gasUsed(), h.gasLimit(), h.validatorsHash(), h.nextValidatorsHash(), h.lastCommitHash(), h.evidenceHash(), null, null)),
                    new Case("compute_root", new org.cpc.protocol.types.BlockHeader(h.height(), h.prevHash(), h.timestamp(), h.chainId(), h.proposerAddress(), h.round(), h.txRoot(), h.stateRoot(), "", h.gasUsed(), h.gasLimit(), h.validatorsHash(), h.nextValidatorsHash(), h.lastCommitHash(), h.evidenceHash(), null, null)),
                    new Case("gas_used", new org.cpc.protocol.types.BlockHeader(h.height(), h.prevHash(), h.timestamp(), h.chainId(), h.proposerAddress(), h.round(), h.txRoot(), h.stateRoot(), h.computeRoot(), h.gasUsed() + 1, h.gasLimit(), h.validatorsHash(), h.nextValidatorsHash(), h.lastCommitHash(), h.evidenceHash(), null, null)),
                    new Case("gas_limit", new org.cpc.protocol.types.BlockHeader(h.height(), h.prevHash(), h.timestamp(), h.chainId(), h.proposerAddress(), h.round(), h.txRoot(), h.stateRoot(), h.computeRoot(), h.gasUsed(), h.gasLimit() - 1, h.validatorsHash(), h.nextValidatorsHash(), h.lastCommitHash(), h.evidenceHash(), null, null)),
                    new Case("zk_state_proof", new org.cpc.protocol.types.BlockHeader(h.height(), h.prevHash(), h.timestamp(), h.chainId(), h.proposerAddress(), h.round(), h.txRoot(), h.stateRoot(), h.computeRoot(), h.gasUsed(), h.gasLimit(), h.validatorsHash(), h.nextValidatorsHash(), h.lastCommitHash(), h.evidenceHash(), "00", null)));
            for (Case k : cases) {
                Block bad = BlockSigner.sign(new Block(k.header(), p.transactions(), null, p.lastCommit(), p.evidence()), vkey);
                assertThatThrownBy(() -> c.validate(bad)).as(k.expect())
                        .isInstanceOf(InvalidBlockException.class).hasMessageContaining(k.expect());
            }
            // a transaction dropped: tx_root no longer matches (gas_used is checked first)
            Block fewer = BlockSigner.sign(new Block(h, p.transactions().subList(0, 1), null, p.lastCommit(), p.evidence()), vkey);
            assertThatThrownBy(() -> c.validate(fewer)).isInstanceOf(InvalidBlockException.class);
            // a transaction's signature swapped for a bad one (tx_root unchanged: signatures are not hashed)
            Transaction t0 = p.transactions().get(0);
            byte[] s = Hex.decode(t0.signature());
            s[5] ^= 1;
            Block badTx = BlockSigner.sign(new Block(h, List.of(t0.withSignature(Hex.encode(s)), p.transactions().get(1)), null, p.lastCommit(), p.evidence()), vkey);
            assertThatThrownBy(() -> c.validate(badTx)).hasMessageContaining("signature does not verify");
            // unsigned, and signed by another key
            assertThatThrownBy(() -> c.validate(p)).hasMessageContaining("not signed");
            Block forged = BlockSigner.sign(p, org.cpc.protocol.crypto.MlDsa.generateKeyPair().getPrivate());
            assertThatThrownBy(() -> c.validate(forged)).hasMessageContaining("proposer signature does not verify");
            c.commit(good);
            assertThat(c.head().hashHex()).isEqualTo(good.hashHex());
        }
    }
}
