package org.cpc.p2p;

import java.nio.file.Path;
import java.util.Arrays;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.KeyKind;
import org.cpc.protocol.keys.Keyring;

/**
 * The node's P2P key: a secp256k1 key whose public key peers check in the handshake, and whose hash is the node id
 * ({@link PeerInfo#id}). It identifies a node and holds no funds; it is still stored encrypted, in the project's
 * keystore format, because the node has a password at start-up anyway and an unencrypted copy would let anyone who
 * reads the data dir impersonate the node to its peers.
 */
public final class NodeIdentity {
    /** The key's name in the keyring directory given to {@link #loadOrCreate}: the file {@code node_key.json}. */
    public static final String KEY_NAME = "node_key";
    static final int ID_BYTES = 20;

    private final byte[] privateKey;
    private final byte[] publicKey;
    private final String nodeId;

    private NodeIdentity(byte[] privateKey) {
        this.privateKey = privateKey.clone();
        this.publicKey = Secp256k1.get().publicKey(privateKey);
        this.nodeId = idOf(publicKey);
    }

    /** A fresh identity that lives only in memory (tests, throwaway nodes). */
    public static NodeIdentity generate() {
        byte[] priv = Secp256k1.randomPrivateKey();
        try {
            return new NodeIdentity(priv);
        } finally {
            Arrays.fill(priv, (byte) 0);
        }
    }

    /**
     * Loads {@code dir/node_key.json}, creating it with a new key on first start. The node should pass a directory of
     * its own (e.g. {@code <data dir>/p2p}) so the node key never shows up among account keys.
     *
     * @throws org.cpc.protocol.keys.WrongPasswordException when the file exists and the password is wrong
     */
    public static NodeIdentity loadOrCreate(Path dir, char[] password) {
        Keyring keyring = new Keyring(dir);
        if (!keyring.exists(KEY_NAME)) {
            // Keep the key just made instead of unlocking the file again: that would be a second Argon2id run.
            byte[] priv = Secp256k1.randomPrivateKey();
            try {
                keyring.importSecp256k1(KEY_NAME, priv, password);
                return new NodeIdentity(priv);
            } finally {
                Arrays.fill(priv, (byte) 0);
            }
        }
        AccountKey key = keyring.unlockSecp256k1(KEY_NAME, password);
        try {
            return new NodeIdentity(key.privateKey());
        } finally {
            Arrays.fill(key.privateKey(), (byte) 0);
        }
    }

    /** Lowercase hex of the first 20 bytes of SHA-256 of a 33-byte compressed public key. */
    public static String idOf(byte[] publicKey) {
        return Hex.encode(Arrays.copyOf(Sha256.hash(publicKey), ID_BYTES));
    }

    public String nodeId() {
        return nodeId;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    byte[] sign(byte[] hash32) {
        return Secp256k1.get().sign(privateKey, hash32);
    }

    /** Never prints the private key. */
    @Override
    public String toString() {
        return "NodeIdentity[" + nodeId + "]";
    }
}
