package org.cpc.node.consensus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.CommitSignature;
import org.cpc.consensus.ConsensusInput;
import org.cpc.consensus.ConsensusMessage;
import org.cpc.consensus.Decision;
import org.cpc.consensus.MessageCodec;
import org.cpc.consensus.Proposal;
import org.cpc.consensus.SignBytes;
import org.cpc.consensus.Vote;
import org.cpc.consensus.VoteType;
import org.cpc.consensus.WalCodec;
import org.cpc.node.FuzzBlocks;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.fuzz.FuzzSeeds;
import org.cpc.protocol.types.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A payload on the P2P consensus channel, read as {@link TendermintConsensus#receive} does:
 * {@code MessageCodec<Block>.fromJson(Json.parse(bytes))}, with cpc blocks. The contract: a proposal, vote or
 * decision, or an {@link IllegalArgumentException} (the peer is penalized). What happens to a message that decodes,
 * before any signature is checked, must not throw either — a throw there is on the consensus thread, which restarts
 * consensus: the driver writes it to the WAL (encode, and it must decode back equal), the machine hashes a proposal's
 * block and builds the bytes a proposal's or vote's signature covers.
 */
class ConsensusMessageFuzzTest {
    static final MessageCodec<Block> CODEC = new MessageCodec<>(BlockJson.CODEC);
    static final WalCodec<Block> WAL = new WalCodec<>(BlockJson.CODEC);

    @FuzzTest
    void message(byte[] payload) {
        ConsensusMessage m;
        try {
            m = CODEC.fromJson(Json.parse(payload));
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(CODEC.fromJson(Json.parse(CODEC.toJson(m).toString().getBytes(UTF_8)))).isEqualTo(m);
        ConsensusInput.Received<Block> logged = new ConsensusInput.Received<>(m);
        assertThat(WAL.decode(WAL.encode(logged))).isEqualTo(logged);
        switch (m) {
            case Proposal<?> p -> SignBytes.proposal("cpc-devnet-1", p.height(), p.round(), p.polRound(),
                    BlockJson.CODEC.hashHex((Block) p.block()));
            case Vote v -> SignBytes.vote("cpc-devnet-1", v);
            case Decision<?> d -> {
                assertThat(d.certificate().blockHash()).isEqualTo(BlockJson.CODEC.hashHex((Block) d.block()));
                for (CommitSignature s : d.certificate().signatures()) {
                    SignBytes.vote("cpc-devnet-1", d.certificate().precommitOf(s));
                }
            }
        }
    }

    // ---- seed corpus ----

    static Map<String, byte[]> seeds() {
        Block b = FuzzBlocks.block(7, true);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("proposal", CODEC.toJson(new Proposal<>(7, 1, 0, b, "ab".repeat(50))).toString());
        s.put("proposal-empty-block", CODEC.toJson(new Proposal<>(7, 0, -1, FuzzBlocks.block(7, false), "cd")).toString());
        s.put("prevote", CODEC.toJson(new Vote(VoteType.PREVOTE, 7, 0, b.hashHex(), FuzzBlocks.VALIDATOR, "ef")).toString());
        s.put("precommit-nil", CODEC.toJson(new Vote(VoteType.PRECOMMIT, 7, 3, null, FuzzBlocks.VALIDATOR, "01")).toString());
        s.put("decision", CODEC.toJson(new Decision<>(7, b, new CommitCertificate(7, 1, b.hashHex(),
                List.of(new CommitSignature(FuzzBlocks.VALIDATOR, "ab"), new CommitSignature("cpcvalcons1x", "cd"))))).toString());
        ObjectNode badPol = CODEC.toJson(new Proposal<>(7, 1, 0, b, "ab"));
        badPol.put("pol_round", 1);
        s.put("proposal-pol-round", badPol.toString());
        s.put("vote-round-too-big", s.get("prevote").replace("\"round\":0", "\"round\":2147483648"));
        s.put("vote-hash-short", s.get("prevote").replace(b.hashHex(), "abcd"));
        s.put("vote-address-lone-surrogate", s.get("prevote").replace(FuzzBlocks.VALIDATOR, "cpcvalcons1\\udfff"));
        s.put("vote-signature-uppercase", s.get("prevote").replace("\"ef\"", "\"EF\""));
        s.put("decision-request", "{\"type\":\"decision_request\",\"height\":6}");
        s.put("unknown-type", "{\"type\":\"commit\",\"height\":6}");
        s.put("type-not-string", "{\"type\":1}");
        s.put("proposal-block-fraction", s.get("proposal").replace("\"payload\":{}", "\"payload\":{\"f\":0.5}"));
        s.put("proposal-block-huge-exponent", s.get("proposal").replace("\"payload\":{}", "\"payload\":{\"f\":9e999999999}"));
        s.put("decision-commit-missing", s.get("decision").replaceFirst(",\"commit\":\\{.*}}$", "}"));
        return FuzzSeeds.utf8(s);
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws IOException {
        FuzzSeeds.write(getClass(), "message", seeds());
    }
}
