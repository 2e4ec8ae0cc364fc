package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.InstantSource;
import org.cpc.chain.Chain;
import org.cpc.chain.LocalChain;
import org.cpc.chain.store.ChainStoreException;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.CommitVerifier;
import org.cpc.consensus.InvalidCommitException;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.Validator;
import org.cpc.consensus.ValidatorSet;
import org.cpc.protocol.types.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every block a node commits carries a commit certificate signed with the validator's ML-DSA-65 key; the API
 * serves it with the block, it verifies against {@code GET /validators}, and it survives a restart.
 */
class NodeCommitTest {
    @TempDir
    Path dir;

    /** The validator set as {@code GET /validators} publishes it. */
    static ValidatorSet validators(TestNode node) throws Exception {
        List<Validator> list = new ArrayList<>();
        for (JsonNode v : TestNode.json(node.get("/validators")).path("validators")) {
            list.add(new Validator(v.path("address").asText(), v.path("public_key").asText(), v.path("power").asLong()));
        }
        return new ValidatorSet(list);
    }

    /** Checks the served block's certificate; returns it. */
    static CommitCertificate verifyServed(TestNode node, JsonNode served) throws Exception {
        Block b = Block.fromJson(served); // the served form, commit included, still parses as a block
        long h = b.header().height();
        CommitCertificate cert = CommitCertificate.fromJson(served.path("commit"), h, b.hashHex());
        new CommitVerifier(node.params.chainId(), MlDsaSignatures.VERIFIER).verify(validators(node), h, b.hashHex(), cert);
        return cert;
    }

    static void awaitHeight(TestNode node, long height) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (node.client.status().path("height").asLong() < height) {
            if (System.nanoTime() > deadline) throw new AssertionError("height " + height + " not reached in 20 s");
            Thread.sleep(TestNode.BLOCK_MS / 2);
        }
    }

    /**
     * A failure inside consensus (here the chain refusing the first decided block once, as a disk error would) is
     * logged and consensus restarts from the committed head: the chain goes on, every block with a certificate.
     */
    @Test
    void consensusRecoversFromAFailedCommit() throws Exception {
        NodeInit.init(dir, TestNode.params(), null, NodeInit.DEFAULT_VALIDATOR_KEY, 0, null, System.currentTimeMillis());
        AtomicInteger failures = new AtomicInteger();
        ChainOpener opener = (db, genesis) -> {
            Chain real = LocalChain.open(db, genesis, LocalChain.Options.defaults());
            return (Chain) Proxy.newProxyInstance(Chain.class.getClassLoader(), new Class<?>[] {Chain.class},
                    (proxy, m, args) -> {
                        if (m.getName().equals("commit") && args.length == 2 && failures.getAndIncrement() == 0) {
                            throw new ChainStoreException("simulated write failure");
                        }
                        try {
                            return m.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        };
        try (TestNode node = new TestNode(NodeRunner.start(new DataDir(dir), 0, null, opener, NodeRunner.TCP, InstantSource.system(),
                () -> { throw new AssertionError("no password"); }))) {
            awaitHeight(node, 3);
            assertThat(failures.get()).isGreaterThan(1);
            for (long h = 1; h <= 3; h++) verifyServed(node, TestNode.json(node.get("/block/" + h)));
        }
    }

    @Test
    void servedCertificatesVerifyAndSurviveRestart() throws Exception {
        List<String> certs = new ArrayList<>();
        try (TestNode node = TestNode.start(dir)) {
            awaitHeight(node, 3);
            assertThat(TestNode.json(node.get("/block/0")).get("commit").isNull()).isTrue();
            ValidatorSet set = validators(node);
            for (long h = 1; h <= 3; h++) {
                JsonNode served = TestNode.json(node.get("/block/" + h));
                CommitCertificate cert = verifyServed(node, served);
                assertThat(cert.signatures()).hasSize(1);
                assertThat(cert.signatures().get(0).validatorAddress()).isEqualTo(set.get(0).address());
                assertThat(cert.round()).isZero();
                certs.add(served.path("commit").toString());
            }
            verifyServed(node, TestNode.json(node.get("/block/latest")));

            // a tampered signature, or the certificate of another block, does not verify
            JsonNode one = TestNode.json(node.get("/block/1"));
            ObjectNode forged = one.path("commit").deepCopy();
            String sig = forged.path("signatures").get(0).path("signature").asText();
            ((ObjectNode) forged.path("signatures").get(0)).put("signature",
                    (sig.charAt(0) == '0' ? "1" : "0") + sig.substring(1));
            CommitVerifier verifier = new CommitVerifier(node.params.chainId(), MlDsaSignatures.VERIFIER);
            String hash1 = one.path("hash").asText();
            assertThatThrownBy(() -> verifier.verify(set, 1, hash1, CommitCertificate.fromJson(forged, 1, hash1)))
                    .isInstanceOf(InvalidCommitException.class).hasMessageContaining("bad precommit signature");
            JsonNode two = TestNode.json(node.get("/block/2"));
            String hash2 = two.path("hash").asText();
            assertThatThrownBy(() -> verifier.verify(set, 2, hash2, CommitCertificate.fromJson(one.path("commit"), 2, hash2)))
                    .isInstanceOf(InvalidCommitException.class);
        }
        try (TestNode again = TestNode.resume(dir)) {
            for (long h = 1; h <= 3; h++) {
                JsonNode served = TestNode.json(again.get("/block/" + h));
                assertThat(served.path("commit").toString()).isEqualTo(certs.get((int) h - 1));
                verifyServed(again, served);
            }
            long h0 = again.client.status().path("height").asLong();
            awaitHeight(again, h0 + 2);
            verifyServed(again, TestNode.json(again.get("/block/" + (h0 + 1))));
        }
    }
}
