package org.cpc.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.cpc.chain.Genesis;
import org.cpc.chain.GenesisFile;
import org.cpc.chain.ValidatorInfo;
import org.cpc.protocol.keys.KeyInfo;
import org.cpc.protocol.keys.KeyKind;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;

/**
 * Creates data dirs: keyring, genesis and {@code node.json}. A new network ({@link #network}) gets one data dir per
 * validator, each with its own ML-DSA-65 key, and one genesis listing them all; {@link #init} without a genesis
 * file is the one-validator case of it. Where the network has a faucet (devnet) the first node also creates the
 * faucet account, funded in genesis, whose key it holds. A new network's one PoC validator is the first node's
 * operator account (its reward address), and its treasury is {@link Genesis#WELL_KNOWN_TREASURY}.
 */
public final class NodeInit {
    /** What genesis gives the faucet on devnet. */
    public static final BigInteger FAUCET_GENESIS_WEI = Amounts.cpc(1_000_000_000L);
    public static final String FAUCET_KEY = "faucet";
    /** The account that receives the validator's block rewards and fees. */
    public static final String OPERATOR_KEY = "operator";
    public static final String DEFAULT_VALIDATOR_KEY = "validator";
    public static final String DEFAULT_FAUCET_MAX_CPC = "1000.0";
    /**
     * The well-known password of every devnet data dir's keys, kept in {@code node.json}. Devnet coins are worth
     * nothing; never use a devnet key on another network.
     */
    public static final String DEVNET_KEY_PASSWORD = "devnet-insecure-password";
    /** Bounds the generator: every validator signs every height, and a test net of hundreds is not what this is for. */
    public static final int MAX_VALIDATORS = 64;
    /** The first P2P port of a generated network: CometBFT's, so operators recognise it. */
    public static final int DEFAULT_P2P_PORT = 26656;

    /** What was created; {@code faucetAddress} is null where the node holds no faucet. */
    public record Result(DataDir dataDir, Genesis genesis, NodeConfig config, KeyInfo validator, KeyInfo operator,
                         String faucetAddress) {}

    /**
     * Genesis power (self-bond in CPC) of each validator of a devnet or local testnet: large against the few CPC a
     * walkthrough stakes or delegates, so that a newcomer's STAKE (whose node may not run yet) never takes a third of
     * the power and halts the chain.
     */
    public static final long DEFAULT_POWER = 1_000;

    /**
     * One validator node of a new network.
     *
     * @param root its data dir
     * @param restPort its REST port (0 picks a free one at start)
     * @param power its voting power in genesis, at least 1
     * @param p2pListen "host:port" its P2P transport listens on; the other members dial it, unless its port is 0
     *     (a free one chosen at start, which the others cannot know in advance)
     */
    public record Member(Path root, int restPort, long power, String p2pListen) {
        public Member {
            if (power < 1) throw new IllegalArgumentException("a validator's power must be at least 1, not " + power);
        }
    }

    private NodeInit() {}

    /** The data dir of node {@code i} of a network generated under {@code networkDir}. */
    public static Path nodeDir(Path networkDir, int i) {
        return networkDir.resolve("node" + i);
    }

    /**
     * N members on one host: node{@code i} under {@code networkDir} with REST port {@code restBasePort + i} and
     * P2P port {@code p2pBasePort + i} on 127.0.0.1, each of the given power.
     */
    public static List<Member> localMembers(Path networkDir, List<Long> powers, int restBasePort, int p2pBasePort) {
        int n = powers.size();
        if (n < 1 || n > MAX_VALIDATORS) {
            throw new IllegalArgumentException("validators must be 1.." + MAX_VALIDATORS + ", not " + n);
        }
        if (restBasePort < 1 || restBasePort + n - 1 > 65535 || p2pBasePort < 1 || p2pBasePort + n - 1 > 65535) {
            throw new IllegalArgumentException("base ports plus " + (n - 1) + " must stay within 1..65535");
        }
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            members.add(new Member(nodeDir(networkDir, i), restBasePort + i, powers.get(i),
                    "127.0.0.1:" + (p2pBasePort + i)));
        }
        return members;
    }

    /**
     * Creates a one-validator network whose validator is this node, or joins the network of {@code genesisFile}.
     *
     * @param genesisFile an existing network's genesis to join, or null to create a new network from {@code params}
     * @param validatorKeyName name in the data dir's keyring of this node's ML-DSA-65 consensus key
     * @param password the keys' password; on devnet pass null to use {@link #DEVNET_KEY_PASSWORD}
     */
    public static Result init(Path root, NetworkParams params, Path genesisFile, String validatorKeyName, int port,
                              char[] password, long nowMs) {
        if (genesisFile == null) {
            return network(params, List.of(new Member(root, port, DEFAULT_POWER, soloListen(port))),
                    validatorKeyName, password, nowMs).getFirst();
        }
        Genesis joined = readGenesis(genesisFile);
        DataDir dir = prepare(root);
        char[] pw = password(joined.params(), password);
        Keys keys = createKeys(dir, validatorKeyName, pw, false);
        NodeConfig config = config(dir, joined, validatorKeyName, null, password, soloListen(port), List.of(), port);
        return new Result(dir, joined, config, keys.validator(), keys.operator(), null);
    }

    /**
     * Creates a new network of {@code members.size()} validators: every member's data dir gets its own keys, the
     * one genesis and a {@code node.json} whose {@code p2p_peers} are all the other members. Nothing is written
     * unless every data dir is new.
     *
     * @param password the keys' password; on devnet pass null to use {@link #DEVNET_KEY_PASSWORD}
     */
    public static List<Result> network(NetworkParams params, List<Member> members, String validatorKeyName,
                                       char[] password, long nowMs) {
        if (members.isEmpty() || members.size() > MAX_VALIDATORS) {
            throw new IllegalArgumentException("validators must be 1.." + MAX_VALIDATORS + ", not " + members.size());
        }
        Set<Path> roots = new HashSet<>();
        Set<String> listens = new HashSet<>();
        for (Member m : members) {
            if (!roots.add(new DataDir(m.root()).root())) throw new IllegalArgumentException("data dir " + m.root() + " given twice");
            if (dialable(m.p2pListen()) && !listens.add(m.p2pListen())) {
                throw new IllegalArgumentException("p2p address " + m.p2pListen() + " given twice");
            }
            prepare(m.root(), false);
        }
        char[] pw = password(params, password);
        List<DataDir> dirs = members.stream().map(m -> prepare(m.root())).toList();
        // Each key costs an Argon2id derivation (64 MiB, 3 passes): the nodes' keys are made on all cores at once.
        List<Keys> keys = IntStream.range(0, dirs.size()).parallel()
                .mapToObj(i -> createKeys(dirs.get(i), validatorKeyName, pw, i == 0 && params.faucetEnabled()))
                .toList();

        TreeMap<String, BigInteger> alloc = new TreeMap<>();
        String faucetAddress = keys.getFirst().faucet() == null ? null : keys.getFirst().faucet().address();
        if (faucetAddress != null) alloc.put(faucetAddress, FAUCET_GENESIS_WEI);
        List<ValidatorInfo> validators = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            KeyInfo v = keys.get(i).validator();
            validators.add(new ValidatorInfo(v.address(), v.publicKeyHex(), keys.get(i).operator().address(),
                    members.get(i).power()));
        }
        // The market's defaults: the first node's operator account is the network's one PoC validator (a devnet
        // PoC validator runs with that key) and the treasury is the keyless well-known address.
        // Genesis bonds come out of the alloc: each operator is allocated exactly what it bonds, so it starts with a
        // balance of 0 and earns its first CPC from its blocks.
        Genesis genesis = new Genesis(params, nowMs, alloc, validators,
                List.of(keys.getFirst().operator().address()), Genesis.WELL_KNOWN_TREASURY).withBondsAllocated();

        List<Result> results = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            List<String> peers = members.stream().map(Member::p2pListen)
                    .filter(a -> dialable(a) && !a.equals(m.p2pListen())).toList();
            String faucet = i == 0 ? faucetAddress : null;
            NodeConfig config = config(dirs.get(i), genesis, validatorKeyName, faucet, password, m.p2pListen(), peers,
                    m.restPort());
            results.add(new Result(dirs.get(i), genesis, config, keys.get(i).validator(), keys.get(i).operator(), faucet));
        }
        return results;
    }

    /** Port 0 means "a free one, chosen at start": the others cannot be told it in advance (tests pass it at start). */
    private static boolean dialable(String hostPort) {
        return NodeConfig.P2p.address(hostPort, "p2p_listen").getPort() != 0;
    }

    /** A node made for tests (REST port 0) takes a free P2P port too, so parallel tests never collide. */
    private static String soloListen(int restPort) {
        return restPort == 0 ? "127.0.0.1:0" : NodeConfig.P2p.DEFAULT_LISTEN;
    }

    private record Keys(KeyInfo validator, KeyInfo operator, KeyInfo faucet) {}

    private static char[] password(NetworkParams network, char[] password) {
        if (password == null && !network.faucetEnabled()) {
            throw new IllegalArgumentException("a " + network.network() + " node's keys need a password");
        }
        return password != null ? password : DEVNET_KEY_PASSWORD.toCharArray();
    }

    private static DataDir prepare(Path root) {
        return prepare(root, true);
    }

    /** Refuses a data dir that holds a chain already; creates it when {@code create}. */
    private static DataDir prepare(Path root, boolean create) {
        DataDir dir = new DataDir(root);
        if (Files.exists(dir.genesis()) || Files.exists(dir.db())) {
            throw new IllegalStateException("data dir " + dir.root() + " is already initialised;"
                    + " choose another directory or remove this one");
        }
        if (create) {
            try {
                Files.createDirectories(dir.root());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir.root() + ": " + e.getMessage(), e);
            }
        }
        return dir;
    }

    private static Keys createKeys(DataDir dir, String validatorKeyName, char[] pw, boolean faucet) {
        Keyring keyring = new Keyring(dir.keys());
        return new Keys(keyring.create(validatorKeyName, KeyKind.ML_DSA_65, pw),
                keyring.create(OPERATOR_KEY, KeyKind.SECP256K1, pw),
                faucet ? keyring.create(FAUCET_KEY, KeyKind.SECP256K1, pw) : null);
    }

    /** Writes the genesis and {@code node.json}; a devnet key password chosen by default is kept in the clear. */
    private static NodeConfig config(DataDir dir, Genesis genesis, String validatorKeyName, String faucetAddress,
                                     char[] password, String p2pListen, List<String> peers, int port) {
        try {
            GenesisFile.write(genesis, dir.genesis());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.genesis() + ": " + e.getMessage(), e);
        }
        boolean devnet = genesis.params().faucetEnabled();
        NodeConfig config = new NodeConfig("127.0.0.1", port, validatorKeyName,
                faucetAddress == null ? null : FAUCET_KEY, DEFAULT_FAUCET_MAX_CPC,
                devnet && password == null ? DEVNET_KEY_PASSWORD : null,
                NodeConfig.P2p.listening(p2pListen).withPeers(peers));
        config.write(dir.root());
        return config;
    }

    static Genesis readGenesis(Path file) {
        try {
            return GenesisFile.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read genesis file " + file + ": " + e.getMessage(), e);
        }
    }
}
