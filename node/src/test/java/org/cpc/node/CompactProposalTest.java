package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.cpc.chain.BlockSigner;
import org.cpc.chain.Chain;
import org.cpc.chain.exec.HeaderRules;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.Proposal;
import org.cpc.consensus.SignBytes;
import org.cpc.node.consensus.CompactMessages;
import org.cpc.node.consensus.TendermintConsensus;
import org.cpc.p2p.Channel;
import org.cpc.p2p.MessageHandler;
import org.cpc.p2p.NodeIdentity;
import org.cpc.p2p.P2pConfig;
import org.cpc.p2p.TcpPeerNetwork;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.BlockHeader;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compact proposals between real nodes over loopback P2P. Four validators of equal power: nodes 0–2 run, and the
 * test itself plays validator 3 through a raw P2P connection to each, with that validator's real key. Every block
 * therefore needs the votes of all three nodes, so a block is only committed once each of them has rebuilt it.
 */
class CompactProposalTest {
    @TempDir
    Path dir;

    /**
     * Node 1's transaction gossip is stopped, so it lacks what the others admit. Validator 3 proposes a valid block
     * holding such a transaction and never answers node 1's request for it. Node 1 does not wait on it: the nodes
     * that rebuilt the block re-send the proposal on their gossip tick, and once the fetch has timed out node 1 asks
     * one of them instead (had nobody else the transaction, the round would run out: the next test). Either way
     * the transaction reaches node 1 by a fetch, its block is committed with node 1's vote (every block needs all
     * three nodes), and the chain goes on, the same on every node.
     */
    @Test
    void aPeerThatNeverAnswersIsNotWaitedForAndMissingTransactionsAreFetchedElsewhere() throws Exception {
        try (Testnet net = Testnet.create(dir, 4, NetworkTest.params());
             RawValidator raw = RawValidator.start(net, 3, false)) {
            List<TestNode> nodes = startWith(net, raw);
            TestNode n0 = nodes.get(0), n1 = nodes.get(1);
            AccountKey sender = n0.funded("5");
            n1.runner.network().gossip().close();

            long h = raw.awaitTurn(n0.runner.chain());
            Transaction tx = n0.transfer(sender, TestNode.newAccount().address(), BigInteger.ONE, 0);
            assertThat(n0.runner.chain().submit(tx)).isInstanceOf(org.cpc.chain.Admission.Accepted.class);
            Proposal<Block> p = raw.proposal(n0.runner.chain(), h, null);
            assertThat(p.block().transactions()).contains(tx);
            raw.sendUntilCommitted(n0.runner.chain(), p, p.block().transactions().stream().map(Transaction::hashHex).toList());

            assertThat(raw.askedBy(n1)).contains(tx.hashHex());
            JsonNode included = n1.awaitIncluded(tx.hashHex());
            assertThat(included.path("block_height").asLong()).isGreaterThanOrEqualTo(h);
            assertThat(((TendermintConsensus) n1.runner.consensus()).compactProposals().fetched()).isPositive();
            net.awaitHeight(h + 2, NetworkTest.heights(2));
            net.assertSameChain(h + 2);
        }
    }

    /**
     * Validator 3 proposes a block whose transaction list holds a hash nobody has a transaction for (its tx root and
     * signatures are right, so only the missing body gives it away), and answers each node's first request with a
     * transaction that was not asked for. Every node asks, penalizes that answer, gets nothing more, and the height
     * is decided in a later round by an honest proposer; the chain goes on.
     */
    @Test
    void aProposerListingATransactionItDoesNotHaveCannotStallTheChain() throws Exception {
        try (Testnet net = Testnet.create(dir, 4, NetworkTest.params());
             RawValidator raw = RawValidator.start(net, 3, true)) {
            List<TestNode> nodes = startWith(net, raw);
            Chain c0 = nodes.get(0).runner.chain();

            long h = raw.awaitTurn(c0);
            String phantom = Hex.encode(Sha256.hash("a transaction nobody has".getBytes(StandardCharsets.UTF_8)));
            Proposal<Block> p = raw.proposal(c0, h, phantom);
            List<String> hashes = new ArrayList<>(p.block().transactions().stream().map(Transaction::hashHex).toList());
            hashes.add(phantom);
            raw.sendUntilCommitted(c0, p, hashes);

            for (TestNode n : nodes) {
                assertThat(raw.askedBy(n)).as("asked by %s", n.url()).contains(phantom);
                Testnet.await("the wrong answer penalized by " + n.url(), NetworkTest.WAIT, () ->
                        n.runner.network().connectedPeers().stream().filter(i -> i.id().equals(raw.nodeId()))
                                .allMatch(i -> i.score() > 0));
            }
            assertDecidedWithoutRaw(c0, h, raw);
            assertThat(c0.block(h).orElseThrow().hashHex()).isNotEqualTo(p.block().hashHex());
            net.awaitHeight(h + 2, NetworkTest.heights(2));
            net.assertSameChain(h + 2);
        }
    }

    /** Starts nodes 0–2, connects the raw validator to them, and waits for height 2. */
    private static List<TestNode> startWith(Testnet net, RawValidator raw) throws InterruptedException {
        List<TestNode> nodes = List.of(net.start(0), net.start(1), net.start(2));
        raw.dial(nodes);
        net.awaitHeight(2, NetworkTest.heights(2));
        return nodes;
    }

    /** Height {@code h} was decided by another validator's block, in a round after the raw proposer's. */
    private static void assertDecidedWithoutRaw(Chain c, long h, RawValidator raw) {
        BlockHeader header = c.block(h).orElseThrow().header();
        assertThat(header.proposerAddress()).isNotEqualTo(raw.key.address());
        assertThat(header.round()).isPositive();
    }

    /** Validator {@code i} on a raw P2P connection: proposes what the test builds, answers requests as told. */
    private static final class RawValidator implements MessageHandler, AutoCloseable {
        final ValidatorKey key;
        final String chainId;
        final boolean answerWrongOnce;
        TcpPeerNetwork network;
        final Map<String, Set<String>> asked = new ConcurrentHashMap<>();
        final Set<String> answered = ConcurrentHashMap.newKeySet();

        private RawValidator(ValidatorKey key, String chainId, boolean answerWrongOnce) {
            this.key = key;
            this.chainId = chainId;
            this.answerWrongOnce = answerWrongOnce;
        }

        static RawValidator start(Testnet net, int i, boolean answerWrongOnce) {
            DataDir d = net.dataDir(i);
            ValidatorKey key = new Keyring(d.keys()).unlockValidator(NodeConfig.read(d.root()).validatorKey(),
                    NodeInit.DEVNET_KEY_PASSWORD.toCharArray());
            return new RawValidator(key, net.params.chainId(), answerWrongOnce);
        }

        /** Connects to the running nodes (after they started: the genesis hash comes from their chain). */
        void dial(List<TestNode> nodes) throws InterruptedException {
            List<InetSocketAddress> peers = nodes.stream()
                    .map(n -> new InetSocketAddress("127.0.0.1", n.runner.network().listenAddress().getPort())).toList();
            String genesis = nodes.getFirst().runner.chain().block(0).orElseThrow().hashHex();
            network = new TcpPeerNetwork(P2pConfig.defaults(chainId, genesis, new InetSocketAddress("127.0.0.1", 0),
                    peers, "raw-validator"), NodeIdentity.generate(), this);
            network.start();
            Testnet.await("the raw validator connected to every node", NetworkTest.WAIT,
                    () -> network.peers().size() == nodes.size());
        }

        String nodeId() {
            return network.nodeId();
        }

        Set<String> askedBy(TestNode n) {
            return asked.getOrDefault(n.runner.network().nodeId(), Set.of());
        }

        /** Waits until the next height is this validator's in round 0; returns it. */
        long awaitTurn(Chain c) throws InterruptedException {
            long[] turn = new long[1];
            Testnet.await("a height that validator " + key.address() + " proposes", NetworkTest.heights(8), () -> {
                long h = c.head().header().height() + 1;
                turn[0] = h;
                return c.validatorSet(h).proposer(0).address().equals(key.address());
            });
            return turn[0];
        }

        /**
         * The round-0 proposal of height {@code h}, built by {@code c} from its mempool as this validator's block;
         * with {@code phantom}, its header's tx root also covers that hash, after the block's own transactions.
         */
        Proposal<Block> proposal(Chain c, long h, String phantom) {
            Block b = c.propose(key.address(), 0, System.currentTimeMillis(), null, List.of());
            assertThat(b.header().height()).isEqualTo(h);
            BlockHeader x = b.header();
            if (phantom != null) {
                List<byte[]> hashes = new ArrayList<>(b.transactions().stream().map(Transaction::hash).toList());
                hashes.add(Hex.decode(phantom));
                x = new BlockHeader(x.height(), x.prevHash(), x.timestamp(), x.chainId(), x.proposerAddress(),
                        x.round(), HeaderRules.txRoot(hashes), x.stateRoot(), x.computeRoot(), x.gasUsed(),
                        x.gasLimit(), x.validatorsHash(), x.nextValidatorsHash(), x.lastCommitHash(),
                        x.evidenceHash(), x.zkStateProof(), x.zkComputeProof());
            }
            Block signed = BlockSigner.sign(new Block(x, b.transactions(), null, b.lastCommit(), b.evidence()),
                    key.privateKey());
            String sig = MlDsaSignatures.signer(key.address(), key.privateKey())
                    .sign(SignBytes.proposal(chainId, h, 0, -1, signed.hashHex()));
            return new Proposal<>(h, 0, -1, signed, sig);
        }

        /** Sends the proposal compact (no bodies), again every 250 ms, until {@code c} has committed its height. */
        void sendUntilCommitted(Chain c, Proposal<Block> p, List<String> hashes) throws InterruptedException {
            byte[] bytes = CompactMessages.toJson(p, hashes, List.of()).toString().getBytes(StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + NetworkTest.heights(2).toNanos();
            while (c.head().header().height() < p.height()) {
                if (System.nanoTime() > deadline) throw new AssertionError("height " + p.height() + " not decided");
                network.broadcast(Channel.CONSENSUS, bytes);
                Thread.sleep(250);
            }
        }

        @Override
        public void onMessage(String peerId, Channel channel, byte[] payload) {
            if (channel != Channel.CONSENSUS) return;
            JsonNode m = Json.parse(payload);
            if (!CompactMessages.GET_TXS.equals(m.path("type").asText())) return;
            m.path("hashes").forEach(h -> asked.computeIfAbsent(peerId, k -> ConcurrentHashMap.newKeySet())
                    .add(h.asText()));
            if (answerWrongOnce && answered.add(peerId)) {
                AccountKey k = TestNode.newAccount();
                Transaction other = org.cpc.client.TxBuilder.of(org.cpc.protocol.params.NetworkParams.devnet(), k)
                        .nonce(0).timestamp(System.currentTimeMillis() / 1000).transfer(k.address(), BigInteger.ONE);
                network.send(peerId, Channel.CONSENSUS, CompactMessages.toJson(new CompactMessages.Txs(
                        m.path("block_hash").asText(), List.of(other))).toString().getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void close() {
            if (network != null) network.close();
        }
    }
}
