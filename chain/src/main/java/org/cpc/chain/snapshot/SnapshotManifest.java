package org.cpc.chain.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.crypto.Sha256;

/**
 * What a state snapshot is: the state of the block at {@code height} (hash {@code blockHash}, whose header commits to
 * {@code stateRoot}), cut into chunks of at most {@code chunkBytes} bytes (one entry larger than that makes a chunk
 * of its own), each named by its SHA-256. A node that
 * light-verified the header of {@code height} trusts the manifest only as far as its {@code blockHash} and
 * {@code stateRoot} equal the header's, and each chunk only as far as its hash is listed here; the rebuilt state
 * must then hash to {@code stateRoot}. JSON (JCS): {@code {"format":1,"height":…,"block_hash":"…","state_root":"…",
 * "entries":…,"chunk_bytes":…,"chunks":["…sha256 hex…",…]}}.
 */
public record SnapshotManifest(int format, long height, String blockHash, String stateRoot, long entries,
                               int chunkBytes, List<String> chunks) {
    public static final int FORMAT = 1;
    /** A manifest lists at most this many chunks (with 4 MiB chunks: 64 GiB of state). */
    public static final int MAX_CHUNKS = 16_384;
    /** No chunk may be declared larger than this: it must fit one P2P frame with room to spare. */
    public static final int MAX_CHUNK_BYTES = 8 << 20;
    private static final Set<String> FIELDS = Set.of("format", "height", "block_hash", "state_root", "entries",
            "chunk_bytes", "chunks");

    public SnapshotManifest {
        chunks = List.copyOf(chunks);
        if (format != FORMAT) throw new IllegalArgumentException("snapshot format " + format + "; this node reads " + FORMAT);
        if (height < 1) throw new IllegalArgumentException("snapshot height must be at least 1");
        requireHash(blockHash, "block_hash");
        requireHash(stateRoot, "state_root");
        if (entries < 0) throw new IllegalArgumentException("snapshot entries < 0");
        if (chunkBytes < SnapshotChunks.MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("snapshot chunk_bytes must be " + SnapshotChunks.MIN_CHUNK_BYTES + ".."
                    + MAX_CHUNK_BYTES + "; got " + chunkBytes);
        }
        if (chunks.isEmpty() || chunks.size() > MAX_CHUNKS) {
            throw new IllegalArgumentException("a snapshot has 1.." + MAX_CHUNKS + " chunks; got " + chunks.size());
        }
        for (String c : chunks) requireHash(c, "chunk hash");
    }

    private static void requireHash(String h, String what) {
        if (h == null || h.length() != 64 || !Hex.isHex(h)) {
            throw new IllegalArgumentException("snapshot " + what + " must be 64 lowercase hex characters");
        }
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("format", format).put("height", height).put("block_hash", blockHash).put("state_root", stateRoot)
                .put("entries", entries).put("chunk_bytes", chunkBytes);
        ArrayNode a = o.putArray("chunks");
        chunks.forEach(a::add);
        return o;
    }

    public byte[] toBytes() {
        return Jcs.canonicalize(toJson());
    }

    /** SHA-256 (hex) of the manifest's JCS: the snapshot's name. */
    public String hashHex() {
        return Hex.encode(Sha256.hash(toBytes()));
    }

    /** Strict: unknown or missing fields, and every bound above, are refused with IllegalArgumentException. */
    public static SnapshotManifest fromJson(JsonNode node) {
        JsonFields f = JsonFields.of(node, "snapshot manifest", FIELDS);
        long format = f.uint("format");
        long chunkBytes = f.uint("chunk_bytes");
        JsonNode arr = f.raw("chunks");
        if (!arr.isArray() || arr.size() > MAX_CHUNKS) {
            throw new IllegalArgumentException("snapshot chunks must be an array of at most " + MAX_CHUNKS + " hashes");
        }
        List<String> chunks = new ArrayList<>(arr.size());
        for (JsonNode c : arr) {
            if (!c.isTextual()) throw new IllegalArgumentException("snapshot chunk hashes must be strings");
            chunks.add(c.textValue());
        }
        if (format > Integer.MAX_VALUE || chunkBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("snapshot format or chunk_bytes out of range");
        }
        return new SnapshotManifest((int) format, f.uint("height"), f.string("block_hash"), f.string("state_root"),
                f.uint("entries"), (int) chunkBytes, chunks);
    }

    /** The chunk at {@code index} hashes to what this manifest lists. */
    public boolean chunkMatches(int index, byte[] chunk) {
        return index >= 0 && index < chunks.size() && chunk.length <= MAX_CHUNK_BYTES
                && Hex.encode(Sha256.hash(chunk)).equals(chunks.get(index));
    }
}
