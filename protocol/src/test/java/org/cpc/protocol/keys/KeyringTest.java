package org.cpc.protocol.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyringTest {
    /** Argon2id at its cheapest, so the tests take milliseconds; files record it, as with the defaults. */
    private static final Argon2Params FAST = new Argon2Params(64, 1, 1);
    private static final char[] PASSWORD = "correct horse".toCharArray();

    @TempDir
    Path dir;

    private Keyring keyring() {
        return new Keyring(dir.resolve("keys"), FAST);
    }

    @Test
    void secp256k1RoundTrip() throws IOException {
        Keyring kr = keyring();
        KeyInfo alice = kr.create("alice", KeyKind.SECP256K1, PASSWORD);
        assertThat(alice.address()).startsWith("cpc1");
        assertThat(Address.account(Hex.decode(alice.publicKeyHex()))).isEqualTo(alice.address());
        assertThat(kr.list()).containsExactly(alice);
        assertThat(kr.show("alice")).isEqualTo(alice);

        AccountKey key = kr.unlockSecp256k1("alice", PASSWORD);
        assertThat(key.address()).isEqualTo(alice.address());
        assertThat(key.toString()).doesNotContain(Hex.encode(key.privateKey()));
        byte[] hash = Sha256.hash(new byte[] {7});
        assertThat(Secp256k1.get().verify(key.publicKey(), hash, key.sign(hash))).isTrue();
        assertThat(Secp256k1.get().recover(hash, key.signRecoverable(hash))).isEqualTo(key.publicKey());
        assertThat(kr.exportPrivateHex("alice", PASSWORD)).isEqualTo(Hex.encode(key.privateKey()));

        Path file = dir.resolve("keys/alice.json");
        String json = Files.readString(file);
        assertThat(json).contains("\"kind\" : \"secp256k1\"", "\"memory_kib\" : 64", alice.address())
                .doesNotContain(Hex.encode(key.privateKey()));
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        try (var files = Files.list(dir.resolve("keys"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("alice.json");
        }
    }

    @Test
    void importKeepsTheKey() {
        Keyring kr = keyring();
        byte[] priv = Secp256k1.randomPrivateKey();
        KeyInfo info = kr.importSecp256k1("imported", priv, PASSWORD);
        assertThat(info.address()).isEqualTo(AccountKey.of(priv).address());
        assertThat(kr.unlockSecp256k1("imported", PASSWORD).privateKey()).isEqualTo(priv);
        assertThatThrownBy(() -> kr.importSecp256k1("zero", new byte[32], PASSWORD))
                .hasMessageContaining("not a secp256k1 private key");
    }

    @Test
    void validatorRoundTrip() {
        Keyring kr = keyring();
        KeyInfo v = kr.create("val-1", KeyKind.ML_DSA_65, PASSWORD);
        assertThat(v.address()).startsWith("cpcvalcons1");
        assertThat(Hex.decode(v.publicKeyHex())).hasSize(MlDsa.PUBLIC_KEY_LENGTH);
        ValidatorKey key = kr.unlockValidator("val-1", PASSWORD);
        byte[] block = "block".getBytes(StandardCharsets.UTF_8);
        assertThat(MlDsa.verify(key.publicKey(), block, key.sign(block))).isTrue();
        assertThat(MlDsa.decodePrivateKey(Hex.decode(kr.exportPrivateHex("val-1", PASSWORD)))).isNotNull();
        assertThatThrownBy(() -> kr.unlockSecp256k1("val-1", PASSWORD))
                .hasMessage("key 'val-1' is a ml-dsa-65 key, not secp256k1");
    }

    @Test
    void listsWithoutPasswordsInNameOrder() {
        Keyring kr = keyring();
        assertThat(kr.list()).isEmpty();
        kr.create("bob", KeyKind.SECP256K1, PASSWORD);
        kr.create("alice", KeyKind.SECP256K1, PASSWORD);
        kr.create("v", KeyKind.ML_DSA_65, PASSWORD);
        assertThat(kr.list()).extracting(KeyInfo::name).containsExactly("alice", "bob", "v");
        assertThat(kr.list()).extracting(KeyInfo::kind).containsExactly(KeyKind.SECP256K1, KeyKind.SECP256K1,
                KeyKind.ML_DSA_65);
    }

    @Test
    void errorsNameTheProblem() {
        Keyring kr = keyring();
        kr.create("alice", KeyKind.SECP256K1, PASSWORD);
        assertThatThrownBy(() -> kr.unlockSecp256k1("alice", "wrong".toCharArray()))
                .isInstanceOf(WrongPasswordException.class).hasMessage("wrong password for key 'alice'");
        assertThatThrownBy(() -> kr.create("alice", KeyKind.SECP256K1, PASSWORD))
                .isInstanceOf(KeyExistsException.class).hasMessageContaining("'alice' already exists");
        assertThatThrownBy(() -> kr.show("carol"))
                .isInstanceOf(KeyNotFoundException.class).hasMessageContaining("no key named 'carol'");
        for (String bad : new String[] {"", "a/b", "../x", "x".repeat(65), "sp ace", "é"}) {
            assertThatThrownBy(() -> kr.create(bad, KeyKind.SECP256K1, PASSWORD))
                    .isInstanceOf(InvalidKeyNameException.class).hasMessageContaining("invalid key name");
        }
        assertThat(kr.exists("x".repeat(64))).isFalse();
    }

    @Test
    void tamperingIsDetected() throws IOException {
        Keyring kr = keyring();
        KeyInfo alice = kr.create("alice", KeyKind.SECP256K1, PASSWORD);
        KeyInfo bob = kr.create("bob", KeyKind.SECP256K1, PASSWORD);
        Path file = dir.resolve("keys/alice.json");
        String original = Files.readString(file);

        // An altered secret cannot be told from a wrong password: GCM only says "not authentic".
        String ct = original.replaceAll("(?s).*\"ciphertext\" : \"([0-9a-f]+)\".*", "$1");
        String flipped = (ct.charAt(0) == '0' ? "1" : "0") + ct.substring(1);
        Files.writeString(file, original.replace(ct, flipped));
        assertThatThrownBy(() -> kr.unlockSecp256k1("alice", PASSWORD)).isInstanceOf(WrongPasswordException.class);

        // Another key's public fields pasted in: the address still matches its key, but the GCM binding fails.
        Files.writeString(file, original.replace(alice.address(), bob.address())
                .replace(alice.publicKeyHex(), bob.publicKeyHex()));
        assertThatThrownBy(() -> kr.unlockSecp256k1("alice", PASSWORD)).isInstanceOf(WrongPasswordException.class);

        Files.writeString(file, original.replace(alice.address(), bob.address()));
        assertThatThrownBy(() -> kr.show("alice")).isInstanceOf(CorruptKeyFileException.class)
                .hasMessageContaining("does not belong to its public key");

        Files.writeString(file, original.replace("\"name\" : \"alice\"", "\"name\" : \"bob\""));
        assertThatThrownBy(() -> kr.show("alice")).hasMessageContaining("holds the key 'bob'");

        Files.writeString(file, original.substring(0, original.length() / 2));
        assertThatThrownBy(() -> kr.list()).isInstanceOf(CorruptKeyFileException.class)
                .hasMessageContaining("alice.json is corrupted: malformed JSON");

        Files.writeString(file, original.replace("\"memory_kib\" : 64", "\"memory_kib\" : 99999999"));
        assertThatThrownBy(() -> kr.show("alice")).hasMessageContaining("Argon2 memory");

        Files.writeString(file, original.replaceAll("\"nonce\" : \"[0-9a-f]+\"", "\"nonce\" : \"00\""));
        assertThatThrownBy(() -> kr.show("alice")).hasMessageContaining("nonce must be 12 bytes");

        Files.writeString(file, original.replace("\"version\" : 1", "\"version\" : 2"));
        assertThatThrownBy(() -> kr.show("alice")).hasMessageContaining("unsupported version 2");

        Files.writeString(file, original);
        assertThat(kr.unlockSecp256k1("alice", PASSWORD).address()).isEqualTo(alice.address());
    }

    /** One real-cost round trip, so the default settings are known to work (about a second). */
    @Test
    void defaultCostIsTheDocumentedOne() throws IOException {
        assertThat(Argon2Params.DEFAULT).isEqualTo(new Argon2Params(65536, 3, 1));
        Keyring kr = new Keyring(dir);
        KeyInfo info = kr.create("default-cost", KeyKind.SECP256K1, PASSWORD);
        assertThat(Files.readString(dir.resolve("default-cost.json"))).contains("\"memory_kib\" : 65536");
        assertThat(kr.unlockSecp256k1("default-cost", PASSWORD).address()).isEqualTo(info.address());
        assertThatThrownBy(() -> new Argon2Params(64, 0, 1)).hasMessageContaining("iterations");
    }
}
