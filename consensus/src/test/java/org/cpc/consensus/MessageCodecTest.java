package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.cpc.consensus.sim.SimBlock;
import org.cpc.protocol.codec.Json;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    static final MessageCodec.BlockCodec<SimBlock> SIM_BLOCKS = new MessageCodec.BlockCodec<>() {
        @Override
        public String hashHex(SimBlock b) {
            return b.hashHex();
        }

        @Override
        public JsonNode toJson(SimBlock b) {
            ObjectNode o = Json.object();
            o.put("height", b.height());
            o.put("prev_hash", b.prevHash());
            o.put("proposer", b.proposer());
            o.put("round", b.round());
            ArrayNode vs = o.putArray("values");
            for (long v : b.values()) vs.add(v);
            return o;
        }

        @Override
        public SimBlock fromJson(JsonNode n) {
            List<Long> vs = new ArrayList<>();
            for (JsonNode v : n.get("values")) vs.add(v.longValue());
            return new SimBlock(n.get("height").longValue(), n.get("prev_hash").textValue(), n.get("proposer").textValue(),
                    n.get("round").intValue(), vs);
        }
    };

    final MessageCodec<SimBlock> codec = new MessageCodec<>(SIM_BLOCKS);
    final SimBlock block = new SimBlock(3, "00".repeat(32), "cpcvalcons1a", 1, List.of(1L, 2L));

    ConsensusMessage roundTrip(ConsensusMessage m) {
        return codec.fromJson(Json.parse(Json.MAPPER.valueToTree(codec.toJson(m)).toString()));
    }

    @Test
    void everyMessageRoundTrips() {
        Proposal<SimBlock> p = new Proposal<>(3, 2, 1, block, "abcd");
        assertThat(roundTrip(p)).isEqualTo(p);
        Vote v = new Vote(VoteType.PRECOMMIT, 3, 2, block.hashHex(), "cpcvalcons1a", "beef");
        assertThat(roundTrip(v)).isEqualTo(v);
        Vote nil = new Vote(VoteType.PREVOTE, 3, 0, null, "cpcvalcons1b", "00ff");
        assertThat(roundTrip(nil)).isEqualTo(nil);
        assertThat(codec.toJson(nil).toString()).contains("\"type\":\"prevote\"").contains("\"block_hash\":null");
        Decision<SimBlock> d = new Decision<>(3, block, new CommitCertificate(3, 2, block.hashHex(),
                List.of(new CommitSignature("cpcvalcons1a", "aa"), new CommitSignature("cpcvalcons1b", "bb"))));
        assertThat(roundTrip(d)).isEqualTo(d);
    }

    @Test
    void malformedMessagesAreRefusedWithTheField() {
        String hash = block.hashHex();
        assertThatThrownBy(() -> codec.fromJson(Json.parse("{\"type\":\"vote\"}"))).hasMessageContaining("unknown consensus message type");
        assertThatThrownBy(() -> codec.fromJson(Json.parse("{\"type\":\"prevote\",\"height\":1,\"round\":0,\"block_hash\":\"xyz\","
                + "\"validator_address\":\"a\",\"signature\":\"aa\"}"))).hasMessageContaining("block_hash");
        assertThatThrownBy(() -> codec.fromJson(Json.parse("{\"type\":\"prevote\",\"height\":1,\"round\":0,\"block_hash\":\"" + hash
                + "\",\"validator_address\":\"a\",\"signature\":\"aa\",\"extra\":1}"))).hasMessageContaining("unknown field 'extra'");
        assertThatThrownBy(() -> codec.fromJson(Json.parse("{\"type\":\"precommit\",\"height\":1,\"round\":0,\"block_hash\":null,"
                + "\"validator_address\":\"a\",\"signature\":\"XYZ\"}"))).hasMessageContaining("signature");
        ObjectNode p = codec.toJson(new Proposal<>(3, 2, -1, block, "abcd"));
        p.put("pol_round", 2);
        assertThatThrownBy(() -> codec.fromJson(p)).hasMessageContaining("pol_round");
        // A round past the bound would make finding its proposer cost that many selection steps.
        p.put("pol_round", -1).put("round", Rounds.MAX + 1);
        assertThatThrownBy(() -> codec.fromJson(p)).hasMessageContaining("proposal.round 65536 is beyond the largest round");
        assertThatThrownBy(() -> codec.fromJson(Json.parse("{\"type\":\"prevote\",\"height\":1,\"round\":4294967296,"
                + "\"block_hash\":null,\"validator_address\":\"cpcvalcons1v0\",\"signature\":\"ab\"}")))
                .hasMessageContaining("beyond the largest round");
    }
}
