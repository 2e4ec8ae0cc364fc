package org.cpc.testnet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A test-only clock for a testnet node process: the system clock plus an offset in milliseconds that the harness
 * sets, at run time, by rewriting a file ({@link #write}) — a node whose clock is skewed, and later corrected as
 * NTP would step it. The file is read again every {@link #REFRESH_MS}; a file that cannot be read or parsed leaves
 * the offset as it was (the harness replaces it atomically, so that happens only if it is removed).
 *
 * <p>Only {@link NodeMain} (the chaos testnet's node process) takes one ({@code --clock-offset-file}); the
 * {@code cpc node} command has no such option.
 */
final class SkewedClock implements InstantSource {
    static final long REFRESH_MS = 100;

    private final Path file;
    private volatile long offsetMs;

    private SkewedClock(Path file) {
        this.file = file;
        refresh();
    }

    /** Starts the clock of {@code file} and a daemon thread that follows the file. */
    static SkewedClock follow(Path file) {
        SkewedClock c = new SkewedClock(file);
        Thread.ofPlatform().daemon().name("skewed-clock").start(() -> {
            while (true) {
                try {
                    Thread.sleep(REFRESH_MS);
                } catch (InterruptedException e) {
                    return;
                }
                c.refresh();
            }
        });
        return c;
    }

    /** Sets the offset the clock of {@code file} follows: written beside it, then moved over it in one step. */
    static void write(Path file, long offsetMs) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(offsetMs), StandardCharsets.US_ASCII);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write the clock offset " + file + ": " + e.getMessage(), e);
        }
    }

    private void refresh() {
        try {
            long o = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
            if (o != offsetMs) {
                System.err.println("skewed-clock: offset now " + o + " ms (" + file + ")");
                offsetMs = o;
            }
        } catch (IOException | NumberFormatException e) {
            // keep the last offset
        }
    }

    long offsetMs() {
        return offsetMs;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMs;
    }
}
