package org.cpc.node.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.cpc.chain.snapshot.SnapshotManifest;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.ValidatorSet;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.types.Block;

/**
 * The messages of the {@code SNAPSHOT} channel (JSON, strict): a node lists the snapshots it keeps, serves their
 * chunks, and serves light blocks (a block, its commit certificate, the validator set of its height). Requests name
 * what they want; an answer repeats it, so that it can be matched with the request.
 *
 * <pre>
 * {"type":"list_snapshots"}
 * {"type":"snapshots","snapshots":[manifest, …]}                       newest first, at most {@link #MAX_LISTED}
 * {"type":"get_chunk","height":H,"index":I}
 * {"type":"chunk","height":H,"index":I,"data":"…base64…"|null}        null: not kept (any more)
 * {"type":"get_light_block","height":H}                               H ≥ 1
 * {"type":"light_block","height":H,"block":{…}|null,"commit":{…}|null,"validators":[…]|null}
 * </pre>
 */
public sealed interface SnapshotMessage {
    /** At most this many snapshots are listed in one answer. */
    int MAX_LISTED = 4;

    record ListSnapshots() implements SnapshotMessage {}

    record Snapshots(List<SnapshotManifest> snapshots) implements SnapshotMessage {}

    record GetChunk(long height, int index) implements SnapshotMessage {}

    /** @param data the chunk, or null when the peer does not keep it */
    record Chunk(long height, int index, byte[] data) implements SnapshotMessage {}

    record GetLightBlock(long height) implements SnapshotMessage {}

    /** The parts are all null when the peer does not have the block (pruned, or above its head). */
    record LightBlockReply(long height, Block block, CommitCertificate commit, ValidatorSet validators)
            implements SnapshotMessage {
        public boolean present() {
            return block != null;
        }
    }

    Set<String> TYPE_ONLY = Set.of("type");
    Set<String> LIST = Set.of("type", "snapshots");
    Set<String> GET_CHUNK = Set.of("type", "height", "index");
    Set<String> CHUNK = Set.of("type", "height", "index", "data");
    Set<String> GET_LIGHT = Set.of("type", "height");
    Set<String> LIGHT = Set.of("type", "height", "block", "commit", "validators");

    default byte[] encode() {
        ObjectNode o = Json.object();
        switch (this) {
            case ListSnapshots l -> o.put("type", "list_snapshots");
            case Snapshots s -> {
                o.put("type", "snapshots");
                ArrayNode a = o.putArray("snapshots");
                for (SnapshotManifest m : s.snapshots()) a.add(m.toJson());
            }
            case GetChunk g -> o.put("type", "get_chunk").put("height", g.height()).put("index", g.index());
            case Chunk c -> {
                o.put("type", "chunk").put("height", c.height()).put("index", c.index());
                if (c.data() == null) o.putNull("data"); else o.put("data", Base64.getEncoder().encodeToString(c.data()));
            }
            case GetLightBlock g -> o.put("type", "get_light_block").put("height", g.height());
            case LightBlockReply r -> {
                o.put("type", "light_block").put("height", r.height());
                if (r.present()) {
                    o.set("block", r.block().toJson());
                    o.set("commit", r.commit().toJson());
                    o.set("validators", ValidatorSet.membersJson(r.validators().validators()));
                } else {
                    o.putNull("block").putNull("commit").putNull("validators");
                }
            }
        }
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a message.
     *
     * @throws IllegalArgumentException malformed (the caller penalizes the sender)
     */
    static SnapshotMessage decode(byte[] payload) {
        JsonNode node = Json.parse(payload);
        String type = node.path("type").textValue();
        if (type == null) throw new IllegalArgumentException("snapshot message must be an object with a string 'type'");
        return switch (type) {
            case "list_snapshots" -> {
                JsonFields.of(node, "list_snapshots", TYPE_ONLY);
                yield new ListSnapshots();
            }
            case "snapshots" -> {
                JsonNode arr = JsonFields.of(node, "snapshots", LIST).raw("snapshots");
                if (!arr.isArray() || arr.size() > MAX_LISTED) {
                    throw new IllegalArgumentException("snapshots must be an array of at most " + MAX_LISTED);
                }
                List<SnapshotManifest> list = new ArrayList<>();
                for (JsonNode m : arr) list.add(SnapshotManifest.fromJson(m));
                yield new Snapshots(list);
            }
            case "get_chunk" -> {
                JsonFields f = JsonFields.of(node, "get_chunk", GET_CHUNK);
                yield new GetChunk(f.uint("height"), chunkIndex(f));
            }
            case "chunk" -> {
                JsonFields f = JsonFields.of(node, "chunk", CHUNK);
                String data = f.nullableString("data");
                byte[] bytes = data == null ? null : Base64.getDecoder().decode(data);
                if (bytes != null && bytes.length > SnapshotManifest.MAX_CHUNK_BYTES) {
                    throw new IllegalArgumentException("chunk over " + SnapshotManifest.MAX_CHUNK_BYTES + " bytes");
                }
                yield new Chunk(f.uint("height"), chunkIndex(f), bytes);
            }
            case "get_light_block" -> {
                long h = JsonFields.of(node, "get_light_block", GET_LIGHT).uint("height");
                if (h < 1) throw new IllegalArgumentException("get_light_block height must be at least 1");
                yield new GetLightBlock(h);
            }
            case "light_block" -> {
                JsonFields f = JsonFields.of(node, "light_block", LIGHT);
                long h = f.uint("height");
                JsonNode b = f.raw("block");
                if (b.isNull()) {
                    if (!f.raw("commit").isNull() || !f.raw("validators").isNull()) {
                        throw new IllegalArgumentException("light_block without a block has no commit or validators");
                    }
                    yield new LightBlockReply(h, null, null, null);
                }
                Block block = Block.fromJson(b);
                if (block.header().height() != h) throw new IllegalArgumentException("light_block of another height");
                yield new LightBlockReply(h, block, CommitCertificate.fromJson(f.raw("commit"), h, block.hashHex()),
                        ValidatorSet.fromMembersJson(f.raw("validators")));
            }
            default -> throw new IllegalArgumentException("unknown snapshot message type '" + type + "'");
        };
    }

    private static int chunkIndex(JsonFields f) {
        long i = f.uint("index");
        if (i >= SnapshotManifest.MAX_CHUNKS) throw new IllegalArgumentException("chunk index over " + SnapshotManifest.MAX_CHUNKS);
        return (int) i;
    }
}
