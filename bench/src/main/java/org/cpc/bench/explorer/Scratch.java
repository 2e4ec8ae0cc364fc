package org.cpc.bench.explorer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A scratch directory on tmpfs for {@link ChainFiller}: RocksDB's synced write per block costs nothing there. The
 * finished data dir is then copied to where it was asked for, where the node opens it.
 */
final class Scratch {
    private static final Path TMPFS = Path.of("/dev/shm");
    /**
     * Room on tmpfs below which the fill goes straight to its target instead (a 100,000-block chain is 2.1 GB).
     */
    private static final long MIN_FREE_BYTES = 4L << 30;

    private Scratch() {}

    /** A new scratch dir on tmpfs for a data dir bound for {@code target}, or null to fill in place. */
    static Path dirFor(Path target) {
        try {
            if (!Files.isDirectory(TMPFS) || !Files.isWritable(TMPFS)) return null;
            FileStore store = Files.getFileStore(TMPFS);
            if (!"tmpfs".equals(store.type()) || store.getUsableSpace() < MIN_FREE_BYTES) return null;
            if (Files.exists(target) && !isEmptyDir(target)) {
                throw new IllegalArgumentException(target + " exists and is not empty; give a new directory");
            }
            return Files.createTempDirectory(TMPFS, "cpc-chain-fill");
        } catch (IOException e) {
            return null;
        }
    }

    /** Copies the tree at {@code from} to {@code to} (created), files and directories. */
    static void copyTo(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copying the filled chain from " + from + " to " + to + " failed", e);
        }
    }

    /** Deletes the tree at {@code dir}, deepest first. */
    static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting the scratch dir " + dir + " failed", e);
        }
    }

    private static boolean isEmptyDir(Path p) throws IOException {
        if (!Files.isDirectory(p)) return false;
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }
}
