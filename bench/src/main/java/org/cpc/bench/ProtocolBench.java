package org.cpc.bench;

import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Merkle;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.types.Transaction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Hashing, Merkle roots and canonical encoding: the per-transaction and per-block costs of the protocol core. */
@State(Scope.Thread)
public class ProtocolBench extends JmhDefaults {
    private byte[] oneMiB;
    private byte[][] leafHashes10k;
    private Transaction tx;

    @Setup
    public void setup() {
        oneMiB = new byte[1 << 20];
        for (int i = 0; i < oneMiB.length; i++) oneMiB[i] = (byte) (i * 31);
        leafHashes10k = new byte[10_000][];
        for (int i = 0; i < leafHashes10k.length; i++) leafHashes10k[i] = Merkle.leafHash(new byte[] {(byte) i, (byte) (i >> 8)});
        tx = Transaction.fromJson(Json.parse("""
                {"chain_id":"cpc-devnet-1","tx_type":"TRANSFER","from_address":"cpc1lxvp7agw998t68qm76ek6t20gh320yrs6jw5h9",
                 "to_address":"cpc187fefza3704syhadgplfqyptdaqssue9uv7mum","amount":"5000000000000000000","fee":"21000000",
                 "nonce":0,"gas_price":1000,"gas_limit":21000,"timestamp":1700000000,
                 "pub_key":"032a5bbcb0eede528e6abe5f2ec50ad7887eb5677af383a460b05ee23bf892dfe5","payload":{},
                 "signature":"8fc083f56a4e8436dfa3b09505f6f35b76acd1a3e0d242ddb82584c919df309304027081f8f047018af538a84ddad88d31d4b7b1dba2d1dcbfc1bcad2b8d1f59"}
                """));
    }

    /** SHA-256 of 1 MiB; MiB/s = ops/s. */
    @Benchmark
    public byte[] sha256OneMiB() {
        return Sha256.hash(oneMiB);
    }

    /** RFC 6962 root over 10,000 leaf hashes (9,999 node hashes). */
    @Benchmark
    public byte[] merkleRoot10kLeaves() {
        return Merkle.rootOfLeafHashes(leafHashes10k);
    }

    /** JCS encoding of a signed transfer, signature included. */
    @Benchmark
    public byte[] jcsTransaction() {
        return Jcs.canonicalize(tx.toJson());
    }

    /** Transaction hash: JCS of the unsigned fields, then SHA-256. */
    @Benchmark
    public byte[] transactionHash() {
        return tx.hash();
    }
}
