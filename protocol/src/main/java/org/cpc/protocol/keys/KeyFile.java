package org.cpc.protocol.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.crypto.Secp256k1;

/**
 * One key file, version 1:
 * <pre>
 * {"version": 1, "name": "alice", "kind": "secp256k1", "address": "cpc1...", "public_key": "02...",
 *  "kdf": {"name": "argon2id", "memory_kib": 65536, "iterations": 3, "parallelism": 1, "salt": "..."},
 *  "cipher": {"name": "aes-256-gcm", "nonce": "...", "ciphertext": "..."}}
 * </pre>
 * The secret is the 32-byte private key for secp256k1 and the JDK's PKCS#8 encoding for ML-DSA-65.
 */
record KeyFile(KeyInfo info, KeyCipher.Sealed sealed) {
    static final int VERSION = 1;

    /**
     * GCM associated data: every public field, so that swapping the public key, address, kind or name of a file
     * (which would make a user trust the wrong address) makes decryption fail.
     */
    static byte[] associatedData(KeyInfo info) {
        String aad = "cpc-keyfile-v" + VERSION + "\0" + info.name() + "\0" + info.kind().wire() + "\0" + info.address()
                + "\0" + info.publicKeyHex();
        return aad.getBytes(StandardCharsets.UTF_8);
    }

    byte[] toJson() {
        ObjectNode root = Json.object();
        root.put("version", VERSION);
        root.put("name", info.name());
        root.put("kind", info.kind().wire());
        root.put("address", info.address());
        root.put("public_key", info.publicKeyHex());
        ObjectNode kdf = root.putObject("kdf");
        kdf.put("name", "argon2id");
        kdf.put("memory_kib", sealed.params().memoryKiB());
        kdf.put("iterations", sealed.params().iterations());
        kdf.put("parallelism", sealed.params().parallelism());
        kdf.put("salt", Hex.encode(sealed.salt()));
        ObjectNode cipher = root.putObject("cipher");
        cipher.put("name", "aes-256-gcm");
        cipher.put("nonce", Hex.encode(sealed.nonce()));
        cipher.put("ciphertext", Hex.encode(sealed.ciphertext()));
        return (Json.pretty(root) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Parses and checks a file's structure and public fields; the secret is checked when it is decrypted. */
    static KeyFile parse(Path file, byte[] bytes) {
        JsonNode root;
        try {
            root = Json.parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new CorruptKeyFileException(file, e.getMessage(), e);
        }
        Reader r = new Reader(file);
        int version = r.integer(root, "version");
        if (version != VERSION) {
            throw new CorruptKeyFileException(file, "unsupported version " + version + " (this build reads version "
                    + VERSION + ")");
        }
        KeyKind kind;
        try {
            kind = KeyKind.parse(r.text(root, "kind"));
        } catch (IllegalArgumentException e) {
            throw new CorruptKeyFileException(file, e.getMessage());
        }
        String name = r.text(root, "name");
        String address = r.text(root, "address");
        byte[] pub = r.hex(root, "public_key");
        String expected = switch (kind) {
            case SECP256K1 -> pub.length == Secp256k1.PUBLIC_KEY_LENGTH ? Address.account(pub) : null;
            case ML_DSA_65 -> pub.length == MlDsa.PUBLIC_KEY_LENGTH ? Address.validatorConsensus(pub) : null;
        };
        if (expected == null) {
            throw new CorruptKeyFileException(file, "public_key has " + pub.length + " bytes, wrong for a "
                    + kind.wire() + " key");
        }
        if (!expected.equals(address)) {
            throw new CorruptKeyFileException(file, "address " + address + " does not belong to its public key");
        }
        JsonNode kdf = r.object(root, "kdf");
        r.expect(kdf, "name", "argon2id");
        Argon2Params params;
        try {
            params = new Argon2Params(r.integer(kdf, "memory_kib"), r.integer(kdf, "iterations"),
                    r.integer(kdf, "parallelism"));
        } catch (IllegalArgumentException e) {
            throw new CorruptKeyFileException(file, e.getMessage());
        }
        byte[] salt = r.hex(kdf, "salt");
        if (salt.length < KeyCipher.SALT_LENGTH) throw new CorruptKeyFileException(file, "kdf salt is too short");
        JsonNode cipher = r.object(root, "cipher");
        r.expect(cipher, "name", "aes-256-gcm");
        byte[] nonce = r.hex(cipher, "nonce");
        if (nonce.length != KeyCipher.NONCE_LENGTH) {
            throw new CorruptKeyFileException(file, "cipher nonce must be " + KeyCipher.NONCE_LENGTH + " bytes");
        }
        byte[] ciphertext = r.hex(cipher, "ciphertext");
        return new KeyFile(new KeyInfo(name, kind, address, Hex.encode(pub)),
                new KeyCipher.Sealed(params, salt, nonce, ciphertext));
    }

    /** Field access that names the file and field in every error. */
    private record Reader(Path file) {
        JsonNode field(JsonNode node, String name) {
            JsonNode v = node == null ? null : node.get(name);
            if (v == null || v.isNull()) throw new CorruptKeyFileException(file, "field '" + name + "' is missing");
            return v;
        }

        String text(JsonNode node, String name) {
            JsonNode v = field(node, name);
            if (!v.isTextual()) throw new CorruptKeyFileException(file, "field '" + name + "' must be a string");
            return v.asText();
        }

        int integer(JsonNode node, String name) {
            JsonNode v = field(node, name);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new CorruptKeyFileException(file, "field '" + name + "' must be an integer");
            }
            return v.intValue();
        }

        JsonNode object(JsonNode node, String name) {
            JsonNode v = field(node, name);
            if (!v.isObject()) throw new CorruptKeyFileException(file, "field '" + name + "' must be an object");
            return v;
        }

        byte[] hex(JsonNode node, String name) {
            try {
                return Hex.decode(text(node, name));
            } catch (IllegalArgumentException e) {
                throw new CorruptKeyFileException(file, "field '" + name + "': " + e.getMessage());
            }
        }

        void expect(JsonNode node, String name, String value) {
            String actual = text(node, name);
            if (!actual.equals(value)) {
                throw new CorruptKeyFileException(file, "field '" + name + "' is '" + actual + "', expected '" + value
                        + "'");
            }
        }
    }

}
