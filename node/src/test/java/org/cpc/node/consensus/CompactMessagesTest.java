package org.cpc.node.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import org.cpc.chain.exec.HeaderRules;
import org.cpc.client.TxBuilder;
import org.cpc.consensus.Proposal;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.BlockHeader;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;

/** The compact-proposal codec: what it writes reads back equal; everything off the format is refused. */
class CompactMessagesTest {
    static final NetworkParams PARAMS = NetworkParams.devnet();
    final CompactMessages codec = new CompactMessages(3);
    final List<Transaction> txs = List.of(transfer(0), transfer(1), transfer(2));
    final List<String> hashes = txs.stream().map(Transaction::hashHex).toList();
    final Block block = block(txs);
    final Proposal<Block> proposal = new Proposal<>(7, 2, 1, block, "ab".repeat(20));

    static Transaction transfer(long nonce) {
        AccountKey k = AccountKey.of(Secp256k1.randomPrivateKey());
        return TxBuilder.of(PARAMS, k).nonce(nonce).timestamp(1_700_000_000L).transfer(k.address(), BigInteger.ONE);
    }

    static Block block(List<Transaction> txs) {
        String root = HeaderRules.txRoot(txs.stream().map(Transaction::hash).toList());
        BlockHeader h = new BlockHeader(7, "11".repeat(32), 1_700_000_007L, PARAMS.chainId(), "cpcvalcons1x", 2, root,
                "22".repeat(32), "", 63_000, 100_000_000, "44".repeat(32), "44".repeat(32), "", "", null, null);
        return new Block(h, txs, "cd".repeat(30));
    }

    ObjectNode json(List<Transaction> inline) {
        return CompactMessages.toJson(proposal, hashes, inline);
    }

    CompactMessages.Message read(JsonNode n) {
        return codec.fromJson(Json.parse(n.toString()));
    }

    @Test
    void aCompactProposalReadsBackToTheSameProposal() {
        CompactMessages.Compact c = (CompactMessages.Compact) read(json(List.of(txs.get(1))));
        assertThat(c.height()).isEqualTo(7);
        assertThat(c.round()).isEqualTo(2);
        assertThat(c.polRound()).isEqualTo(1);
        assertThat(c.blockHash()).isEqualTo(block.hashHex());
        assertThat(c.txHashes()).isEqualTo(hashes);
        assertThat(c.bodies()).containsExactly(txs.get(1));
        assertThat(c.skeleton().transactions()).isEmpty();
        assertThat(c.proposal(block)).isEqualTo(proposal);
    }

    @Test
    void requestsAndAnswersReadBack() {
        var get = new CompactMessages.GetTxs(block.hashHex(), hashes.subList(0, 2));
        assertThat(read(CompactMessages.toJson(get))).isEqualTo(get);
        var answer = new CompactMessages.Txs(block.hashHex(), txs.subList(1, 3));
        assertThat(read(CompactMessages.toJson(answer))).isEqualTo(answer);
        var none = new CompactMessages.Txs(block.hashHex(), List.of());
        assertThat(read(CompactMessages.toJson(none))).isEqualTo(none);
    }

    @Test
    void hashesThatDoNotGiveTheTxRootAreRefused() {
        ObjectNode n = json(List.of());
        ((ArrayNode) n.get("tx_hashes")).remove(2);
        assertThatThrownBy(() -> read(n)).hasMessageContaining("tx_root");
        ObjectNode swapped = json(List.of());
        ArrayNode a = (ArrayNode) swapped.get("tx_hashes");
        a.set(0, a.get(1).deepCopy());
        a.set(1, Json.NODES.textNode(hashes.get(0)));
        assertThatThrownBy(() -> read(swapped)).hasMessageContaining("tx_root");
    }

    @Test
    void theFormatIsStrict() {
        assertRefused(json(List.of()).put("version", 2), "version must be 1");
        ObjectNode noVersion = json(List.of());
        noVersion.remove("version");
        assertRefused(noVersion, "version");
        assertRefused(json(List.of()).put("extra", 1), "extra");
        ObjectNode noSig = json(List.of());
        noSig.remove("signature");
        assertRefused(noSig, "signature");
        assertRefused(json(List.of()).put("signature", "AB"), "signature must be lowercase hex");
        assertRefused(json(List.of()).put("pol_round", 2), "pol_round");
        assertRefused(json(List.of()).put("round", 1L << 31), "round 2147483648 is beyond the largest round");
        assertRefused(json(List.of()).put("round", 65_536), "round 65536 is beyond the largest round");
        ObjectNode upper = json(List.of());
        ((ArrayNode) upper.get("tx_hashes")).set(0, Json.NODES.textNode(hashes.get(0).toUpperCase()));
        assertRefused(upper, "64 lowercase hex");
        ObjectNode twice = json(List.of());
        ((ArrayNode) twice.get("tx_hashes")).set(1, Json.NODES.textNode(hashes.get(0)));
        assertRefused(twice, "twice");
        ObjectNode notListed = json(List.of());
        ((ArrayNode) notListed.get("txs")).add(transfer(9).toJson());
        assertRefused(notListed, "not in tx_hashes");
        assertRefused(json(List.of(txs.get(0), txs.get(0))), "twice");
        ObjectNode header = json(List.of());
        ((ObjectNode) header.get("header")).put("gas_used", -1);
        assertThatThrownBy(() -> read(header)).isInstanceOf(IllegalArgumentException.class);
        assertRefused(Json.object().put("type", "compact_proposal"), "version");
        assertRefused(Json.object().put("type", "proposal_v2").put("version", 1), "not a compact proposal message");
    }

    @Test
    void everyListIsBounded() {
        CompactMessages two = new CompactMessages(2);
        assertThatThrownBy(() -> two.fromJson(json(List.of()))).hasMessageContaining("at most 2");
        var get = CompactMessages.toJson(new CompactMessages.GetTxs(block.hashHex(), hashes));
        assertThatThrownBy(() -> two.fromJson(get)).hasMessageContaining("at most 2");
        var answer = CompactMessages.toJson(new CompactMessages.Txs(block.hashHex(), txs));
        assertThatThrownBy(() -> two.fromJson(answer)).hasMessageContaining("at most 2");
        var empty = CompactMessages.toJson(new CompactMessages.GetTxs(block.hashHex(), List.of()));
        assertRefused(empty, "get_txs.hashes is empty");
        assertRefused(CompactMessages.toJson(new CompactMessages.GetTxs("ab", hashes)), "block_hash must hold 64");
        ObjectNode twice = CompactMessages.toJson(new CompactMessages.GetTxs(block.hashHex(), List.of(hashes.get(0))));
        ((ArrayNode) twice.get("hashes")).add(hashes.get(0));
        assertRefused(twice, "twice");
        ObjectNode notTx = CompactMessages.toJson(new CompactMessages.Txs(block.hashHex(), List.of()));
        ((ArrayNode) notTx.get("txs")).add(Json.object().put("amount", 1));
        assertThatThrownBy(() -> read(notTx)).isInstanceOf(IllegalArgumentException.class);
    }

    private void assertRefused(JsonNode n, String why) {
        assertThatThrownBy(() -> read(n)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
    }
}
