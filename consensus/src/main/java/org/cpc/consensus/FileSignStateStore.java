package org.cpc.consensus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * {@link SignStateStore} as an append-only file: one {@link RecordFraming} record (length, CRC-32C, JSON) per
 * signature, written by {@link #save} and fsynced by {@link #sync} — one fsync for all the signatures one consensus
 * input produced (a lone validator's proposal, prevote and precommit come from one), where rewriting a file
 * atomically costs three (file, rename, directory) per signature. The state is the records of the highest height,
 * in order.
 *
 * <pre>
 * {"height":7,"round":0,"step":"proposal"|"prevote"|"precommit","sign_bytes_sha256":"…","signature":"…"}
 * </pre>
 *
 * <p>Reading: a record cut short at the end is an append the crash interrupted — its signature was never returned,
 * so it is dropped (with a warning) and overwritten by the next save. Anything else damaged — a wrong CRC anywhere,
 * including the last record (a whole record that does not check is not a torn append), an undecodable record,
 * positions that do not increase — stops start-up with the file and offset: treating a damaged file as "signed
 * less" could double-sign. Once the file passes {@link #COMPACT_BYTES}, the first save of a new height replaces it
 * atomically by that one record.
 */
public final class FileSignStateStore implements SignStateStore {
    public static final long COMPACT_BYTES = 1024 * 1024;
    private static final Set<String> FIELDS = Set.of("height", "round", "step", "sign_bytes_sha256", "signature");
    private static final int MAX_RECORD = 64 * 1024;

    private final Path file;
    private final Consumer<String> warnings;
    private FileChannel channel;
    /** Bytes of whole records (a torn tail past it is overwritten); -1 until loaded. */
    private long validLength = -1;
    private long lastHeight = -1;
    /** Records written since the last fsync; whether the file was created by them (its directory entry too). */
    private boolean dirty;
    private boolean created;

    /** @param warnings told when a torn last record (a crash mid-append) is dropped */
    public FileSignStateStore(Path file, Consumer<String> warnings) {
        this.file = file.toAbsolutePath().normalize();
        this.warnings = warnings;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized Optional<SignState> load() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException absent) {
            validLength = 0;
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        RecordFraming.Scan scan;
        try {
            scan = RecordFraming.scan(bytes, file.toString(), MAX_RECORD);
        } catch (IllegalStateException e) {
            throw corrupt(e.getMessage(), e);
        }
        if (scan.tailChecksumFailed()) throw corrupt(scan.tornTail(), null);
        if (scan.tornTail() != null) warnings.accept(file + ": dropping " + scan.tornTail() + " (a crash while signing)");
        long height = -1;
        List<SignState.Signed> signed = new ArrayList<>();
        long offset = 0;
        for (byte[] payload : scan.records()) {
            long h;
            SignState.Signed s;
            try {
                JsonFields f = JsonFields.of(Json.parse(payload), "signature record", FIELDS);
                h = f.uint("height");
                long round = f.uint("round");
                if (round > Integer.MAX_VALUE) throw new IllegalArgumentException("round out of range");
                s = new SignState.Signed((int) round, SignState.Kind.ofWire(f.string("step")),
                        f.string("sign_bytes_sha256"), f.string("signature"));
            } catch (RuntimeException e) {
                throw corrupt("undecodable record at offset " + offset + ": " + e.getMessage(), e);
            }
            if (h < height || h == height && signed.getLast().compare(s.round(), s.kind()) >= 0) {
                throw corrupt("record at offset " + offset + " is not after the one before it", null);
            }
            if (h > height) signed.clear();
            height = h;
            signed.add(s);
            if (signed.size() > SignState.MAX_SIGNATURES) signed.removeFirst();
            offset += RecordFraming.HEADER + payload.length;
        }
        validLength = scan.validLength();
        lastHeight = height;
        return height < 0 ? Optional.empty() : Optional.of(new SignState(height, signed));
    }

    private IllegalStateException corrupt(String why, Exception cause) {
        return new IllegalStateException("validator sign state " + file + " is damaged (" + why + "); refusing to start:"
                + " signing without it could double-sign. Restore it from this machine's backup, or, only if this"
                + " validator has certainly not signed at or above the chain's current height, delete it", cause);
    }

    @Override
    public synchronized void save(SignState state) {
        if (validLength < 0) throw new IllegalStateException("load the sign state before saving");
        SignState.Signed s = state.last();
        ObjectNode o = Json.object();
        o.put("height", state.height());
        o.put("round", s.round());
        o.put("step", s.kind().wire());
        o.put("sign_bytes_sha256", s.signBytesSha256());
        o.put("signature", s.signature());
        byte[] record;
        try {
            record = RecordFraming.frame(Json.MAPPER.writeValueAsBytes(o));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a signature record", e);
        }
        try {
            if (state.height() > lastHeight && validLength >= COMPACT_BYTES) {
                sync(); // what was appended before is durable before the file is replaced
                if (channel != null) channel.close();
                channel = null;
                writeAtomically(file, record);
                validLength = record.length;
            } else {
                if (channel == null) {
                    created |= !Files.exists(file);
                    Files.createDirectories(file.getParent());
                    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    channel.truncate(validLength);
                }
                channel.position(validLength);
                ByteBuffer b = ByteBuffer.wrap(record);
                while (b.hasRemaining()) channel.write(b);
                dirty = true;
                validLength += record.length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        lastHeight = state.height();
    }

    @Override
    public synchronized void sync() {
        if (!dirty) return;
        try {
            channel.force(false);
            if (created) syncDirectory(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync " + file + ": " + e.getMessage(), e);
        }
        dirty = false;
        created = false;
    }

    /** Replaces {@code target} by {@code bytes} so that a crash leaves either the old or the new content. */
    static void writeAtomically(Path target, byte[] bytes) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename " + tmp + " atomically", e);
            }
            syncDirectory(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Makes a rename or a new file in {@code dir} durable (a no-op where the platform cannot open directories). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException notOnThisPlatform) {
            // Windows cannot open a directory; its renames are durable once the rename returns (NTFS journal).
        }
    }
}
