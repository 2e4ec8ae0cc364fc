package org.cpc.chain.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.cpc.protocol.codec.Json;

/**
 * The snapshots on disk: {@code <dir>/<height>/manifest.json} and {@code chunk-<index>} beside it. A snapshot is
 * written under {@code <height>.tmp} and renamed when complete, so a directory named by a height is always whole.
 * Thread-safe (files are written once and renamed into place).
 */
public final class SnapshotStore {
    static final String MANIFEST = "manifest.json";
    private final Path dir;

    public SnapshotStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The complete snapshots, newest first. */
    public List<SnapshotManifest> list() {
        List<SnapshotManifest> out = new ArrayList<>();
        for (long h : heights()) manifest(h).ifPresent(out::add);
        return out;
    }

    /** Heights of complete snapshots, newest first. */
    List<Long> heights() {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9]{1,19}"))
                    .map(Long::parseLong).sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshots in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Optional<SnapshotManifest> manifest(long height) {
        Path m = dir.resolve(Long.toString(height)).resolve(MANIFEST);
        try {
            return Files.exists(m) ? Optional.of(SnapshotManifest.fromJson(Json.parse(Files.readAllBytes(m))))
                    : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // removed meanwhile, or damaged on disk: not served
        }
    }

    /** The chunk's bytes, or empty when this node has no such snapshot (any more). */
    public Optional<byte[]> chunk(long height, int index) {
        Path c = dir.resolve(Long.toString(height)).resolve(chunkName(index));
        try {
            return Optional.of(Files.readAllBytes(c));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static String chunkName(int index) {
        return String.format("chunk-%05d", index);
    }

    /** Writes a snapshot's files under {@code <height>.tmp}; {@link Writing#complete} moves them into place. */
    Writing begin(long height) throws IOException {
        Path tmp = dir.resolve(height + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        return new Writing(height, tmp);
    }

    final class Writing {
        private final long height;
        private final Path tmp;
        private int chunks;

        private Writing(long height, Path tmp) {
            this.height = height;
            this.tmp = tmp;
        }

        void chunk(byte[] bytes) {
            try {
                Files.write(tmp.resolve(chunkName(chunks++)), bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void complete(SnapshotManifest m) throws IOException {
            Files.write(tmp.resolve(MANIFEST), m.toBytes());
            Path target = dir.resolve(Long.toString(height));
            deleteTree(target);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }

        void abandon() {
            deleteQuietly(tmp);
        }
    }

    /** Deletes all but the newest {@code keep} snapshots, and any unfinished one but {@code writing}. */
    void prune(int keep) {
        List<Long> hs = heights();
        for (int i = keep; i < hs.size(); i++) deleteQuietly(dir.resolve(Long.toString(hs.get(i))));
    }

    private static void deleteQuietly(Path p) {
        try {
            deleteTree(p);
        } catch (IOException e) {
            // left for the next prune
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
