package org.cpc.cli;

import java.math.BigInteger;
import java.util.List;
import java.util.stream.IntStream;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;

/**
 * Transfers of one wei to a sink, signed before a measurement starts: for each sender, {@code perSender} consecutive
 * nonces from its next one, each kept as the canonical JSON that {@code POST /tx/send} and {@code /tx/batch} take.
 * A high-volume client signs on machines of its own; signing here first keeps the load generator's secp256k1 work
 * (about a third of its CPU) off the two cores the node is measured on. A nonce past the signed ones is signed when
 * it is sent, as without this.
 */
final class PresignedTransfers {
    private final long[] firstNonce;
    private final byte[][][] encoded;

    private PresignedTransfers(long[] firstNonce, byte[][][] encoded) {
        this.firstNonce = firstNonce;
        this.encoded = encoded;
    }

    /** Signs on every core; {@code nextNonces[i]} is sender i's next nonce. */
    static PresignedTransfers sign(List<AccountKey> senders, long[] nextNonces, int perSender, String sink,
                                   NetworkParams params) {
        byte[][][] encoded = new byte[senders.size()][][];
        IntStream.range(0, senders.size()).parallel().forEach(i -> {
            byte[][] mine = new byte[perSender][];
            for (int k = 0; k < perSender; k++) mine[k] = transfer(senders.get(i), nextNonces[i] + k, sink, params);
            encoded[i] = mine;
        });
        return new PresignedTransfers(nextNonces.clone(), encoded);
    }

    /** No transaction signed ahead: every one is signed as it is sent. */
    static PresignedTransfers none(int senders) {
        return new PresignedTransfers(new long[senders], new byte[senders][0][]);
    }

    /** Sender i's transfer with this nonce, signed ahead when it was, otherwise now. */
    byte[] transfer(int sender, AccountKey key, long nonce, String sink, NetworkParams params) {
        long k = nonce - firstNonce[sender];
        byte[][] mine = encoded[sender];
        return k >= 0 && k < mine.length ? mine[(int) k] : transfer(key, nonce, sink, params);
    }

    /** How many transfers were signed ahead. */
    long count() {
        long n = 0;
        for (byte[][] mine : encoded) n += mine.length;
        return n;
    }

    private static byte[] transfer(AccountKey key, long nonce, String sink, NetworkParams params) {
        return Jcs.canonicalize(TxBuilder.of(params, key).nonce(nonce).timestamp(System.currentTimeMillis() / 1000)
                .transfer(sink, BigInteger.ONE).toJson());
    }
}
