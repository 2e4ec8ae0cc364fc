package org.cpc.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.cpc.chain.Genesis;
import org.cpc.chain.GenesisFile;
import org.cpc.chain.ValidatorInfo;
import org.cpc.protocol.keys.KeyInfo;
import org.cpc.protocol.keys.KeyKind;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;

/**
 * Creates a data dir: keyring, genesis and {@code node.json}. Without a genesis file it makes a one-validator
 * network whose validator is this node; where the network has a faucet (devnet) it also creates the faucet
 * account, funded in genesis, whose key the node holds. Such a new network's one PoC validator is the operator
 * account (the validator's reward address), and its treasury is {@link Genesis#WELL_KNOWN_TREASURY}.
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

    /** What was created; {@code faucetAddress} is null where the network has no faucet. */
    public record Result(DataDir dataDir, Genesis genesis, NodeConfig config, KeyInfo validator, KeyInfo operator,
                         String faucetAddress) {}

    private NodeInit() {}

    /**
     * @param genesisFile an existing network's genesis to join, or null to create a new network from {@code params}
     * @param validatorKeyName name in the data dir's keyring of this node's ML-DSA-65 consensus key
     * @param password the keys' password; on devnet pass null to use {@link #DEVNET_KEY_PASSWORD}
     */
    public static Result init(Path root, NetworkParams params, Path genesisFile, String validatorKeyName, int port,
                              char[] password, long nowMs) {
        DataDir dir = new DataDir(root);
        if (Files.exists(dir.genesis()) || Files.exists(dir.db())) {
            throw new IllegalStateException("data dir " + dir.root() + " is already initialised;"
                    + " choose another --data-dir or remove this one");
        }
        Genesis joined = genesisFile == null ? null : readGenesis(genesisFile);
        NetworkParams network = joined == null ? params : joined.params();
        boolean devnet = network.faucetEnabled();
        if (password == null && !devnet) {
            throw new IllegalArgumentException("a " + network.network() + " node's keys need a password");
        }
        char[] pw = password != null ? password : DEVNET_KEY_PASSWORD.toCharArray();
        try {
            Files.createDirectories(dir.root());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.root() + ": " + e.getMessage(), e);
        }
        Keyring keys = new Keyring(dir.keys());
        KeyInfo validator = keys.create(validatorKeyName, KeyKind.ML_DSA_65, pw);
        KeyInfo operator = keys.create(OPERATOR_KEY, KeyKind.SECP256K1, pw);

        Genesis genesis = joined;
        String faucetAddress = null;
        if (genesis == null) {
            TreeMap<String, BigInteger> alloc = new TreeMap<>();
            if (devnet) {
                faucetAddress = keys.create(FAUCET_KEY, KeyKind.SECP256K1, pw).address();
                alloc.put(faucetAddress, FAUCET_GENESIS_WEI);
            }
            // The market's defaults: the operator account is the network's one PoC validator (a devnet PoC validator
            // runs with that key) and the treasury is the keyless well-known address.
            genesis = new Genesis(params, nowMs, alloc, List.of(
                    new ValidatorInfo(validator.address(), validator.publicKeyHex(), operator.address(), 1)),
                    List.of(operator.address()), Genesis.WELL_KNOWN_TREASURY);
        }
        try {
            GenesisFile.write(genesis, dir.genesis());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.genesis() + ": " + e.getMessage(), e);
        }
        NodeConfig config = new NodeConfig("127.0.0.1", port, validatorKeyName,
                faucetAddress == null ? null : FAUCET_KEY, DEFAULT_FAUCET_MAX_CPC,
                devnet && password == null ? DEVNET_KEY_PASSWORD : null,
                // A node made for tests (REST port 0) takes a free P2P port too, so parallel tests never collide.
                NodeConfig.P2p.listening(port == 0 ? "127.0.0.1:0" : NodeConfig.P2p.DEFAULT_LISTEN));
        config.write(dir.root());
        return new Result(dir, genesis, config, validator, operator, faucetAddress);
    }

    static Genesis readGenesis(Path file) {
        try {
            return GenesisFile.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read genesis file " + file + ": " + e.getMessage(), e);
        }
    }
}
