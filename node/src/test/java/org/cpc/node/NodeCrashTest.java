package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.FileSignStateStore;
import org.cpc.consensus.SignBytes;
import org.cpc.consensus.SignState;
import org.cpc.consensus.VoteType;
import org.cpc.node.consensus.TendermintConsensus;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single-validator node killed mid-height (in a child JVM, after it signed its precommit and before the block is
 * committed) restarts, replays its WAL, and commits at the crash height the block it had signed, with the very
 * precommit signature it had given — ML-DSA signing is randomised, so a second signature over the same vote would
 * differ: an equal one proves no second precommit was made — then keeps committing.
 */
class NodeCrashTest {
    @TempDir
    Path dir;

    @Test
    void killedAfterSigningRestartsWithTheSameSignaturesAndKeepsCommitting() throws Exception {
        NodeInit.init(dir, TestNode.params(), null, NodeInit.DEFAULT_VALIDATOR_KEY, 0, null, System.currentTimeMillis());
        int haltAt = 3;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), NodeCrashChild.class.getName(), dir.toString(),
                String.valueOf(haltAt)).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) output.add(line);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("child output: %s", output).isEqualTo(137);
        assertThat(output).contains("halting before commit of height " + haltAt);

        Path consensus = new DataDir(dir).consensus();
        SignState signed = new FileSignStateStore(consensus.resolve(TendermintConsensus.SIGN_STATE_FILE), w -> {}).load()
                .orElseThrow();
        assertThat(signed.height()).isEqualTo(haltAt);
        SignState.Signed precommit = signed.last();
        assertThat(precommit.kind()).isEqualTo(SignState.Kind.PRECOMMIT);
        assertThat(Files.size(consensus.resolve(TendermintConsensus.WAL_FILE))).isPositive();

        try (TestNode node = TestNode.resume(dir)) {
            assertThat(node.runner.chain().head().header().height()).as("nothing of the crash height was committed")
                    .isLessThan(haltAt + 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (node.runner.chain().head().header().height() < haltAt + 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(node.runner.chain().head().header().height()).isGreaterThanOrEqualTo(haltAt + 3);

            JsonNode served = TestNode.json(node.get("/block/" + haltAt));
            String hash = org.cpc.protocol.types.Block.fromJson(served).hashHex();
            CommitCertificate cert = CommitCertificate.fromJson(served.path("commit"), haltAt, hash);
            String address = TestNode.json(node.get("/validators")).path("validators").get(0).path("address").asText();
            byte[] vote = SignBytes.vote(node.params.chainId(), VoteType.PRECOMMIT, haltAt, cert.round(), hash, address);
            assertThat(cert.round()).isEqualTo(precommit.round());
            assertThat(Hex.encode(Sha256.hash(vote))).as("the committed block is the one precommitted before the crash")
                    .isEqualTo(precommit.signBytesSha256());
            assertThat(cert.signatures()).singleElement()
                    .satisfies(s -> assertThat(s.signature()).isEqualTo(precommit.signature()));
        }
        SignState after = new FileSignStateStore(consensus.resolve(TendermintConsensus.SIGN_STATE_FILE), w -> {}).load()
                .orElseThrow();
        assertThat(after.height()).isGreaterThanOrEqualTo(haltAt + 3);
    }
}
