package org.cpc.bench.chain;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.TreeMap;
import org.cpc.chain.Admission;
import org.cpc.chain.BlockSigner;
import org.cpc.chain.Genesis;
import org.cpc.chain.InvalidBlockException;
import org.cpc.chain.LocalChain;
import org.cpc.chain.ValidatorInfo;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/** Funded sender accounts (keys derived from their index) and a one-validator devnet genesis, for chain benchmarks. */
record BenchAccounts(NetworkParams params, byte[][] priv, String[] pub, String[] addr, KeyPair validatorKey,
                     Genesis genesis) {
    static BenchAccounts of(String seed, int senders) {
        NetworkParams p = NetworkParams.devnet();
        byte[][] priv = new byte[senders][];
        String[] pub = new String[senders];
        String[] addr = new String[senders];
        TreeMap<String, BigInteger> alloc = new TreeMap<>();
        for (int i = 0; i < senders; i++) {
            priv[i] = Sha256.hash((seed + "-" + i).getBytes(StandardCharsets.UTF_8));
            byte[] pk = Secp256k1.get().publicKey(priv[i]);
            pub[i] = Hex.encode(pk);
            addr[i] = Address.account(pk);
            alloc.put(addr[i], Amounts.cpc(1_000_000));
        }
        KeyPair vk = MlDsa.generateKeyPair();
        byte[] raw = MlDsa.rawPublicKey(vk.getPublic());
        ValidatorInfo v = new ValidatorInfo(Address.validatorConsensus(raw), Hex.encode(raw), addr[0], 1);
        return new BenchAccounts(p, priv, pub, addr, vk, new Genesis(p, 1_700_000_000_000L, alloc, List.of(v)).withBondsAllocated());
    }

    int senders() {
        return addr.length;
    }

    /** A signed 1-wei transfer from sender {@code i} to the next sender. */
    Transaction transfer(int i, long nonce) {
        Transaction tx = new Transaction(params.chainId(), TxType.TRANSFER, addr[i], addr[(i + 1) % addr.length],
                BigInteger.ONE, BigInteger.valueOf(21_000L * 1000), nonce, 1000, 21_000, 1_700_000_000L, pub[i],
                Json.object(), null);
        return tx.withSignature(Hex.encode(Secp256k1.get().sign(priv[i], tx.hash())));
    }

    /** Submits {@code txs} to the mempool; a refusal is a broken benchmark, not a figure. */
    static void submit(LocalChain c, List<Transaction> txs) {
        for (Admission ad : c.submitAll(txs)) {
            if (ad instanceof Admission.Rejected r) throw new IllegalStateException(r.reason());
        }
    }

    /** Proposes, signs and commits the next block at {@code timestampMs}, as the one validator; returns it. */
    Block commitBlock(LocalChain c, long timestampMs) throws InvalidBlockException {
        String v = genesis.validators().getFirst().address();
        Block b = BlockSigner.sign(c.propose(v, 0, timestampMs), validatorKey.getPrivate());
        c.commit(b, BlockSigner.soleCommit(b, c.params().chainId(), validatorKey.getPrivate(), v));
        return b;
    }
}
