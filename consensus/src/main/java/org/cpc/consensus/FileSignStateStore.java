package org.cpc.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.crypto.Sha256;

/**
 * {@link SignStateStore} in one JSON file, replaced atomically: write {@code <file>.tmp}, fsync it, rename it over
 * the file, fsync the directory. A reader therefore sees the old or the new state, never a mix. The file carries
 * the SHA-256 of its other fields, so a file damaged on disk (or edited by hand) fails start-up with a message
 * instead of being taken for "never signed" — silently resetting could double-sign.
 *
 * <pre>
 * {"height":7,"signatures":[{"round":0,"step":"proposal"|"prevote"|"precommit","sign_bytes_sha256":"…","signature":"…"},…],
 *  "checksum":"…hex SHA-256 of the JCS of the other fields…"}
 * </pre>
 */
public final class FileSignStateStore implements SignStateStore {
    private static final Set<String> FIELDS = Set.of("height", "signatures", "checksum");
    private static final Set<String> SIGNED = Set.of("round", "step", "sign_bytes_sha256", "signature");
    /** At most {@link SignState#MAX_SIGNATURES} signatures of a few kilobytes of hex each. */
    private static final long MAX_BYTES = 2 * 1024 * 1024;

    private final Path file;

    public FileSignStateStore(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    public Path file() {
        return file;
    }

    @Override
    public Optional<SignState> load() {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) throw corrupt("larger than " + MAX_BYTES + " bytes", null);
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonNode node = Json.parse(bytes);
            JsonFields f = JsonFields.of(node, "priv_validator_state", FIELDS);
            String checksum = f.string("checksum");
            ObjectNode rest = ((ObjectNode) node).deepCopy();
            rest.remove("checksum");
            if (!checksum.equals(Hex.encode(Sha256.hash(Jcs.canonicalize(rest))))) throw corrupt("checksum mismatch", null);
            JsonNode list = f.raw("signatures");
            if (!list.isArray()) throw corrupt("signatures is not an array", null);
            List<SignState.Signed> signed = new ArrayList<>();
            for (JsonNode e : list) {
                JsonFields g = JsonFields.of(e, "signature", SIGNED);
                long round = g.uint("round");
                if (round > Integer.MAX_VALUE) throw corrupt("round out of range", null);
                signed.add(new SignState.Signed((int) round, SignState.Kind.ofWire(g.string("step")),
                        g.string("sign_bytes_sha256"), g.string("signature")));
            }
            return Optional.of(new SignState(f.uint("height"), signed));
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw corrupt(e.getMessage(), e);
        }
    }

    private IllegalStateException corrupt(String why, Exception cause) {
        return new IllegalStateException("validator sign state " + file + " is corrupt (" + why + "); refusing to start:"
                + " signing without it could double-sign. Restore it from a backup of this machine, or, if this"
                + " validator has certainly not signed at or above the chain's current height, delete it", cause);
    }

    @Override
    public void save(SignState s) {
        ObjectNode o = Json.object();
        o.put("height", s.height());
        ArrayNode list = o.putArray("signatures");
        for (SignState.Signed x : s.signatures()) {
            ObjectNode e = list.addObject();
            e.put("round", x.round());
            e.put("step", x.kind().wire());
            e.put("sign_bytes_sha256", x.signBytesSha256());
            e.put("signature", x.signature());
        }
        o.put("checksum", Hex.encode(Sha256.hash(Jcs.canonicalize(o))));
        writeAtomically(file, Jcs.canonicalize(o));
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
