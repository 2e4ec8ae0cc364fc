package org.cpc.node.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/** Builds and signs transactions the way wallets, the faucet and the benchmark need them. */
public final class TxFactory {
    public static final long TRANSFER_GAS = 21_000;
    public static final long SUBMIT_RESULT_GAS = 80_000;

    private TxFactory() {}

    public static Transaction transfer(AccountKey from, String chainId, String to, BigInteger amountWei, long nonce,
                                       long gasPrice, long timestampSeconds) {
        return sign(from, new Transaction(chainId, TxType.TRANSFER, from.address(), to, amountWei,
                fee(TRANSFER_GAS, gasPrice), nonce, gasPrice, TRANSFER_GAS, timestampSeconds, Hex.encode(from.publicKey()),
                Json.object(), null));
    }

    /**
     * A SUBMIT_RESULT carrying {@code result} as its payload. {@code gasLimit} is the base 80,000 plus whatever
     * proof verification the network charges for this kind of result.
     */
    public static Transaction submitResult(AccountKey from, String chainId, ComputeResult result, long nonce,
                                           long gasPrice, long gasLimit, long timestampSeconds) {
        ObjectNode payload = result.toJson();
        return sign(from, new Transaction(chainId, TxType.SUBMIT_RESULT, from.address(), null, BigInteger.ZERO,
                fee(gasLimit, gasPrice), nonce, gasPrice, gasLimit, timestampSeconds, Hex.encode(from.publicKey()), payload, null));
    }

    public static Transaction sign(AccountKey key, Transaction unsigned) {
        return unsigned.withSignature(Hex.encode(key.sign(unsigned.hash())));
    }

    public static BigInteger fee(long gasLimit, long gasPrice) {
        return BigInteger.valueOf(gasLimit).multiply(BigInteger.valueOf(gasPrice));
    }
}
