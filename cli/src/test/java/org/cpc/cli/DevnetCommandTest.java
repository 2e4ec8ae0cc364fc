package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.cli.Run.cpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import org.cpc.chain.LocalChain;
import org.cpc.client.NodeClient;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.node.NodeRunner;
import org.cpc.protocol.params.NetworkParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cpc devnet}'s worker flags: --workers counts pool (Task Market) workers, --solo-workers the solo ones. */
class DevnetCommandTest {
    @TempDir
    Path tmp;

    /** What a multi-validator devnet prints at start: each genesis validator's operator, bond and power. */
    @Test
    void showsEachValidatorsStake() {
        List<NodeInit.Result> made = NodeInit.network(org.cpc.protocol.params.NetworkParams.devnet(),
                NodeInit.localMembers(tmp, List.of(1L, 3L), 18000, 27000), NodeInit.DEFAULT_VALIDATOR_KEY, null, 0);
        StringWriter text = new StringWriter();
        try (LocalChain chain = LocalChain.open(made.getFirst().dataDir().db(), made.getFirst().genesis())) {
            DevnetCommand.printStakes(new PrintWriter(text, true), chain.stakingValidators());
        }
        assertThat(text.toString()).contains("2 validators (power = bond in whole CPC)")
                .contains(made.get(0).operator().address() + "  bond 1.0 CPC (self 1.0)  power 1  active")
                .contains(made.get(1).operator().address() + "  bond 3.0 CPC (self 3.0)  power 3  active");
    }

    @Test
    void workersArePoolWorkersAndSoloWorkersHaveTheirOwnFlag() {
        DevnetCommand d = new DevnetCommand();
        new CommandLine(d).parseArgs();
        assertThat(d.workers).isEqualTo(2);
        assertThat(d.soloWorkers).isEqualTo(1);
        assertThat(d.pocPort).isEqualTo(8080);
        d = new DevnetCommand();
        new CommandLine(d).parseArgs("--workers", "5", "--solo-workers", "0", "--poc-port", "9090");
        assertThat(d.workers).isEqualTo(5);
        assertThat(d.soloWorkers).isZero();
        assertThat(d.pocPort).isEqualTo(9090);
    }

    @Test
    void badCountsAreUsageErrorsBeforeAnythingStarts() {
        Run r = cpc("devnet", "--workers", "-1");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains("--workers must be 0 or more");
        r = cpc("devnet", "--solo-workers", "-2");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains("--solo-workers must be 0 or more");
        r = cpc("devnet", "--workers", "3", "--poc-port", "-1");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains("--poc-port -1");
        r = cpc("devnet", "--pool-workers", "2");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains("--pool-workers");
    }

    /** The devnet's PoC validator announces its market's URL on chain: GET /pocs lists it, where customers look. */
    @Test
    void theDevnetMarketIsListedOnChainWithItsEndpoint(@TempDir Path tmp) throws Exception {
        NodeInit.init(tmp, NetworkParams.devnet().withBlockTime(200), null, NodeInit.DEFAULT_VALIDATOR_KEY, 0, null,
                System.currentTimeMillis());
        try (NodeRunner node = NodeRunner.start(new DataDir(tmp), 0, InstantSource.system(), () -> null)) {
            NodeClient client = new NodeClient("http://127.0.0.1:" + node.port());
            assertThat(NodeClient.require(client.get("/pocs")).path("pocs").get(0).path("endpoint").asText()).isEmpty();
            StringWriter out = new StringWriter();
            try (DevnetMarket market = DevnetMarket.start(new DataDir(tmp), "http://127.0.0.1:" + node.port(), 0, 0,
                    "cpu", new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))) {
                JsonNode pocs = NodeClient.require(client.get("/pocs")).path("pocs");
                assertThat(pocs).hasSize(1);
                assertThat(pocs.get(0).path("endpoint").asText()).isEqualTo(market.url());
                assertThat(pocs.get(0).path("name").asText()).isEqualTo(DevnetMarket.MARKET_NAME);
                assertThat(out.toString()).contains("Task Market: " + market.url());
            }
        }
    }

    @Test
    void helpDescribesBothKindsOfWorkers() {
        Run r = cpc("devnet", "--help");
        assertThat(r.out()).contains("--workers=N", "Pool workers running Task Market jobs", "--solo-workers=N",
                "Solo workers");
    }
}
