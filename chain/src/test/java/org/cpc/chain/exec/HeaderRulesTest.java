package org.cpc.chain.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.math.BigInteger;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.cpc.chain.BlockSigner;
import org.cpc.chain.InvalidBlockException;
import org.cpc.chain.TestKit;
import org.cpc.chain.ValidatorInfo;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.Signer;
import org.cpc.consensus.Validator;
import org.cpc.consensus.ValidatorSet;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.BlockHeader;
import org.cpc.protocol.types.Roots;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;

/** Each header rule on its own: a valid block passes, and every single change to it is refused with its reason. */
class HeaderRulesTest {
    static final NetworkParams P = TestKit.PARAMS;
    /** Two validators of equal power: at height 1 round 0 the first proposes, at round 1 the second. */
    static final KeyPair K0 = MlDsa.generateKeyPair(), K1 = MlDsa.generateKeyPair();
    static final List<ValidatorInfo> VALIDATORS = List.of(TestKit.validatorInfo(K0, TestKit.addr(900)),
            TestKit.validatorInfo(K1, TestKit.addr(901)));
    static final ValidatorSet SET = new ValidatorSet(VALIDATORS.stream()
            .map(v -> new Validator(v.address(), v.publicKey(), 1)).toList());
    /** The next height's set: the second validator alone. */
    static final String NEXT = ValidatorSet.hashHex(List.of(SET.get(1)));
    static final HeaderRules.Sets SETS = new HeaderRules.Sets(SET, null, NEXT,
            Map.of(SET.get(0).address(), TestKit.addr(900), SET.get(1).address(), TestKit.addr(901)));
    static final Block PARENT = new Block(new BlockHeader(0, BlockHeader.ZERO_HASH, TestKit.GENESIS_MS, P.chainId(),
            VALIDATORS.get(0).address(), 0, Roots.txRoot(List.of()), "44".repeat(32), "", 0, P.blockGasLimit(),
            SET.hashHex(), SET.hashHex(), "", "", null, null), List.of(), null);
    static final List<Transaction> TXS = List.of(
            TestKit.transfer(TestKit.priv(0), TestKit.addr(1), BigInteger.ONE, 0, 1000),
            TestKit.transfer(TestKit.priv(0), TestKit.addr(1), BigInteger.ONE, 1, 1000));
    static final BlockHeader GOOD = new BlockHeader(1, PARENT.hashHex(), TestKit.GENESIS_MS + 1000, P.chainId(),
            VALIDATORS.get(0).address(), 0, Roots.txRoot(TXS), "55".repeat(32), "", 42_000, P.blockGasLimit(),
            SET.hashHex(), NEXT, "", "", null, null);

    /** The good header with one field changed by {@code edit}, signed by the key of validator {@code signer}. */
    static Block block(UnaryOperator<Builder> edit, KeyPair signer) {
        return BlockSigner.sign(new Block(edit.apply(new Builder(GOOD)).build(), TXS, null), signer.getPrivate());
    }

    static Block block(UnaryOperator<Builder> edit) {
        return block(edit, K0);
    }

    static void refused(Block b, String reason) {
        refused(b, P, reason);
    }

    static void refused(Block b, NetworkParams params, String reason) {
        assertThatThrownBy(() -> HeaderRules.check(b, PARENT, params, SETS)).as(reason)
                .isInstanceOf(InvalidBlockException.class).hasMessageContaining(reason);
    }

    @Test
    void aValidHeaderPassesAndNamesItsProposer() throws Exception {
        HeaderRules.Checked c = HeaderRules.check(block(b -> b), PARENT, P, SETS);
        assertThat(c.proposer()).isEqualTo(SET.get(0));
        assertThat(c.lastCommitSigners()).as("height 1 has no last commit").isNull();
        // round 1 moves the schedule on to the second validator
        Block round1 = block(b -> b.round(1).proposer(VALIDATORS.get(1).address()), K1);
        assertThat(HeaderRules.check(round1, PARENT, P, SETS).proposer()).isEqualTo(SET.get(1));
    }

    @Test
    void theHeaderCommitsToTheValidatorSetsOfThisHeightAndTheNext() {
        refused(block(b -> b.validators("66".repeat(32), NEXT)), "validators_hash " + "66".repeat(32) + " != "
                + SET.hashHex() + " of the validator set of height 1");
        refused(block(b -> b.validators(SET.hashHex(), SET.hashHex())), "next_validators_hash " + SET.hashHex()
                + " != " + NEXT + " of the validator set of height 2");
    }

    @Test
    void fromHeightTwoTheBlockCarriesAValidCertificateOfItsParentInSetOrder() throws Exception {
        Block parent = block(b -> b);
        ValidatorSet next = new ValidatorSet(List.of(SET.get(1)));
        HeaderRules.Sets sets2 = new HeaderRules.Sets(next, SET, next.hashHex(), Map.of(SET.get(1).address(),
                TestKit.addr(901)));
        Signer s0 = MlDsaSignatures.signer(SET.get(0).address(), K0.getPrivate());
        Signer s1 = MlDsaSignatures.signer(SET.get(1).address(), K1.getPrivate());
        CommitCertificate both = CommitCertificate.signed(P.chainId(), 1, 0, parent.hashHex(), List.of(s0, s1));
        assertThat(HeaderRules.check(child(parent, both.toJson()), parent, P, sets2).lastCommitSigners())
                .containsExactly(SET.get(0).address(), SET.get(1).address());
        // none, or one that does not match its hash, or one without a 2/3 quorum, or one out of set order
        assertThatThrownBy(() -> HeaderRules.check(child(parent, null), parent, P, sets2))
                .hasMessageContaining("block 2 carries no last_commit");
        Block swapped = child(parent, both.toJson());
        Block other = new Block(swapped.header(), List.of(), swapped.signature(),
                CommitCertificate.signed(P.chainId(), 1, 0, parent.hashHex(), List.of(s1, s0)).toJson(), List.of());
        assertThatThrownBy(() -> HeaderRules.check(other, parent, P, sets2)).hasMessageContaining("last_commit_hash");
        CommitCertificate half = CommitCertificate.signed(P.chainId(), 1, 0, parent.hashHex(), List.of(s1));
        assertThatThrownBy(() -> HeaderRules.check(child(parent, half.toJson()), parent, P, sets2))
                .hasMessageContaining("needs more than 2/3");
        CommitCertificate reversed = CommitCertificate.signed(P.chainId(), 1, 0, parent.hashHex(), List.of(s1, s0));
        assertThatThrownBy(() -> HeaderRules.check(child(parent, reversed.toJson()), parent, P, sets2))
                .hasMessageContaining("not in validator set order");
        CommitCertificate wrongBlock = CommitCertificate.signed(P.chainId(), 1, 0, "77".repeat(32), List.of(s0, s1));
        assertThatThrownBy(() -> HeaderRules.check(child(parent, wrongBlock.toJson()), parent, P, sets2))
                .hasMessageContaining("bad precommit signature");
    }

    /** A signed height-2 block on {@code parent}, by the second validator, carrying {@code lastCommit}. */
    private static Block child(Block parent, com.fasterxml.jackson.databind.JsonNode lastCommit) {
        ValidatorSet next = new ValidatorSet(List.of(SET.get(1)));
        BlockHeader h = new BlockHeader(2, parent.hashHex(), GOOD.timestamp() + 1000, P.chainId(), SET.get(1).address(),
                0, Roots.txRoot(List.of()), "55".repeat(32), "", 0, P.blockGasLimit(), next.hashHex(), next.hashHex(),
                Block.lastCommitHash(lastCommit), "", null, null);
        return BlockSigner.sign(new Block(h, List.of(), null, lastCommit, List.of()), K1.getPrivate());
    }

    @Test
    void evidenceIsBoundedAndCoveredByItsHash() {
        com.fasterxml.jackson.databind.node.ObjectNode item = org.cpc.protocol.codec.Json.object().put("first", 1);
        Block withEvidence = BlockSigner.sign(new Block(GOOD, TXS, null, null, List.of(item)), K0.getPrivate());
        refused(withEvidence, "evidence_hash '' != '" + Block.evidenceHash(List.of(item)) + "'");
    }

    @Test
    void theBlockMustFollowItsParent() {
        refused(block(b -> b.height(2)), "block height 2 does not follow the head 0");
        refused(block(b -> b.prevHash("11".repeat(32))), "prev_hash " + "11".repeat(32) + " is not the head's hash");
    }

    @Test
    void theBlockMustBeForThisChain() {
        refused(block(b -> b.chainId("cpc-other-1")), "block for chain cpc-other-1 sent to " + P.chainId());
    }

    @Test
    void theTimestampMustBeAfterTheParents() {
        refused(block(b -> b.timestamp(TestKit.GENESIS_MS)), "is not after the parent's " + TestKit.GENESIS_MS);
        refused(block(b -> b.timestamp(TestKit.GENESIS_MS - 1)), "is not after the parent's");
        // how far ahead of the clock a block may be is the edge's rule, not this one
        assertThatNoException().isThrownBy(() ->
                HeaderRules.check(block(b -> b.timestamp(TestKit.GENESIS_MS + 365L * 86_400_000)), PARENT, P, SETS));
    }

    @Test
    void theProposerMustBeTheScheduledValidator() {
        refused(block(b -> b.proposer("cpcvalcons1xyz")), "not cpcvalcons1xyz (not a validator of this height)");
        refused(block(b -> b.proposer(VALIDATORS.get(1).address()), K1), "proposer of height 1 round 0 is "
                + VALIDATORS.get(0).address() + ", not " + VALIDATORS.get(1).address());
    }

    @Test
    void theBlockMustKeepToTheLimits() {
        refused(block(b -> b.gasLimit(P.blockGasLimit() - 1)), "gas_limit " + (P.blockGasLimit() - 1)
                + " != block_gas_limit " + P.blockGasLimit());
        refused(block(b -> b.gasUsed(P.blockGasLimit() + 1)), "gas_used " + (P.blockGasLimit() + 1)
                + " exceeds gas_limit");
        refused(block(b -> b), P.withBlockLimits(P.blockGasLimit(), 1), "2 transactions exceed max_block_txs 1");
        refused(block(b -> b.zkStateProof("00")), "zk_state_proof and zk_compute_proof must be null");
        refused(block(b -> b.zkComputeProof("00")), "zk_state_proof and zk_compute_proof must be null");
    }

    @Test
    void theProposerMustHaveSignedIt() {
        Block good = block(b -> b);
        refused(new Block(good.header(), TXS, null), "block is not signed by its proposer");
        refused(new Block(good.header(), TXS, "zz"), "block signature is not hex");
        refused(block(b -> b, K1), "proposer signature does not verify (ML-DSA-65 over the header hash, key of "
                + VALIDATORS.get(0).address() + ")");
        // a signature of another header
        refused(new Block(good.header(), TXS, block(b -> b.round(0).gasUsed(1)).signature()),
                "proposer signature does not verify");
    }

    @Test
    void theHeaderMustMatchItsExecution() throws Exception {
        String txRoot = Roots.txRoot(TXS);
        HeaderRules.checkExecuted(GOOD, 42_000, txRoot, "");
        assertThatThrownBy(() -> HeaderRules.checkExecuted(GOOD, 41_999, txRoot, ""))
                .hasMessage("gas_used 42000 != 41999 used by its transactions");
        assertThatThrownBy(() -> HeaderRules.checkExecuted(GOOD, 42_000, "66".repeat(32), ""))
                .hasMessage("tx_root " + txRoot + " != " + "66".repeat(32) + " of its transactions");
        assertThatThrownBy(() -> HeaderRules.checkExecuted(GOOD, 42_000, txRoot, "77".repeat(32)))
                .hasMessage("compute_root '' != '" + "77".repeat(32) + "' of its results");
        HeaderRules.checkStateRoot(GOOD, "55".repeat(32));
        assertThatThrownBy(() -> HeaderRules.checkStateRoot(GOOD, "88".repeat(32)))
                .hasMessage("state_root " + "55".repeat(32) + " != " + "88".repeat(32) + " after execution");
    }

    @Test
    void txRootOfHashesIsTheProtocolsTxRoot() {
        assertThat(HeaderRules.txRoot(TXS.stream().map(Transaction::hash).toList())).isEqualTo(Roots.txRoot(TXS));
        assertThat(HeaderRules.txRoot(List.of())).isEqualTo(Roots.txRoot(List.of()));
    }

    /** A header with one field changed at a time. */
    static final class Builder {
        private long height, timestamp, round, gasUsed, gasLimit;
        private String prevHash, chainId, proposer, zkState, zkCompute, validators, nextValidators;
        private final BlockHeader h;

        Builder(BlockHeader h) {
            this.h = h;
            height = h.height();
            timestamp = h.timestamp();
            round = h.round();
            gasUsed = h.gasUsed();
            gasLimit = h.gasLimit();
            prevHash = h.prevHash();
            chainId = h.chainId();
            proposer = h.proposerAddress();
            validators = h.validatorsHash();
            nextValidators = h.nextValidatorsHash();
        }

        Builder height(long v) { height = v; return this; }
        Builder timestamp(long v) { timestamp = v; return this; }
        Builder round(long v) { round = v; return this; }
        Builder gasUsed(long v) { gasUsed = v; return this; }
        Builder gasLimit(long v) { gasLimit = v; return this; }
        Builder prevHash(String v) { prevHash = v; return this; }
        Builder chainId(String v) { chainId = v; return this; }
        Builder proposer(String v) { proposer = v; return this; }
        Builder zkStateProof(String v) { zkState = v; return this; }
        Builder zkComputeProof(String v) { zkCompute = v; return this; }
        Builder validators(String v, String next) { validators = v; nextValidators = next; return this; }

        BlockHeader build() {
            return new BlockHeader(height, prevHash, timestamp, chainId, proposer, round, h.txRoot(), h.stateRoot(),
                    h.computeRoot(), gasUsed, gasLimit, validators, nextValidators, h.lastCommitHash(),
                    h.evidenceHash(), zkState, zkCompute);
        }
    }
}
