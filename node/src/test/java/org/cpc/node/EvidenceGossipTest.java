package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.cpc.chain.Chain;
import org.cpc.consensus.MessageCodec;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.SignBytes;
import org.cpc.consensus.Signer;
import org.cpc.consensus.Vote;
import org.cpc.consensus.VoteType;
import org.cpc.node.consensus.BlockJson;
import org.cpc.p2p.Channel;
import org.cpc.p2p.NodeIdentity;
import org.cpc.p2p.P2pConfig;
import org.cpc.p2p.PeerInfo;
import org.cpc.p2p.TcpPeerNetwork;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.types.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence reaches every node although only one was told: a peer hands node 0 the proof that validator 3 (not
 * running) signed two prevotes for one height and round; node 0 keeps and relays it, the others keep it, a node
 * that connects later is sent it, a proposer puts it in a block and validator 3 is tombstoned. Evidence whose votes
 * do not verify is penalized and goes nowhere. Evidence of a height before the set changed is still checked against
 * that height's set, by a node that is past the change and by one that syncs past it before checking.
 */
class EvidenceGossipTest {
    @TempDir
    Path dir;

    private final MessageCodec<Block> codec = new MessageCodec<>(BlockJson.CODEC);

    @Test
    void evidenceToOneNodeReachesAllAndEndsInABlock() throws Exception {
        try (Testnet net = Testnet.create(dir, 4, NetworkTest.params())) {
            // Three of four equal validators: more than 2/3 of the power, so the chain moves without validator 3.
            TestNode n0 = net.start(0);
            net.start(1);
            net.start(2);
            // Evidence of height 3 or above is beyond a new node's head + 2: a late follower holds it back until it
            // gets there.
            net.awaitHeight(3, NetworkTest.WAIT);
            Chain chain = n0.runner.chain();
            ValidatorKey absent = new Keyring(new DataDir(NodeInit.nodeDir(dir, 3)).keys())
                    .unlockValidator(NodeInit.DEFAULT_VALIDATOR_KEY, NodeInit.DEVNET_KEY_PASSWORD.toCharArray());
            Signer signer = MlDsaSignatures.signer(absent.address(), absent.privateKey());
            long h = chain.head().header().height();

            String node0 = n0.runner.network().nodeId();
            try (TcpPeerNetwork witness = witness(net, n0)) {

                // Forged: the second vote's signature is the first one's, over other bytes.
                Vote a = vote(signer, net, h, "aa");
                Vote b = vote(signer, net, h, "bb");
                Vote forged = new Vote(b.type(), b.height(), b.round(), b.blockHash(), b.validatorAddress(), a.signature());
                witness.send(node0, Channel.CONSENSUS, evidence(a, forged));
                Testnet.await("the forger penalized INVALID", NetworkTest.WAIT, () -> score(n0, witness.nodeId()) >= 50);
                assertThat(evidenceCount(n0)).isZero();

                witness.send(node0, Channel.CONSENSUS, evidence(a, b));
                Testnet.await("every running node holds the evidence", NetworkTest.WAIT,
                        () -> net.running().stream().allMatch(n -> evidenceCount(n) == 1));
                assertThat(score(n0, witness.nodeId())).as("valid evidence costs nothing").isEqualTo(50);
            }

            // A node that connects afterwards is sent what is pending.
            int f = net.addFollower();
            TestNode follower = net.start(f);
            Testnet.await("the late follower holds the evidence", NetworkTest.WAIT, () -> evidenceCount(follower) == 1);

            Testnet.await("a block carries the evidence", NetworkTest.WAIT, () -> blockWithEvidence(chain) > 0);
            long at = blockWithEvidence(chain);
            JsonNode item = chain.block(at).orElseThrow().evidence().getFirst();
            assertThat(item.path("first").path("validator_address").asText()).isEqualTo(absent.address());
            long after = at + 2;
            net.awaitHeight(after, NetworkTest.WAIT);
            assertThat(chain.validatorSet(after).byAddress(absent.address())).as("tombstoned: out of the set").isNull();

            // Once the set has changed, the state keeps only the sets from the head - 1 on: evidence of a height
            // before the change is still checked against the set of its height (the one its block's header names).
            net.awaitHeight(after + 1, NetworkTest.WAIT);
            try (TcpPeerNetwork witness = witness(net, n0)) {
                Vote pa = vote(signer, net, VoteType.PRECOMMIT, h, "aa");
                Vote pb = vote(signer, net, VoteType.PRECOMMIT, h, "bb");
                witness.send(node0, Channel.CONSENSUS, evidence(pa, pb));
                Testnet.await("node 0 keeps evidence of a height before the set changed", NetworkTest.WAIT,
                        () -> evidenceCount(n0) == 2);
                assertThat(score(n0, witness.nodeId())).as("valid evidence costs nothing").isZero();
            }
            // A node that joins now syncs past the change before it checks what it held back; it keeps both.
            TestNode later = net.start(net.addFollower());
            Testnet.await("a follower joining after the set change holds both", NetworkTest.WAIT,
                    () -> evidenceCount(later) == 2);
        }
    }

    /** A bare P2P peer connected to node {@code n}, to hand it evidence. */
    private static TcpPeerNetwork witness(Testnet net, TestNode n) throws InterruptedException {
        Chain chain = n.runner.chain();
        P2pConfig cfg = P2pConfig.defaults(net.params.chainId(), chain.block(0).orElseThrow().hashHex(),
                new InetSocketAddress("127.0.0.1", 0), List.of(new InetSocketAddress("127.0.0.1",
                        n.runner.network().listenAddress().getPort())), "witness");
        TcpPeerNetwork witness = new TcpPeerNetwork(cfg, NodeIdentity.generate(), (peer, ch, payload) -> {});
        try {
            witness.start();
            Testnet.await("connected to node " + n.runner.network().nodeId(), NetworkTest.WAIT,
                    () -> !witness.peers().isEmpty());
            return witness;
        } catch (RuntimeException | InterruptedException | AssertionError e) {
            witness.close();
            throw e;
        }
    }

    private Vote vote(Signer signer, Testnet net, long height, String hashByte) {
        return vote(signer, net, VoteType.PREVOTE, height, hashByte);
    }

    private Vote vote(Signer signer, Testnet net, VoteType type, long height, String hashByte) {
        String hash = hashByte.repeat(32);
        byte[] bytes = SignBytes.vote(net.params.chainId(), type, height, 0, hash, signer.address());
        return new Vote(type, height, 0, hash, signer.address(), signer.sign(bytes));
    }

    private byte[] evidence(Vote first, Vote second) {
        ObjectNode o = Json.object().put("type", "evidence");
        o.set("first", codec.toJson(first));
        o.set("second", codec.toJson(second));
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static int evidenceCount(TestNode n) {
        try {
            return TestNode.json(n.get("/evidence")).path("total").asInt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long blockWithEvidence(Chain chain) {
        for (long h = chain.head().header().height(); h >= 1; h--) {
            if (!chain.block(h).orElseThrow().evidence().isEmpty()) return h;
        }
        return -1;
    }

    private static int score(TestNode n, String peerId) {
        return n.runner.network().connectedPeers().stream().filter(p -> p.id().equals(peerId))
                .mapToInt(PeerInfo::score).findFirst().orElse(-1);
    }
}
