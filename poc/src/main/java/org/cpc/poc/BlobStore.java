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
import java.nio.file.attribute.FileTime;
import java.time.InstantSource;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;
import org.cpc.compute.market.BlobSource;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;

/**
 * Immutable files named by a 32-byte hash in hex, in one directory. Two of them: {@code blobs/}, content-addressed
 * (a blob is the file {@code blobs/<sha256 hex>}: uploads stream through SHA-256 into a temporary file, are refused
 * past the size limit, and are renamed into place atomically, so a crash leaves no half blob under a real name), and
 * {@code outputs/}, accepted job outputs under their result_hash ({@link JobOutputs}). Readers map blobs.
 *
 * <p>A blob's modification time is when it was last written or re-uploaded, by the store's clock: retention deletes
 * only blobs older than a grace period, and the check and the deletion are atomic with respect to writes (one lock),
 * so a blob stored again while being swept is never lost.
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
    private final InstantSource clock;
    private final ConcurrentHashMap<String, MemorySegment> mapped = new ConcurrentHashMap<>();

    public BlobStore(Path dir, long maxBytes, InstantSource clock) {
        this.dir = dir;
        this.clock = clock;
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

    /**
     * Stores bytes already in memory (a job's output) under {@code hash}, which this process computed from these very
     * bytes (never a hash a peer claims): the output's result_hash ({@link JobOutputs}). No size limit beyond the
     * caller's.
     */
    Stored putBytes(byte[] data, String hash) {
        if (touch(hash)) return new Stored(hash, data.length);
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
        if (touch(hash)) return new Stored(hash, size);
        try (FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.setLastModifiedTime(t, FileTime.from(clock.instant()));
        synchronized (this) {
            Files.move(t, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Stored(hash, size);
    }

    /**
     * Marks the blob as just stored (it was uploaded again, or a task is about to use it), so retention keeps it for
     * another grace period; false when there is no such blob.
     */
    public synchronized boolean touch(String hash) {
        if (!isHash(hash)) return false;
        try {
            Files.setLastModifiedTime(path(hash), FileTime.from(clock.instant()));
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot touch blob " + hash + ": " + e.getMessage(), e);
        }
    }

    /** The hashes of the blobs stored, in no order: the caller bounds what it does with each. */
    public java.util.stream.Stream<String> hashes() throws IOException {
        return Files.list(dir).map(p -> p.getFileName().toString()).filter(BlobStore::isHash);
    }

    /**
     * Deletes the blob if it was last stored before {@code cutoff}; its size when it was deleted, -1 when it was
     * kept or is gone.
     */
    public synchronized long deleteIfOlder(String hash, java.time.Instant cutoff) {
        Path p = path(hash);
        try {
            if (!Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) return -1;
            long size = Files.size(p);
            mapped.remove(hash);
            Files.delete(p);
            return size;
        } catch (java.nio.file.NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete blob " + hash + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
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
