package org.cpc.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.PrivateKey;
import java.util.List;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.types.Block;

/** Signs a proposed block: ML-DSA-65 over the 32 raw bytes of the header hash. */
public final class BlockSigner {
    private BlockSigner() {}

    /**
     * The commit certificate of {@code block} with one precommit (round 0) by {@code validatorAddress}'s key: the
     * proof of finality of a block of a chain with one validator, for tools and tests that commit blocks without
     * running consensus (a chain with more validators needs theirs too).
     */
    public static JsonNode soleCommit(Block block, String chainId, PrivateKey validatorKey, String validatorAddress) {
        return CommitCertificate.signed(chainId, block.header().height(), 0, block.hashHex(),
                List.of(MlDsaSignatures.signer(validatorAddress, validatorKey))).toJson();
    }

    public static Block sign(Block unsigned, PrivateKey validatorKey) {
        byte[] sig = MlDsa.sign(validatorKey, unsigned.header().hash());
        return unsigned.withSignature(Hex.encode(sig));
    }
}
