package org.cpc.node.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.crypto.MlDsa;

/**
 * The keys a node holds in its data dir ({@code keys/validator.json}, and on devnet {@code keys/faucet.json}).
 * They are stored unencrypted with owner-only permissions, like CometBFT's {@code priv_validator_key.json}: the
 * node must sign unattended. Protect the data dir; on testnet and mainnet keep it on a machine nobody else uses.
 */
public final class NodeKeyFiles {
    private static final Set<String> FIELDS = Set.of("algorithm", "address", "public_key", "private_key");

    private NodeKeyFiles() {}

    public static void writeValidator(Path file, ValidatorKey key) {
        ObjectNode o = Json.object();
        o.put("algorithm", MlDsa.ALGORITHM);
        o.put("address", key.address());
        o.put("public_key", key.publicKeyHex());
        o.put("private_key", Hex.encode(MlDsa.encodePrivateKey(key.privateKey())));
        writePrivate(file, o);
    }

    public static ValidatorKey readValidator(Path file) {
        JsonFields f = JsonFields.of(read(file), file.toString(), FIELDS);
        expectAlgorithm(f, MlDsa.ALGORITHM, file);
        ValidatorKey key = ValidatorKey.of(MlDsa.decodePrivateKey(Hex.decode(f.string("private_key"))),
                Hex.decode(f.string("public_key"), MlDsa.PUBLIC_KEY_LENGTH, "public_key"));
        if (!key.address().equals(f.string("address"))) {
            throw new IllegalArgumentException(file + ": address does not match the public key");
        }
        return key;
    }

    public static void writeAccount(Path file, AccountKey key) {
        ObjectNode o = Json.object();
        o.put("algorithm", "secp256k1");
        o.put("address", key.address());
        o.put("public_key", key.publicKeyHex());
        o.put("private_key", Hex.encode(key.privateKey()));
        writePrivate(file, o);
    }

    public static AccountKey readAccount(Path file) {
        JsonFields f = JsonFields.of(read(file), file.toString(), FIELDS);
        expectAlgorithm(f, "secp256k1", file);
        AccountKey key = AccountKey.of(Hex.decode(f.string("private_key"), 32, "private_key"));
        if (!key.address().equals(f.string("address"))) {
            throw new IllegalArgumentException(file + ": address does not match the private key");
        }
        return key;
    }

    private static void expectAlgorithm(JsonFields f, String algorithm, Path file) {
        if (!algorithm.equals(f.string("algorithm"))) {
            throw new IllegalArgumentException(file + " holds a " + f.string("algorithm") + " key, expected " + algorithm);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return Json.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writePrivate(Path file, ObjectNode o) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the file inherits the directory's ACL; nothing portable to tighten here.
            }
            Files.writeString(tmp, Json.pretty(o) + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write key file " + file + ": " + e.getMessage(), e);
        }
    }
}
