package org.cpc.chain;

import java.security.PrivateKey;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.types.Block;

/** Signs a proposed block: ML-DSA-65 over the 32 raw bytes of the header hash. */
public final class BlockSigner {
    private BlockSigner() {}

    public static Block sign(Block unsigned, PrivateKey validatorKey) {
        byte[] sig = MlDsa.sign(validatorKey, unsigned.header().hash());
        return new Block(unsigned.header(), unsigned.transactions(), Hex.encode(sig));
    }
}
