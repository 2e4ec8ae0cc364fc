package org.cpc.protocol.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.crypto.Secp256k1;

/**
 * A directory of password-encrypted keys, one {@code NAME.json} file each (see {@link KeyFile} for the format).
 * Names, kinds and addresses are readable without a password; secrets need it.
 */
public final class Keyring {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,64}");
    private static final String SUFFIX = ".json";
    private static final byte[] PROBE = "cpc keyring probe".getBytes(StandardCharsets.US_ASCII);

    private final Path dir;
    private final Argon2Params params;

    public Keyring(Path dir) {
        this(dir, Argon2Params.DEFAULT);
    }

    /** {@code params} applies to keys created from now on; existing files keep the settings they record. */
    public Keyring(Path dir, Argon2Params params) {
        this.dir = dir;
        this.params = params;
    }

    public Path directory() {
        return dir;
    }

    /** Generates and stores a new key. */
    public KeyInfo create(String name, KeyKind kind, char[] password) {
        checkName(name);
        return switch (kind) {
            case SECP256K1 -> {
                byte[] priv = Secp256k1.randomPrivateKey();
                try {
                    yield importSecp256k1(name, priv, password);
                } finally {
                    Arrays.fill(priv, (byte) 0);
                }
            }
            case ML_DSA_65 -> {
                KeyPair kp = MlDsa.generateKeyPair();
                byte[] pub = MlDsa.rawPublicKey(kp.getPublic());
                byte[] secret = MlDsa.encodePrivateKey(kp.getPrivate());
                try {
                    yield store(new KeyInfo(name, kind, Address.validatorConsensus(pub), Hex.encode(pub)), secret, password);
                } finally {
                    Arrays.fill(secret, (byte) 0);
                }
            }
        };
    }

    /** Stores an existing secp256k1 private key (32 bytes). */
    public KeyInfo importSecp256k1(String name, byte[] privateKey, char[] password) {
        checkName(name);
        if (!Secp256k1.isValidPrivateKey(privateKey)) {
            throw new IllegalArgumentException("not a secp256k1 private key: it must be 32 bytes in [1, n-1]");
        }
        byte[] pub = Secp256k1.get().publicKey(privateKey);
        return store(new KeyInfo(name, KeyKind.SECP256K1, Address.account(pub), Hex.encode(pub)), privateKey, password);
    }

    /** Every key in the directory, by name; an absent directory holds none. */
    public List<KeyInfo> list() {
        if (!Files.isDirectory(dir)) return List.of();
        List<KeyInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                String name = file.substring(0, file.length() - SUFFIX.length());
                if (NAME.matcher(name).matches()) out.add(read(name).info());
            }
        } catch (IOException e) {
            throw new KeyringException("cannot list keys in " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(KeyInfo::name));
        return out;
    }

    public KeyInfo show(String name) {
        return read(name).info();
    }

    public boolean exists(String name) {
        checkName(name);
        return Files.exists(file(name));
    }

    public AccountKey unlockSecp256k1(String name, char[] password) {
        KeyFile kf = read(name);
        requireKind(kf, KeyKind.SECP256K1);
        byte[] priv = decrypt(kf, password);
        if (!Secp256k1.isValidPrivateKey(priv)
                || !Hex.encode(Secp256k1.get().publicKey(priv)).equals(kf.info().publicKeyHex())) {
            throw new CorruptKeyFileException(file(name), "the decrypted secret does not match the public key");
        }
        AccountKey key = AccountKey.of(priv);
        Arrays.fill(priv, (byte) 0);
        return key;
    }

    public ValidatorKey unlockValidator(String name, char[] password) {
        KeyFile kf = read(name);
        requireKind(kf, KeyKind.ML_DSA_65);
        byte[] secret = decrypt(kf, password);
        byte[] pub = Hex.decode(kf.info().publicKeyHex());
        PrivateKey priv;
        try {
            priv = MlDsa.decodePrivateKey(secret);
        } catch (IllegalArgumentException e) {
            throw new CorruptKeyFileException(file(name), e.getMessage(), e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        // The JDK cannot derive an ML-DSA public key from a private one; one test signature proves they match.
        if (!MlDsa.verify(pub, PROBE, MlDsa.sign(priv, PROBE))) {
            throw new CorruptKeyFileException(file(name), "the decrypted secret does not match the public key");
        }
        return new ValidatorKey(priv, pub, kf.info().address());
    }

    /** The secret as hex: the 32-byte private key for secp256k1, the PKCS#8 encoding for ML-DSA-65. */
    public String exportPrivateHex(String name, char[] password) {
        KeyFile kf = read(name);
        return switch (kf.info().kind()) {
            case SECP256K1 -> Hex.encode(unlockSecp256k1(name, password).privateKey());
            case ML_DSA_65 -> Hex.encode(MlDsa.encodePrivateKey(unlockValidator(name, password).privateKey()));
        };
    }

    private KeyInfo store(KeyInfo info, byte[] secret, char[] password) {
        if (Files.exists(file(info.name()))) throw new KeyExistsException(info.name(), dir);
        KeyFile kf = new KeyFile(info, KeyCipher.seal(secret, password, KeyFile.associatedData(info), params));
        writeNew(info.name(), kf.toJson());
        return info;
    }

    private byte[] decrypt(KeyFile kf, char[] password) {
        try {
            return KeyCipher.open(kf.sealed(), password, KeyFile.associatedData(kf.info()));
        } catch (AEADBadTagException e) {
            throw new WrongPasswordException(kf.info().name());
        }
    }

    private KeyFile read(String name) {
        checkName(name);
        Path f = file(name);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            throw new KeyNotFoundException(name, dir);
        } catch (IOException e) {
            throw new KeyringException("cannot read key file " + f + ": " + e.getMessage(), e);
        }
        KeyFile kf = KeyFile.parse(f, bytes);
        if (!kf.info().name().equals(name)) {
            throw new CorruptKeyFileException(f, "it holds the key '" + kf.info().name() + "'; was it renamed?");
        }
        return kf;
    }

    private static void requireKind(KeyFile kf, KeyKind kind) {
        if (kf.info().kind() != kind) {
            throw new KeyringException("key '" + kf.info().name() + "' is a " + kf.info().kind().wire() + " key, not "
                    + kind.wire());
        }
    }

    /**
     * Writes to a temporary file in the same directory, then moves it into place, so a crash never leaves a
     * half-written key. The file is owner-only (0600) from the moment it exists, where POSIX permissions exist.
     */
    private void writeNew(String name, byte[] content) {
        Path target = file(name);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            Files.createDirectories(dir, permissions(posix, "rwx------"));
            Path tmp = Files.createTempFile(dir, "." + name, ".tmp", permissions(posix, "rw-------"));
            try {
                Files.write(tmp, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
                // Checked again just before the move: rename(2) would silently replace a key created meanwhile.
                if (Files.exists(target)) throw new KeyExistsException(name, dir);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new KeyExistsException(name, dir);
        } catch (IOException e) {
            throw new KeyringException("cannot write key file " + target + ": " + e.getMessage(), e);
        }
    }

    private static FileAttribute<?>[] permissions(boolean posix, String perms) {
        return posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms))}
                : new FileAttribute<?>[0];
    }

    private Path file(String name) {
        return dir.resolve(name + SUFFIX);
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidKeyNameException(name);
        }
    }
}
