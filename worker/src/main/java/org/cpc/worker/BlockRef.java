package org.cpc.worker;

import com.fasterxml.jackson.databind.JsonNode;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;

/** A block the worker may take a task from: its height and hash (64 lowercase hex). */
public record BlockRef(long height, String hash) {
    public BlockRef {
        if (height < 0) throw new IllegalArgumentException("block height must not be negative, got " + height);
        Hex.decode(hash, 32, "block hash");
    }

    /**
     * Reads the data of the node's SSE {@code block} event: the block header's fields plus {@code hash} and
     * {@code tx_count}; only {@code height} and {@code hash} matter here.
     */
    public static BlockRef fromEventData(String json) {
        JsonNode o = Json.parse(json);
        return of(o.path("height"), o.path("hash"), "block event");
    }

    /** Reads a block as {@code GET /block/...} serves it: {@code {"hash", "header": {"height", ...}, ...}}. */
    public static BlockRef fromBlockJson(JsonNode block) {
        return of(block.path("header").path("height"), block.path("hash"), "block");
    }

    private static BlockRef of(JsonNode height, JsonNode hash, String what) {
        if (!height.canConvertToLong() || !height.isIntegralNumber()) {
            throw new IllegalArgumentException(what + " has no numeric height");
        }
        if (!hash.isTextual()) throw new IllegalArgumentException(what + " has no hash");
        return new BlockRef(height.longValue(), hash.textValue());
    }
}
