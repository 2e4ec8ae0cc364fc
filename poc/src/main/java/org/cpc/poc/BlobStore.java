package org.cpc.poc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;
import org.cpc.compute.market.BlobSource;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;

/**
 * Content-addressed blobs on disk: a blob is the file {@code blobs/<sha256 hex>}. Uploads stream through SHA-256 into
 * a temporary file, are refused past the size limit, and are renamed into place atomically, so a crash leaves no
 * half blob under a real name. Blobs are immutable; readers map them.
 */
public final class BlobStore implements BlobSource {
    /** The upload is larger than the limit. */
    public static final class TooLargeException extends RuntimeException {
        TooLargeException(long limit) {
            super("blob is larger than this PoC validator's limit of " + limit + " bytes");
        }
    }

    public record Stored(String hash, long size) {}

    private final Path dir;
    private final Path tmp;
    private final long maxBytes;
    private final ConcurrentHashMap<String, MemorySegment> mapped = new ConcurrentHashMap<>();

    public BlobStore(Path dir, long maxBytes) {
        this.dir = dir;
        this.tmp = dir.resolve("tmp");
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + tmp + ": " + e.getMessage(), e);
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    public static boolean isHash(String s) {
        return s != null && s.length() == 64 && Hex.isHex(s);
    }

    /** Streams {@code in} into the store; at most {@link #maxBytes()} bytes or {@link TooLargeException}. */
    public Stored put(InputStream in) throws IOException {
        Path t = Files.createTempFile(tmp, "upload", ".part");
        try {
            MessageDigest d = Sha256.newDigest();
            long size = 0;
            byte[] buf = new byte[1 << 16];
            try (OutputStream out = Files.newOutputStream(t)) {
                int r;
                while ((r = in.read(buf)) > 0) {
                    size += r;
                    if (size > maxBytes) throw new TooLargeException(maxBytes);
                    d.update(buf, 0, r);
                    out.write(buf, 0, r);
                }
            }
            return commit(t, Hex.encode(d.digest()), size);
        } finally {
            Files.deleteIfExists(t);
        }
    }

    /** Stores bytes already in memory (job outputs, merged results); no size limit beyond the caller's. */
    public Stored putBytes(byte[] data) {
        String hash = Hex.encode(Sha256.hash(data));
        if (Files.exists(path(hash))) return new Stored(hash, data.length);
        try {
            Path t = Files.createTempFile(tmp, "put", ".part");
            try {
                Files.write(t, data);
                return commit(t, hash, data.length);
            } finally {
                Files.deleteIfExists(t);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write blob " + hash + ": " + e.getMessage(), e);
        }
    }

    /** A writer for a blob made of parts (a merged task result): hashes while writing, commits on {@link Writer#commit}. */
    public Writer writer() throws IOException {
        return new Writer(Files.createTempFile(tmp, "merge", ".part"));
    }

    public final class Writer implements AutoCloseable {
        private final Path t;
        private final OutputStream out;
        private final MessageDigest d = Sha256.newDigest();
        private long size;

        private Writer(Path t) throws IOException {
            this.t = t;
            this.out = Files.newOutputStream(t);
        }

        public void write(byte[] part) throws IOException {
            out.write(part);
            d.update(part);
            size += part.length;
        }

        public Stored commit() throws IOException {
            out.close();
            return BlobStore.this.commit(t, Hex.encode(d.digest()), size);
        }

        @Override
        public void close() throws IOException {
            out.close();
            Files.deleteIfExists(t);
        }
    }

    private Stored commit(Path t, String hash, long size) throws IOException {
        Path target = path(hash);
        if (!Files.exists(target)) {
            try (FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(t, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Stored(hash, size);
    }

    public Path path(String hash) {
        if (!isHash(hash)) throw new IllegalArgumentException("'" + hash + "' is not a blob hash (64 lowercase hex)");
        return dir.resolve(hash);
    }

    /** The blob's size, or -1 when there is none. */
    public long size(String hash) {
        if (!isHash(hash)) return -1;
        try {
            return Files.size(path(hash));
        } catch (IOException e) {
            return -1;
        }
    }

    public byte[] read(String hash) {
        try {
            return Files.readAllBytes(path(hash));
        } catch (IOException e) {
            throw new IllegalArgumentException("no blob " + hash, e);
        }
    }

    /** The blob mapped read-only (kept mapped: inputs are read by every job of a task). */
    @Override
    public MemorySegment blob(String hash) {
        return mapped.computeIfAbsent(hash, h -> {
            long size = size(h);
            if (size < 0) throw new IllegalArgumentException("no blob " + h);
            if (size == 0) return MemorySegment.ofArray(new byte[0]);
            try (FileChannel ch = FileChannel.open(path(h), StandardOpenOption.READ)) {
                return ch.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot map blob " + h + ": " + e.getMessage(), e);
            }
        });
    }

    /** Forgets a mapping (the task is done with its inputs). */
    public void unmap(String hash) {
        mapped.remove(hash);
    }
}
