package org.cpc.node.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.function.Consumer;
import org.cpc.consensus.DuplicateVoteEvidence;
import org.cpc.consensus.MessageCodec;
import org.cpc.consensus.RecordFraming;
import org.cpc.consensus.SignatureVerifier;
import org.cpc.consensus.ValidatorSet;
import org.cpc.consensus.Vote;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Block;

/**
 * Equivocation evidence this node saw or was sent ({@link EvidenceGossip}), kept for proposers to put into blocks: an
 * append-only file of {@link RecordFraming} records (each the JSON of one {@link DuplicateVoteEvidence}), fsynced
 * per record, so evidence survives a crash. Only evidence whose two signatures verify against the validator set is
 * kept, one per (validator, height, round, vote type). Bounded to {@link #MAX_ENTRIES}: past it the oldest entry is
 * dropped and the file rewritten atomically. A torn last record is dropped on open with a warning; corruption
 * before the end fails the open with the file and offset. Thread-safe (consensus writes, REST reads).
 *
 * <pre>
 * {"validator_address":"cpcvalcons1…","height":7,"round":0,"vote_type":"prevote",
 *  "first":{…vote…},"second":{…vote…}}     (votes in MessageCodec's wire form)
 * </pre>
 */
public final class EvidenceStore implements AutoCloseable {
    public static final int MAX_ENTRIES = 1000;
    private static final int MAX_RECORD = 64 * 1024;

    private final Path file;
    private final String chainId;
    private final SignatureVerifier verifier;
    private final MessageCodec<Block> codec = new MessageCodec<>(BlockJson.CODEC);
    /** key → JSON, oldest first. */
    private final SequencedMap<String, ObjectNode> entries = new LinkedHashMap<>();
    private FileChannel channel;

    private EvidenceStore(Path file, String chainId, SignatureVerifier verifier) {
        this.file = file;
        this.chainId = chainId;
        this.verifier = verifier;
    }

    public static EvidenceStore open(Path file, String chainId, SignatureVerifier verifier, Consumer<String> warnings) {
        EvidenceStore s = new EvidenceStore(file.toAbsolutePath().normalize(), chainId, verifier);
        try {
            Files.createDirectories(s.file.getParent());
            byte[] data = Files.exists(s.file) ? Files.readAllBytes(s.file) : new byte[0];
            RecordFraming.Scan scan = RecordFraming.scan(data, s.file.toString(), MAX_RECORD);
            long offset = 0;
            for (byte[] r : scan.records()) {
                try {
                    ObjectNode o = (ObjectNode) Json.parse(r);
                    s.entries.put(key(o), o);
                } catch (RuntimeException e) {
                    throw new IllegalStateException(s.file + ": undecodable evidence at offset " + offset, e);
                }
                offset += RecordFraming.HEADER + r.length;
            }
            s.channel = FileChannel.open(s.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (scan.tornTail() != null) {
                warnings.accept("evidence log " + s.file + ": dropping " + scan.tornTail() + " (a crash during an append)");
                s.channel.truncate(scan.validLength());
                s.channel.force(true);
            }
            s.channel.position(scan.validLength());
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open evidence log " + s.file + ": " + e.getMessage(), e);
        }
    }

    private static String key(JsonNode o) {
        return key(o.get("validator_address").textValue(), o.get("height").longValue(), o.get("round").intValue(),
                o.get("vote_type").textValue());
    }

    /** One entry per (validator, height, round, vote type): what makes two records the same evidence. */
    private static String key(String validator, long height, int round, String voteType) {
        return validator + "/" + height + "/" + round + "/" + voteType;
    }

    /** Whether evidence of the same (validator, height, round, vote type) is kept already. */
    public synchronized boolean contains(DuplicateVoteEvidence e) {
        return entries.containsKey(key(e.validatorAddress(), e.height(), e.first().round(), e.first().type().wire()));
    }

    /**
     * Keeps {@code e} durably if it verifies against {@code validators} (the set of its height) and is new; returns
     * whether it was added.
     *
     * @throws UncheckedIOException if it cannot be written
     */
    public synchronized boolean add(DuplicateVoteEvidence e, ValidatorSet validators) {
        if (!e.verify(chainId, validators, verifier)) return false;
        ObjectNode o = toJson(e);
        String k = key(o);
        if (entries.containsKey(k)) return false;
        entries.put(k, o);
        try {
            if (entries.size() > MAX_ENTRIES) {
                entries.pollFirstEntry();
                rewrite();
            } else {
                ByteBuffer b = ByteBuffer.wrap(RecordFraming.frame(Json.MAPPER.writeValueAsBytes(o)));
                while (b.hasRemaining()) channel.write(b);
                channel.force(false);
            }
        } catch (IOException x) {
            entries.remove(k);
            throw new UncheckedIOException("cannot write evidence log " + file + ": " + x.getMessage(), x);
        }
        return true;
    }

    private void rewrite() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ObjectNode o : entries.values()) out.writeBytes(RecordFraming.frame(Json.MAPPER.writeValueAsBytes(o)));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
        channel.close();
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        channel = FileChannel.open(file, StandardOpenOption.WRITE);
        channel.position(channel.size());
    }

    private ObjectNode toJson(DuplicateVoteEvidence e) {
        Vote first = e.first();
        ObjectNode o = Json.object();
        o.put("validator_address", e.validatorAddress());
        o.put("height", e.height());
        o.put("round", first.round());
        o.put("vote_type", first.type().wire());
        o.set("first", codec.toJson(first));
        o.set("second", codec.toJson(e.second()));
        return o;
    }

    /** Up to {@code limit} entries, newest first. */
    public synchronized List<ObjectNode> newest(int limit) {
        List<ObjectNode> out = new ArrayList<>(Math.min(limit, entries.size()));
        for (ObjectNode o : entries.sequencedValues().reversed()) {
            if (out.size() == limit) break;
            out.add(o.deepCopy());
        }
        return out;
    }

    /**
     * Up to {@code limit} entries of heights at or after {@code minHeight}, oldest first, each as a block carries it:
     * {@code {"first": vote, "second": vote}}.
     */
    public synchronized List<JsonNode> forBlock(long minHeight, int limit) {
        List<JsonNode> out = new ArrayList<>();
        for (ObjectNode o : entries.sequencedValues()) {
            if (out.size() == limit) break;
            if (o.get("height").longValue() < minHeight) continue;
            ObjectNode item = Json.object();
            item.set("first", o.get("first").deepCopy());
            item.set("second", o.get("second").deepCopy());
            out.add(item);
        }
        return out;
    }

    public synchronized int size() {
        return entries.size();
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Every record was fsynced when added.
        }
    }
}
