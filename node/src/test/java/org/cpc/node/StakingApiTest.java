package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staking routes against a real devnet node: transactions built by {@link TxBuilder}, answers over HTTP. */
class StakingApiTest {
    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static JsonNode get(String path) throws Exception {
        var r = node.get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return TestNode.json(r);
    }

    static String genesisOperator() throws Exception {
        return genesisValidator(get("/validators")).path("operator_address").asText();
    }

    /** The genesis validator: the one whose consensus key is known (tests here add others, in parallel). */
    static JsonNode genesisValidator(JsonNode list) {
        for (JsonNode v : list.path("validators")) if (!v.path("public_key").isNull()) return v;
        throw new AssertionError("no genesis validator in " + list);
    }

    TxBuilder builder(AccountKey k) {
        return TxBuilder.of(node.params, k).nonce(node.client.balance(k.address()).path("nonce").asLong())
                .timestamp(System.currentTimeMillis() / 1000);
    }

    void include(Transaction tx) throws Exception {
        NodeClient.Reply r = node.client.sendTransaction(tx);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        node.awaitIncluded(r.body().path("tx_hash").asText());
    }

    @Test
    void validatorsCarryTheirStakingFieldsAndAreFoundByEitherAddress() throws Exception {
        JsonNode all = get("/validators");
        // consensus's set of the next height: the genesis validator, and whoever else staked two blocks ago
        JsonNode v = genesisValidator(all);
        assertThat(all.path("set_height").asLong()).isEqualTo(all.path("height").asLong() + 1);
        assertThat(v.path("address").asText()).startsWith("cpcvalcons1");
        assertThat(v.path("public_key").asText()).hasSize(2 * 1952);
        assertThat(v.path("operator_address").asText()).isEqualTo(v.path("reward_address").asText()).startsWith("cpc1");
        assertThat(v.path("status").asText()).isEqualTo("active");
        assertThat(v.path("commission_bps").asInt()).isEqualTo(1000);
        assertThat(v.path("jailed_until").asLong()).isZero();
        assertThat(new BigInteger(v.path("self_bond").asText())).isEqualTo(new BigInteger(v.path("tokens").asText())
                .subtract(new BigInteger(v.path("delegated").asText())));
        assertThat(v.path("self_bond_cpc").asText()).isNotEmpty();
        assertThat(v.has("missed_blocks") && v.has("uptime_bps") && v.has("name") && v.has("website")).isTrue();

        String op = v.path("operator_address").asText();
        assertThat(get("/validator/" + op).path("consensus_address").asText()).isEqualTo(v.path("address").asText());
        assertThat(get("/validator/" + v.path("address").asText()).path("operator_address").asText()).isEqualTo(op);
        JsonNode board = get("/validators/leaderboard").path("validators");
        assertThat(board.get(0).path("rank").asInt()).isEqualTo(1);
        for (int i = 1; i < board.size(); i++) {
            assertThat(new BigInteger(board.get(i - 1).path("tokens").asText()))
                    .isGreaterThanOrEqualTo(new BigInteger(board.get(i).path("tokens").asText()));
        }
        assertThat(get("/validators/jailed").path("validators")).isEmpty();

        assertThat(node.get("/validator/nonsense").statusCode()).isEqualTo(400);
        assertThat(TestNode.json(node.get("/validator/nonsense")).path("error").asText()).contains("nonsense");
        assertThat(node.get("/validator/cpcvalcons1qqqq").statusCode()).isEqualTo(400);
        assertThat(node.get("/validator/" + TestNode.newAccount().address()).statusCode()).isEqualTo(404);
        assertThat(node.get("/delegator/xyz/delegations").statusCode()).isEqualTo(400);
        assertThat(node.get("/delegator/xyz/rewards").statusCode()).isEqualTo(400);
        assertThat(node.get("/delegator/xyz/unbonding").statusCode()).isEqualTo(400);
    }

    @Test
    void supplyBucketsSumToTheTotal() throws Exception {
        JsonNode s = get("/supply");
        assertThat(s.path("buckets").properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("bonded", "liquid", "market_escrow", "pending_rewards", "unbonding",
                        "work_bonds", "work_unbonding");
        BigInteger sum = BigInteger.ZERO;
        for (JsonNode b : s.path("buckets")) sum = sum.add(new BigInteger(b.asText()));
        assertThat(sum).isEqualTo(new BigInteger(s.path("total").asText()));
        assertThat(s.path("total_cpc").asText()).isNotEmpty();
        assertThat(s.path("buckets_cpc").size()).isEqualTo(7);
        // The genesis PoC validator's bond (min_poc_bond) is in work_bonds from the start.
        assertThat(s.path("buckets").path("work_bonds").asText()).isNotEqualTo("0");
    }

    @Test
    void aDelegationEarnsAndUnbonds() throws Exception {
        String op = genesisOperator();
        AccountKey alice = node.funded("50");
        JsonNode empty = get("/delegator/" + alice.address() + "/delegations");
        assertThat(empty.path("delegations")).isEmpty();
        assertThat(empty.path("total").asText()).isEqualTo("0");

        include(builder(alice).delegate(op, TestNode.cpc("10")));
        JsonNode ds = get("/delegator/" + alice.address() + "/delegations");
        assertThat(ds.path("delegations")).hasSize(1);
        assertThat(ds.path("delegations").get(0).path("validator").asText()).isEqualTo(op);
        assertThat(ds.path("delegations").get(0).path("amount").asText()).isEqualTo(TestNode.cpc("10").toString());
        assertThat(ds.path("delegations").get(0).path("self_bond").asBoolean()).isFalse();
        assertThat(get("/validator/" + op).path("delegated").asText()).isEqualTo(TestNode.cpc("10").toString());

        BigInteger first = rewards(alice.address());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (rewards(alice.address()).compareTo(first) <= 0) {
            assertThat(System.nanoTime()).as("pending rewards did not grow").isLessThan(deadline);
            Thread.sleep(TestNode.BLOCK_MS);
        }

        include(builder(alice).undelegate(op, TestNode.cpc("4")));
        JsonNode u = get("/delegator/" + alice.address() + "/unbonding");
        assertThat(u.path("entries")).hasSize(1);
        JsonNode e = u.path("entries").get(0);
        assertThat(e.path("balance").asText()).isEqualTo(TestNode.cpc("4").toString());
        assertThat(e.path("matures_height").asLong() - e.path("created_height").asLong())
                .isEqualTo(node.params.staking().unbondingBlocks());
        assertThat(get("/delegator/" + alice.address() + "/delegations").path("delegations").get(0).path("amount").asText())
                .isEqualTo(TestNode.cpc("6").toString());
    }

    @Test
    void aFirstStakeWithAProofOfPossessionCreatesAValidator() throws Exception {
        AccountKey bob = node.funded("20");
        KeyPair kp = MlDsa.generateKeyPair();
        byte[] pub = MlDsa.rawPublicKey(kp.getPublic());
        ValidatorKey consensus = new ValidatorKey(kp.getPrivate(), pub, Address.validatorConsensus(pub));
        include(builder(bob).createValidator(TestNode.cpc("5"), consensus, "bob", "https://bob.example", 500));

        JsonNode v = get("/validator/" + bob.address());
        assertThat(v.path("consensus_address").asText()).isEqualTo(consensus.address());
        assertThat(v.path("name").asText()).isEqualTo("bob");
        assertThat(v.path("website").asText()).isEqualTo("https://bob.example");
        assertThat(v.path("commission_bps").asInt()).isEqualTo(500);
        assertThat(v.path("self_bond").asText()).isEqualTo(TestNode.cpc("5").toString());
        assertThat(v.path("bonded_power").asLong()).isEqualTo(5);
        // The set decided by the STAKE's block takes effect two blocks later: then consensus counts bob's 5 CPC.
        JsonNode inSet = null;
        for (long deadline = System.nanoTime() + 60_000_000_000L; inSet == null && System.nanoTime() < deadline; ) {
            for (JsonNode m : get("/validators").path("validators")) {
                if (m.path("operator_address").asText().equals(bob.address())) inSet = m;
            }
            if (inSet == null) Thread.sleep(100); // poll the condition
        }
        assertThat(inSet).as("bob in the consensus set").isNotNull();
        assertThat(inSet.path("power").asLong()).isEqualTo(5);
        assertThat(inSet.path("public_key").asText()).isEqualTo(Hex.encode(pub));
        assertThat(get("/validators/leaderboard").path("validators").findValuesAsText("operator_address")).contains(bob.address());
        assertThat(get("/validator/" + consensus.address()).path("operator_address").asText()).isEqualTo(bob.address());
        assertThat(Hex.encode(pub)).hasSize(2 * 1952);

        include(builder(bob).stake(TestNode.cpc("1")));
        assertThat(get("/validator/" + bob.address()).path("self_bond").asText()).isEqualTo(TestNode.cpc("6").toString());
        include(builder(bob).updateValidator("bobby", null, null));
        assertThat(get("/validator/" + bob.address()).path("name").asText()).isEqualTo("bobby");
        include(builder(bob).unstake(TestNode.cpc("1")));
        assertThat(get("/delegator/" + bob.address() + "/unbonding").path("entries")).hasSize(1);
        include(builder(bob).withdrawRewards(null));
    }

    static BigInteger rewards(String address) throws Exception {
        JsonNode r = get("/delegator/" + address + "/rewards");
        return new BigInteger(r.path("total").asText());
    }
}
