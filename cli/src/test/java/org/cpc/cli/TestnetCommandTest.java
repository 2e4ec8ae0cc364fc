package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cpc.chain.Genesis;
import org.cpc.chain.GenesisFile;
import org.cpc.node.NodeConfig;
import org.cpc.node.NodeInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cpc node testnet} and the checks of {@code cpc devnet --validators}, which refuse before starting anything. */
class TestnetCommandTest {
    @TempDir
    Path tmp;

    @Test
    void generatesOneDataDirPerValidatorWithTheChosenPortsAndChain() throws Exception {
        Path net = tmp.resolve("net");
        Run r = Run.cpc("node", "testnet", "--validators", "4", "--dir", net.toString(), "--chain-id", "cpc-local-7",
                "--rest-base-port", "18200", "--p2p-base-port", "27200", "--block-time-ms", "300", "--powers", "1,1,1,2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("generated 4 validators of cpc-local-7", "REST http://127.0.0.1:18203",
                "P2P 127.0.0.1:27203", "faucet cpc1");
        Genesis g = GenesisFile.read(NodeInit.nodeDir(net, 3).resolve("genesis.json"));
        assertThat(g.params().chainId()).isEqualTo("cpc-local-7");
        assertThat(g.params().blockTimeMs()).isEqualTo(300);
        assertThat(g.validators()).hasSize(4);
        assertThat(g.validators().get(3).power()).isEqualTo(2);
        for (int i = 0; i < 4; i++) {
            NodeConfig c = NodeConfig.read(NodeInit.nodeDir(net, i));
            assertThat(c.restPort()).isEqualTo(18200 + i);
            assertThat(c.p2p().peers()).hasSize(3);
            assertThat(Files.readString(NodeInit.nodeDir(net, i).resolve("genesis.json")))
                    .isEqualTo(Files.readString(NodeInit.nodeDir(net, 0).resolve("genesis.json")));
        }

        Run again = Run.cpc("node", "testnet", "--validators", "4", "--dir", net.toString());
        assertThat(again.exit()).isEqualTo(Cpc.EXIT_FAILED);
        assertThat(again.err()).contains("already initialised");
    }

    @Test
    void refusesPowersThatDoNotMatchAndNonDevnetsWithoutAPassword() throws Exception {
        Run powers = Run.cpc("node", "testnet", "--validators", "3", "--dir", tmp.resolve("a").toString(), "--powers", "1,2");
        assertThat(powers.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(powers.err()).contains("--powers needs 3 values, got 2");

        Path pw = tmp.resolve("pw");
        Files.writeString(pw, "a testnet password\n");
        Run testnet = Run.cpc("node", "testnet", "--validators", "2", "--dir", tmp.resolve("b").toString(),
                "--network", "testnet", "--password-file", pw.toString());
        assertThat(testnet.exit()).as(testnet.err()).isZero();
        assertThat(NodeConfig.read(tmp.resolve("b/node1")).keyPassword()).isNull();
        assertThat(testnet.out()).doesNotContain("faucet");
    }

    /** A node's keyring lives in its data dir: the node commands take a password but no keyring directory. */
    @Test
    void nodeCommandsRefuseKeysDirAndNoLongerListItWhileKeyringCommandsKeepIt() {
        String data = tmp.resolve("data").toString();
        java.util.Map<String, List<String>> required = java.util.Map.of("init", List.of("--data-dir", data),
                "start", List.of("--data-dir", data), "testnet", List.of("--validators", "2", "--dir", data));
        for (String sub : List.of("init", "start", "testnet")) {
            Run help = Run.cpc("node", sub, "--help");
            assertThat(help.exit()).as(sub).isZero();
            assertThat(help.out()).as(sub).contains("--password-file", "--password-env").doesNotContain("--keys-dir");
            List<String> args = new java.util.ArrayList<>(List.of("node", sub));
            args.addAll(required.get(sub));
            args.addAll(List.of("--keys-dir", tmp.resolve("keys").toString()));
            Run refused = Run.cpc(args.toArray(String[]::new));
            assertThat(refused.exit()).as(sub).isEqualTo(Cpc.EXIT_USAGE);
            assertThat(refused.err()).as(sub).contains("Unknown options: '--keys-dir'");
        }
        assertThat(tmp.resolve("keys")).doesNotExist();
        assertThat(tmp.resolve("data")).doesNotExist();
        for (String[] cmd : new String[][] {{"keys", "list"}, {"tx", "send"}, {"task", "create"}}) {
            Run help = Run.cpc(cmd[0], cmd[1], "--help");
            assertThat(help.out()).as(String.join(" ", cmd)).contains("--keys-dir", "--password-file");
        }
    }

    @Test
    void devnetRefusesToReuseADevnetOfAnotherSize() {
        Path net = tmp.resolve("dev");
        assertThat(Run.cpc("node", "testnet", "--validators", "2", "--dir", net.toString()).exit()).isZero();
        Run r = Run.cpc("devnet", "--data-dir", net.toString(), "--validators", "4", "--workers", "0", "--poc-port", "-1");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains("holds a devnet of 2 validators; pass --validators 2, --reset, or another --data-dir");
        Run one = Run.cpc("devnet", "--data-dir", net.toString(), "--workers", "0", "--poc-port", "-1");
        assertThat(one.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(one.err()).contains("--validators 2");
    }
}
