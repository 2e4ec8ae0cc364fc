package org.cpc.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.cpc.chain.Genesis;
import org.cpc.chain.ValidatorInfo;
import org.cpc.node.keys.AccountKey;
import org.cpc.node.keys.NodeKeyFiles;
import org.cpc.node.keys.ValidatorKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;

/**
 * Creates a data dir: keys, genesis and {@code node.json}. Without a genesis file it makes a one-validator
 * network whose validator is this node; on a network with the faucet enabled it also creates the faucet account,
 * funded in genesis, whose key the node holds.
 */
public final class NodeInit {
    /** What genesis gives the faucet on devnet. */
    public static final BigInteger FAUCET_GENESIS_WEI = Amounts.cpc(1_000_000_000L);
    public static final String FAUCET_KEY = "keys/faucet.json";
    public static final String OPERATOR_KEY = "keys/operator.json";
    public static final String DEFAULT_FAUCET_MAX_CPC = "1000.0";

    /** What was created; {@code faucet} is null where the network has none. */
    public record Result(DataDir dataDir, Genesis genesis, NodeConfig config, ValidatorKey validator,
                         AccountKey operator, AccountKey faucet) {}

    private NodeInit() {}

    /**
     * @param genesisFile an existing network's genesis to join, or null to create a new network from {@code params}
     * @param validatorKeyName file name under {@code keys/} for this node's ML-DSA-65 consensus key
     */
    public static Result init(Path root, NetworkParams params, Path genesisFile, String validatorKeyName, int port,
                              long nowMs) {
        DataDir dir = new DataDir(root);
        if (Files.exists(dir.genesis()) || Files.exists(dir.db())) {
            throw new IllegalStateException("data dir " + dir.root() + " is already initialised;"
                    + " choose another --data-dir or remove this one");
        }
        if (!validatorKeyName.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("validator key name '" + validatorKeyName
                    + "' may use only letters, digits, '.', '_' and '-'");
        }
        try {
            Files.createDirectories(dir.keys());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.keys() + ": " + e.getMessage(), e);
        }
        String validatorFile = "keys/" + validatorKeyName + ".json";
        ValidatorKey validator = ValidatorKey.generate();
        NodeKeyFiles.writeValidator(dir.key(validatorFile), validator);
        AccountKey operator = AccountKey.generate();
        NodeKeyFiles.writeAccount(dir.key(OPERATOR_KEY), operator);

        Genesis genesis;
        AccountKey faucet = null;
        if (genesisFile != null) {
            genesis = GenesisFile.read(genesisFile);
        } else {
            TreeMap<String, BigInteger> alloc = new TreeMap<>();
            if (params.faucetEnabled()) {
                faucet = AccountKey.generate();
                NodeKeyFiles.writeAccount(dir.key(FAUCET_KEY), faucet);
                alloc.put(faucet.address(), FAUCET_GENESIS_WEI);
            }
            genesis = new Genesis(params, nowMs, alloc, List.of(
                    new ValidatorInfo(validator.address(), validator.publicKeyHex(), operator.address(), 1)));
        }
        GenesisFile.write(dir.genesis(), genesis);
        NodeConfig config = new NodeConfig("127.0.0.1", port, validatorFile, faucet == null ? null : FAUCET_KEY,
                DEFAULT_FAUCET_MAX_CPC);
        config.write(dir.root());
        return new Result(dir, genesis, config, validator, operator, faucet);
    }
}
