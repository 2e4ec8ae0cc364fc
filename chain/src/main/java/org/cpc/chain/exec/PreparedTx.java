package org.cpc.chain.exec;

import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.types.Transaction;

/**
 * A transaction with what every stage needs computed once: its hash and its canonical size.
 *
 * @param size length of the canonical JSON with the signature (what {@code max_tx_bytes} limits)
 */
public record PreparedTx(Transaction tx, byte[] hash, String hashHex, int size) {
    public static PreparedTx of(Transaction tx) {
        byte[] unsigned = tx.signingBytes();
        byte[] hash = org.cpc.protocol.crypto.Sha256.hash(unsigned);
        String sig = tx.signature();
        int size;
        if (sig == null) size = unsigned.length + 1 + 11 + 1 + 4; // ,"signature":null
        else if (Hex.isHex(sig)) size = unsigned.length + 1 + 11 + 1 + sig.length() + 2;
        else size = tx.encodedSize();
        return new PreparedTx(tx, hash, Hex.encode(hash), size);
    }
}
