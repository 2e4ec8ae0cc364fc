package org.cpc.node.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import org.cpc.consensus.MessageCodec;
import org.cpc.protocol.types.Block;

/** Blocks inside consensus messages and WAL records: the block's own JSON form. */
public final class BlockJson implements MessageCodec.BlockCodec<Block> {
    public static final BlockJson CODEC = new BlockJson();

    private BlockJson() {}

    @Override
    public String hashHex(Block block) {
        return block.hashHex();
    }

    @Override
    public JsonNode toJson(Block block) {
        return block.toJson();
    }

    @Override
    public byte[] toJsonBytes(Block block) {
        return block.jsonBytes();
    }

    @Override
    public Block fromJson(JsonNode node) {
        return Block.fromJson(node);
    }
}
