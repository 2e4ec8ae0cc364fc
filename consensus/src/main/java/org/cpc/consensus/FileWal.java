package org.cpc.consensus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The consensus WAL in one file, {@link RecordFraming} records with {@link WalCodec} payloads; the current height's
 * log runs from its last {@code start} record to the end. Appends are buffered by the OS and fsynced by
 * {@link #sync} (the driver calls it before any own message leaves, CometBFT's rule). A new height is appended, not
 * fsynced: if a crash loses its start record, nothing of that height was sent, and the node starts it afresh. Once
 * the file passes {@link #ROTATE_BYTES} a new height replaces it atomically (temp, fsync, rename) instead, so
 * the file holds about one height.
 *
 * <p>Bounded: past {@code capBytes} a height's log takes no more peers' messages (see {@link InputLog#append});
 * timeouts and the application's answers are still written (a few small records per round, and a block each time
 * this validator proposes a new one). Replay reads the file into memory, so the cap is also its memory bound. A torn last record (crash mid-append) is dropped with a warning on open;
 * corruption before the end fails the open with the file and offset.
 */
public final class FileWal<B> implements InputLog<B>, AutoCloseable {
    /** Per-height cap: about 40 rounds of 100 validators' signed votes (6.6 KB of hex each), plus proposals. */
    public static final long DEFAULT_CAP_BYTES = 64L * 1024 * 1024;
    /**
     * File size past which a new height rewrites the file instead of appending to it: a rewrite costs two fsyncs,
     * and a proposer of full blocks logs ~2 MB of block a height, so this is some sixteen such heights.
     */
    public static final long ROTATE_BYTES = 32L * 1024 * 1024;
    /** Largest record: a proposal or decision with its block (a full devnet block is well under this). */
    public static final int MAX_RECORD_BYTES = 32 * 1024 * 1024;

    private final Path file;
    private final WalCodec<B> codec;
    private final long capBytes;
    private final Consumer<String> warnings;
    private boolean capWarned;
    private FileChannel channel;
    private long size;
    /** Where the current height's start record begins. */
    private long heightStart;
    private boolean dirty;

    private FileWal(Path file, WalCodec<B> codec, long capBytes, Consumer<String> warnings) {
        this.file = file;
        this.codec = codec;
        this.capBytes = capBytes;
        this.warnings = warnings;
    }

    /**
     * Opens (creating if absent) the WAL at {@code file}, truncating a torn last record after telling
     * {@code warnings}.
     *
     * @throws IllegalStateException if the file is corrupt before its end
     */
    public static <B> FileWal<B> open(Path file, WalCodec<B> codec, long capBytes, Consumer<String> warnings) {
        if (capBytes <= 0) throw new IllegalArgumentException("WAL cap must be positive");
        FileWal<B> wal = new FileWal<>(file.toAbsolutePath().normalize(), codec, capBytes, warnings);
        try {
            Files.createDirectories(wal.file.getParent());
            RecordFraming.Scan scan = wal.scan();
            wal.channel = FileChannel.open(wal.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (scan.tornTail() != null) {
                warnings.accept("consensus WAL " + wal.file + ": dropping " + scan.tornTail()
                        + " (a crash during an append)");
                wal.channel.truncate(scan.validLength());
                wal.channel.force(true);
            }
            wal.size = scan.validLength();
            wal.heightStart = lastStart(scan.records(), wal.codec, wal.file);
            wal.channel.position(wal.size);
            return wal;
        } catch (IOException e) {
            wal.closeQuietly();
            throw new UncheckedIOException("cannot open consensus WAL " + wal.file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            wal.closeQuietly();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** Bytes in the current height's log. */
    public long size() {
        return size - heightStart;
    }

    @Override
    public boolean append(ConsensusInput<B> input) {
        byte[] record = RecordFraming.frame(codec.encode(input));
        boolean tooLarge = record.length - RecordFraming.HEADER > MAX_RECORD_BYTES;
        if (tooLarge && input instanceof ConsensusInput.Received<B>) return false; // a peer's oversized message
        if (tooLarge) {
            throw new IllegalArgumentException("WAL record of " + record.length + " bytes exceeds " + MAX_RECORD_BYTES);
        }
        if (input instanceof ConsensusInput.Received<B> && size - heightStart + record.length > capBytes) {
            if (!capWarned) {
                capWarned = true;
                warnings.accept("consensus WAL " + file + " reached its cap of " + capBytes + " bytes at height "
                        + input.height() + ": peers' proposals and votes of this height are dropped from now on");
            }
            return false;
        }
        write(record);
        return true;
    }

    private void write(byte[] record) {
        try {
            ByteBuffer b = ByteBuffer.wrap(record);
            while (b.hasRemaining()) channel.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to consensus WAL " + file + ": " + e.getMessage(), e);
        }
        size += record.length;
        dirty = true;
    }

    @Override
    public void sync() {
        if (!dirty) return;
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync consensus WAL " + file + ": " + e.getMessage(), e);
        }
        dirty = false;
    }

    @Override
    public void newHeight(ConsensusInput.Start<B> start, List<ConsensusMessage> buffered) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RecordFraming.frame(codec.encode(start)));
        for (ConsensusMessage m : buffered) out.writeBytes(RecordFraming.frame(codec.encode(new ConsensusInput.Received<>(m))));
        byte[] bytes = out.toByteArray();
        capWarned = false;
        if (size < ROTATE_BYTES) {
            heightStart = size;
            write(bytes);
            return;
        }
        try {
            channel.close();
            FileSignStateStore.writeAtomically(file, bytes);
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            channel.position(bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a new height in consensus WAL " + file + ": " + e.getMessage(), e);
        }
        heightStart = 0;
        size = bytes.length;
        dirty = false;
    }

    /**
     * The logged inputs, in order.
     *
     * @throws IllegalStateException naming the file and offset of a record that does not decode
     */
    @Override
    public List<ConsensusInput<B>> inputs() {
        List<ConsensusInput<B>> all = decode(scan().records(), codec, file);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i) instanceof ConsensusInput.Start<B>) return List.copyOf(all.subList(i, all.size()));
        }
        return all;
    }

    private static <B> List<ConsensusInput<B>> decode(List<byte[]> records, WalCodec<B> codec, Path file) {
        List<ConsensusInput<B>> inputs = new ArrayList<>();
        long offset = 0;
        for (byte[] payload : records) {
            try {
                inputs.add(codec.decode(payload));
            } catch (RuntimeException e) {
                throw new IllegalStateException(file + ": undecodable record at offset " + offset + ": " + e.getMessage(), e);
            }
            offset += RecordFraming.HEADER + payload.length;
        }
        return inputs;
    }

    /** Offset of the last start record (0 if none); decoding every record also checks the whole file on open. */
    private static <B> long lastStart(List<byte[]> records, WalCodec<B> codec, Path file) {
        List<ConsensusInput<B>> all = decode(records, codec, file);
        long offset = 0;
        long last = 0;
        for (int i = 0; i < records.size(); i++) {
            if (all.get(i) instanceof ConsensusInput.Start<B>) last = offset;
            offset += RecordFraming.HEADER + records.get(i).length;
        }
        return last;
    }

    private RecordFraming.Scan scan() {
        try {
            byte[] data = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            return RecordFraming.scan(data, file.toString(), MAX_RECORD_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read consensus WAL " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            sync();
        } finally {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // Nothing was pending: close after sync, or after a failed open.
        }
    }
}
