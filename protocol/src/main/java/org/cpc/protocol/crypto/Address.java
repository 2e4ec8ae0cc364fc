package org.cpc.protocol.crypto;

import org.bouncycastle.crypto.digests.RIPEMD160Digest;

/**
 * Addresses: bech32 of RIPEMD-160(SHA-256(public key)) under the prefix {@code cpc} for accounts and
 * {@code cpcvalcons} for validator consensus keys.
 */
public final class Address {
    public static final String ACCOUNT_PREFIX = "cpc";
    public static final String VALIDATOR_PREFIX = "cpcvalcons";
    public static final int HASH_LENGTH = 20;

    private Address() {}

    /** The account address of a 33-byte compressed secp256k1 public key. */
    public static String account(byte[] pub33) {
        if (pub33 == null || pub33.length != Secp256k1.PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("account public key must be 33 bytes (compressed secp256k1), got "
                    + (pub33 == null ? "null" : pub33.length + " bytes"));
        }
        return Bech32.encode(ACCOUNT_PREFIX, keyHash(pub33));
    }

    /** The consensus address of a validator key; any key bytes (the raw ML-DSA-65 public key in practice). */
    public static String validatorConsensus(byte[] pubKeyBytes) {
        if (pubKeyBytes == null || pubKeyBytes.length == 0) {
            throw new IllegalArgumentException("validator public key is empty");
        }
        return Bech32.encode(VALIDATOR_PREFIX, keyHash(pubKeyBytes));
    }

    /**
     * Accounts decoded lately, direct-mapped by the address's hash code: a block of thousands of transfers checks
     * the same few addresses again and again (the sender at admission, in the block and at commit), and a bech32
     * checksum costs about a microsecond each time. A slot holds one immutable entry, so readers need no lock.
     */
    private static final int DECODED_SLOTS = 1 << 16;
    private record Decoded(String address, byte[] keyHash) {}
    private static final java.util.concurrent.atomic.AtomicReferenceArray<Decoded> DECODED =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(DECODED_SLOTS);

    /** The 20-byte key hash of an account address. */
    public static byte[] decodeAccount(String address) {
        if (address == null) return decode(null, ACCOUNT_PREFIX);
        int slot = address.hashCode() & (DECODED_SLOTS - 1);
        Decoded d = DECODED.getAcquire(slot);
        if (d != null && d.address().equals(address)) return d.keyHash().clone();
        byte[] keyHash = decode(address, ACCOUNT_PREFIX);
        DECODED.setRelease(slot, new Decoded(address, keyHash.clone()));
        return keyHash;
    }

    /** The 20-byte key hash of a validator consensus address. */
    public static byte[] decodeValidator(String address) {
        return decode(address, VALIDATOR_PREFIX);
    }

    public static boolean isAccount(String address) {
        try {
            decodeAccount(address);
            return true;
        } catch (AddressException e) {
            return false;
        }
    }

    /** RIPEMD-160(SHA-256(key)). */
    public static byte[] keyHash(byte[] key) {
        byte[] sha = Sha256.hash(key);
        RIPEMD160Digest ripemd = new RIPEMD160Digest();
        ripemd.update(sha, 0, sha.length);
        byte[] out = new byte[HASH_LENGTH];
        ripemd.doFinal(out, 0);
        return out;
    }

    private static byte[] decode(String address, String prefix) {
        Bech32.Decoded d = Bech32.decode(address);
        // BIP-173 allows all-uppercase, but the chain compares addresses as strings: one spelling per address.
        if (!address.equals(address.toLowerCase(java.util.Locale.ROOT))) {
            throw new AddressException("address must be lowercase: '" + address + "'");
        }
        if (!d.hrp().equals(prefix)) {
            throw new AddressException("wrong prefix: expected '" + prefix + "', got '" + d.hrp() + "'");
        }
        if (d.data().length != HASH_LENGTH) {
            throw new AddressException("bad length: an address holds " + HASH_LENGTH + " bytes, this one "
                    + d.data().length);
        }
        return d.data();
    }
}
