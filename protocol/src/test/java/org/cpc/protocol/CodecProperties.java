package org.cpc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Merkle;
import org.cpc.protocol.crypto.MerkleTree;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

class CodecProperties {
    @Provide
    Arbitrary<Transaction> transactions() {
        Arbitrary<String> hex = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(40).map(Hex::encode);
        Arbitrary<BigInteger> wei = Arbitraries.bigIntegers().between(BigInteger.ZERO, Amounts.MAX_WEI);
        Arbitrary<Long> small = Arbitraries.longs().between(0, (1L << 53) - 1);
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(20); // any UTF-16, surrogates included
        Arbitrary<ObjectNode> payload = Combinators.combine(text, text, small).as((k, v, n) -> {
            ObjectNode o = Json.object();
            o.put("k" + k.hashCode(), v.codePoints().filter(c -> !Character.isSurrogate((char) c) || c > 0xffff)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
            o.put("n", n);
            return o;
        });
        return Combinators.combine(
                Combinators.combine(Arbitraries.of(TxType.class), text, hex, wei, wei).as(List::of),
                Combinators.combine(small, small, small, small, hex, payload).as(List::of))
                .as((a, b) -> new Transaction("cpc-devnet-1", (TxType) a.get(0), "cpc1" + a.get(1), null,
                        (BigInteger) a.get(3), (BigInteger) a.get(4), (Long) b.get(0), (Long) b.get(1), (Long) b.get(2),
                        (Long) b.get(3), (String) b.get(4), (ObjectNode) b.get(5), (String) a.get(2)));
    }

    @Property(tries = 300)
    void transactionJsonRoundTrips(@ForAll("transactions") Transaction tx) {
        Transaction back = Transaction.fromJson(Json.parse(Jcs.canonicalString(tx.toJson())));
        // Compared canonically: Jackson's number nodes differ by class (int vs long) though the values agree.
        assertThat(Jcs.canonicalString(back.toJson())).isEqualTo(Jcs.canonicalString(tx.toJson()));
        assertThat(back.signature()).isEqualTo(tx.signature());
        assertThat(back.hashHex()).isEqualTo(tx.hashHex());
    }

    @Property(tries = 200)
    void computeResultRoundTrips(@ForAll @Size(max = 64) byte[] proof, @ForAll @IntRange(min = 0) int nonce) {
        ComputeResult r = new ComputeResult("550e8400-e29b-41d4-a716-446655440000", "cpc1x", Hex.encode(proof),
                proof.length == 0 ? null : Hex.encode(proof), proof.length % 2 == 0 ? null : (long) nonce, null);
        assertThat(ComputeResult.fromJson(Json.parse(new String(r.leafJson(), java.nio.charset.StandardCharsets.UTF_8))))
                .isEqualTo(r);
    }

    @Property(tries = 300)
    void amountsRoundTripThroughCpcStrings(@ForAll("wei") BigInteger wei) {
        assertThat(Amounts.parseCpc(Amounts.formatCpc(wei))).isEqualTo(wei);
        assertThat(Amounts.parseWei(wei.toString())).isEqualTo(wei);
    }

    @Provide
    Arbitrary<BigInteger> wei() {
        return Arbitraries.bigIntegers().between(BigInteger.ZERO, Amounts.MAX_WEI);
    }

    @Property(tries = 200)
    void everyAuditPathVerifiesAndNoAlteredOneDoes(@ForAll @IntRange(min = 1, max = 70) int n,
                                                   @ForAll @IntRange(min = 0, max = 69) int pick,
                                                   @ForAll @IntRange(min = 0, max = 255) int bit) {
        byte[][] leaves = new byte[n][];
        for (int i = 0; i < n; i++) leaves[i] = Merkle.leafHash(new byte[] {(byte) i, (byte) (i >> 8)});
        MerkleTree tree = new MerkleTree(leaves);
        byte[] root = tree.root();
        assertThat(root).isEqualTo(Merkle.rootOfLeafHashes(leaves));
        int i = pick % n;
        List<byte[]> path = tree.auditPath(i);
        assertThat(Merkle.verify(leaves[i], i, n, path, root)).isTrue();
        // Altered leaf, altered path element, wrong index, truncated and extended paths: none verifies.
        byte[] badLeaf = leaves[i].clone();
        badLeaf[bit / 8] ^= (byte) (1 << (bit % 8));
        assertThat(Merkle.verify(badLeaf, i, n, path, root)).isFalse();
        if (!path.isEmpty()) {
            List<byte[]> bad = new ArrayList<>(path);
            int at = bit % bad.size();
            byte[] h = bad.get(at).clone();
            h[bit / 8] ^= (byte) (1 << (bit % 8));
            bad.set(at, h);
            assertThat(Merkle.verify(leaves[i], i, n, bad, root)).isFalse();
            assertThat(Merkle.verify(leaves[i], i, n, path.subList(0, path.size() - 1), root)).isFalse();
        }
        List<byte[]> longer = new ArrayList<>(path);
        longer.add(root);
        assertThat(Merkle.verify(leaves[i], i, n, longer, root)).isFalse();
        if (n > 1) assertThat(Merkle.verify(leaves[i], (i + 1) % n, n, path, root)).isFalse();
    }
}
