package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cpc.node.NodeInit;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cpc tx stake|delegate|...} and {@code cpc query validators|delegations|...} against a real devnet node. */
class StakingCliTest {
    static final long BLOCK_MS = 250;
    @TempDir
    static Path dir;
    static LiveNode node;

    @BeforeAll
    static void start() throws Exception {
        node = LiveNode.start(dir, NetworkParams.devnet().withBlockTime(BLOCK_MS), "correct horse battery staple");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Run withKeys(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--keys-dir", node.keys().toString(), "--password-file", node.passwordFile().toString(),
                "--node", node.url()));
        return Run.cpc(all.toArray(String[]::new));
    }

    static JsonNode query(String... args) {
        List<String> all = new ArrayList<>(List.of("query"));
        all.addAll(Arrays.asList(args));
        all.addAll(List.of("--node", node.url(), "--json"));
        Run r = Run.cpc(all.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return Json.parse(r.out());
    }

    static void sendAndAwait(String... args) throws Exception {
        Run r = withKeys(args);
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        String hash = r.out().lines().filter(l -> l.startsWith("tx_hash: ")).findFirst().orElseThrow().substring(9);
        node.awaitIncluded(hash);
    }

    static BigInteger wei(JsonNode n) {
        return new BigInteger(n.asText());
    }

    @Test
    void delegateEarnUndelegateAndSeeTheUnbondingEntry() throws Exception {
        String dave = node.fundedKey("dave", "50.0");
        // The genesis validator: the largest self-bond. Not "any with a key": the validator another test of this class
        // stakes has a key too, never signs, and is jailed and slashed for downtime (which cut a delegation to it).
        String operator = null;
        BigInteger most = BigInteger.ZERO;
        for (JsonNode v : query("validators").path("validators")) {
            BigInteger selfBond = wei(v.path("self_bond"));
            if (selfBond.compareTo(most) > 0) {
                most = selfBond;
                operator = v.path("operator_address").asText();
            }
        }
        assertThat(operator).isNotNull();

        sendAndAwait("tx", "delegate", "--from", "dave", "--validator", operator, "--amount", "10");
        JsonNode ds = query("delegations", dave).path("delegations");
        assertThat(ds).hasSize(1);
        assertThat(ds.get(0).path("validator").asText()).isEqualTo(operator);
        assertThat(wei(ds.get(0).path("amount"))).isEqualTo(Amounts.parseCpc("10"));

        BigInteger first = wei(query("rewards", dave).path("total"));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        BigInteger later;
        while ((later = wei(query("delegations", dave).path("delegations").get(0).path("pending_rewards"))).compareTo(first) <= 0) {
            assertThat(System.nanoTime()).as("pending rewards did not grow").isLessThan(deadline);
            Thread.sleep(BLOCK_MS);
        }
        assertThat(later).isPositive();
        assertThat(Run.cpc("query", "rewards", dave, "--node", node.url()).out()).contains(operator, "total:");

        sendAndAwait("tx", "undelegate", "--from", "dave", "--validator", operator, "--amount", "4");
        JsonNode entries = query("unbonding", dave).path("entries");
        assertThat(entries).hasSize(1);
        assertThat(wei(entries.get(0).path("balance"))).isEqualTo(Amounts.parseCpc("4"));
        assertThat(entries.get(0).path("matures_height").asLong() - entries.get(0).path("created_height").asLong())
                .isEqualTo(20);
        assertThat(Run.cpc("query", "unbonding", dave, "--node", node.url()).out()).contains("matures at");
        assertThat(wei(query("delegations", dave).path("delegations").get(0).path("amount")))
                .isEqualTo(Amounts.parseCpc("6"));

        sendAndAwait("tx", "withdraw-rewards", "--from", "dave");
        assertThat(Run.cpc("query", "validator", operator, "--node", node.url()).out()).contains("status:      active");
        JsonNode supply = query("supply");
        assertThat(wei(supply.path("buckets").path("unbonding"))).isGreaterThanOrEqualTo(Amounts.parseCpc("4"));
    }

    @Test
    void stakeANewValidatorWithANodesConsensusKey() throws Exception {
        String erin = node.fundedKey("erin", "50.0");
        Path other = dir.resolve("other-node");
        NodeInit.init(other, NetworkParams.devnet(), null, "validator", 0, null, System.currentTimeMillis());

        Run noKey = withKeys("tx", "stake", "--from", "erin", "--amount", "2");
        assertThat(noKey.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(noKey.err()).contains("--data-dir");

        sendAndAwait("tx", "stake", "--from", "erin", "--amount", "2", "--data-dir", other.toString(),
                "--name", "erin", "--website", "https://erin.example", "--commission-bps", "700");
        JsonNode v = query("validator", erin);
        assertThat(v.path("name").asText()).isEqualTo("erin");
        assertThat(v.path("commission_bps").asInt()).isEqualTo(700);
        assertThat(wei(v.path("self_bond"))).isEqualTo(Amounts.parseCpc("2"));

        sendAndAwait("tx", "stake", "--from", "erin", "--amount", "1"); // a later STAKE needs no key
        assertThat(wei(query("validator", erin).path("self_bond"))).isEqualTo(Amounts.parseCpc("3"));
        sendAndAwait("tx", "update-validator", "--from", "erin", "--website", "https://erin.example/v2");
        assertThat(query("validator", erin).path("website").asText()).isEqualTo("https://erin.example/v2");
        sendAndAwait("tx", "unstake", "--from", "erin", "--amount", "1");
        assertThat(query("unbonding", erin).path("entries")).hasSize(1);
        assertThat(query("validators", "--leaderboard").path("validators")).hasSize(2);
        assertThat(query("validators", "--jailed").path("validators")).isEmpty();

        Run unjail = withKeys("tx", "unjail", "--from", "erin");
        assertThat(unjail.exit()).isEqualTo(Cpc.EXIT_FAILED); // not jailed: the node refuses it
        assertThat(unjail.err()).contains("rejected");
    }

    @Test
    void workBondsThroughTheCliAndTheNodesPocsAndWorkerRoutes() throws Exception {
        String wendy = node.fundedKey("wendy", "50.0");
        JsonNode before = query("worker", wendy);
        assertThat(before.path("bond").asText()).isEqualTo("0");
        assertThat(before.path("bonded_enough").asBoolean()).isFalse();
        assertThat(before.path("reputation").asInt()).isZero();
        for (String f : List.of("unbonding", "audited", "failed_audits", "slashed")) assertThat(before.has(f)).isTrue();

        sendAndAwait("tx", "bond", "--from", "wendy", "--role", "worker", "--amount", "0.25");
        JsonNode w = query("worker", wendy);
        assertThat(w.path("bond").asText()).isEqualTo(Amounts.parseCpc("0.25").toString());
        assertThat(w.path("bonded_enough").asBoolean()).as("devnet min_worker_bond is 0.1 CPC").isTrue();
        sendAndAwait("tx", "unbond", "--from", "wendy", "--role", "worker", "--amount", "0.05");
        w = query("worker", wendy);
        assertThat(w.path("bond").asText()).isEqualTo(Amounts.parseCpc("0.2").toString());
        assertThat(w.path("unbonding").asText()).isEqualTo(Amounts.parseCpc("0.05").toString());
        assertThat(Run.cpc("query", "worker", wendy, "--node", node.url()).out())
                .contains("bond 0.2 CPC", "reputation 0 bps");

        // The devnet genesis PoC validator is bonded min_poc_bond at genesis; a new one bonds and announces its market.
        JsonNode pocs = query("pocs").path("pocs");
        assertThat(pocs).hasSize(1);
        assertThat(pocs.get(0).path("bond").asText()).isEqualTo(NetworkParams.devnet().bonds().minPocBond().toString());
        String mona = node.fundedKey("mona", "50.0");
        Run refused = withKeys("tx", "bond", "--from", "mona", "--role", "poc_validator", "--amount", "2");
        assertThat(refused.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(refused.err()).contains("needs --endpoint");
        sendAndAwait("tx", "bond", "--from", "mona", "--role", "poc_validator", "--amount", "2", "--endpoint",
                "https://market.example.org", "--name", "Mona's market");
        pocs = query("pocs").path("pocs");
        assertThat(pocs).hasSize(2);
        assertThat(pocs.get(0).path("address").asText()).as("largest bond first").isEqualTo(mona);
        assertThat(pocs.get(0).path("endpoint").asText()).isEqualTo("https://market.example.org");
        assertThat(pocs.get(0).path("name").asText()).isEqualTo("Mona's market");
        assertThat(pocs.get(0).path("tasks_settled").asLong()).isZero();
        assertThat(pocs.get(0).path("slashed").asText()).isEqualTo("0");
        assertThat(Run.cpc("query", "pocs", "--node", node.url()).out())
                .contains(mona + "  bond 2.0 CPC  https://market.example.org");

        JsonNode supply = node.client().get("/supply").body();
        assertThat(wei(supply.path("buckets").path("work_bonds"))).isGreaterThanOrEqualTo(Amounts.parseCpc("3.2"));
        BigInteger sum = BigInteger.ZERO;
        var it = supply.path("buckets").fields();
        while (it.hasNext()) sum = sum.add(wei(it.next().getValue()));
        assertThat(sum).isEqualTo(wei(supply.path("total")));
    }
}
