package org.cpc.poc;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.cpc.poc.core.Effect;
import org.cpc.poc.core.PocMachine;
import org.cpc.poc.core.StoreKeys;
import org.cpc.protocol.codec.Json;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PoC validator's durable state in RocksDB, as JSON values under the keys {@link StoreKeys} names.
 *
 * <p>Every write is synced (fsync of the write-ahead log) before it counts, so a power loss cannot lose a result a
 * worker was told was accepted. An fsync per job would cap dispatch at the disk's sync rate, so writes are group
 * committed: {@link #write} queues a write and returns at once; one committer thread writes everything queued while
 * the previous sync ran as one synced batch, in the order it was queued, then completes the writes' futures. The
 * machine's thread queues its writes in the order of its state changes and acts on the future, never waits for it.
 */
public final class PocStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PocStore.class);

    static {
        RocksDB.loadLibrary();
    }

    /** One queued write: keys and values applied in order, then {@code done}. */
    private record Pending(byte[][] keys, byte[][] values, CompletableFuture<Void> done) {}

    private final RocksDB db;
    private final Options options;
    private final WriteOptions synced = new WriteOptions().setSync(true);
    private final List<Pending> queue = new ArrayList<>();
    private final Thread committer;
    private boolean closing;
    private long groups;
    private long writes;

    public PocStore(Path dir) {
        try {
            Files.createDirectories(dir);
            options = new Options().setCreateIfMissing(true);
            db = RocksDB.open(options, dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot open the PoC validator's database in " + dir + ": " + e.getMessage()
                    + " (is another PoC validator running on this data dir?)", e);
        }
        committer = Thread.ofPlatform().name("poc-commit").daemon().start(this::commitLoop);
    }

    /**
     * Queues records (JSON; a null value deletes the key) and, when {@code bytesKey} is not null, one raw value, to be
     * written together; the future completes once they are synced to disk, or fails when the write did.
     */
    public CompletableFuture<Void> write(String[] keys, JsonNode[] values, String bytesKey, byte[] bytes) {
        int n = keys.length + (bytesKey == null ? 0 : 1);
        byte[][] k = new byte[n][];
        byte[][] v = new byte[n][];
        for (int i = 0; i < keys.length; i++) {
            k[i] = keys[i].getBytes(StandardCharsets.UTF_8);
            v[i] = bytes(values[i]);
        }
        if (bytesKey != null) {
            k[n - 1] = bytesKey.getBytes(StandardCharsets.UTF_8);
            v[n - 1] = bytes;
        }
        Pending p = new Pending(k, v, new CompletableFuture<>());
        synchronized (queue) {
            if (closing) throw new IllegalStateException("the PoC validator's database is closing");
            queue.add(p);
            queue.notifyAll();
        }
        return p.done;
    }

    public CompletableFuture<Void> write(String key, JsonNode value) {
        return write(new String[] {key}, new JsonNode[] {value}, null, null);
    }

    /** Queues one write the machine asked for. */
    public CompletableFuture<Void> write(Effect.Persist p) {
        String[] keys = new String[p.puts().size()];
        JsonNode[] values = new JsonNode[keys.length];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = p.puts().get(i).key();
            values[i] = p.puts().get(i).value();
        }
        return write(keys, values, p.outputKey(), p.output());
    }

    /** Everything a restart needs: the task, job and worker records, for {@link PocMachine#load}. */
    PocMachine.Stored loadAll() {
        List<JsonNode> tasks = new ArrayList<>();
        scan(StoreKeys.TASKS, (k, v) -> tasks.add(v));
        List<PocMachine.StoredJob> jobs = new ArrayList<>();
        for (JsonNode t : tasks) {
            String id = t.get("task_id").textValue();
            scan(StoreKeys.jobs(id), (k, v) -> jobs.add(new PocMachine.StoredJob(id,
                    Integer.parseInt(k.substring(k.lastIndexOf('/') + 1)), v)));
        }
        Map<String, JsonNode> workers = new LinkedHashMap<>();
        scan(StoreKeys.WORKERS, (k, v) -> workers.put(k.substring(StoreKeys.WORKERS.length()), v));
        return new PocMachine.Stored(tasks, jobs, workers);
    }

    private void commitLoop() {
        List<Pending> group = new ArrayList<>();
        while (true) {
            synchronized (queue) {
                while (queue.isEmpty() && !closing) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (queue.isEmpty()) return; // closing, everything written
                group.addAll(queue);
                queue.clear();
            }
            RuntimeException failure = null;
            try (WriteBatch b = new WriteBatch()) {
                for (Pending p : group) {
                    for (int i = 0; i < p.keys.length; i++) {
                        if (p.values[i] == null) b.delete(p.keys[i]);
                        else b.put(p.keys[i], p.values[i]);
                    }
                }
                db.write(synced, b);
            } catch (RocksDBException | RuntimeException e) {
                // Fail the writes rather than let this thread die with them pending forever.
                failure = new IllegalStateException("database write failed: " + e.getMessage(), e);
                log.error("the PoC validator could not write {} records; nothing in them was acknowledged",
                        group.size(), e);
            }
            synchronized (queue) {
                groups++;
                writes += group.size();
            }
            for (Pending p : group) {
                try {
                    if (failure == null) p.done.complete(null);
                    else p.done.completeExceptionally(failure);
                } catch (RuntimeException e) {
                    log.error("an action after a database write failed", e);
                }
            }
            group.clear();
        }
    }

    /** Synced batches written so far and the queued writes they held: writes / groups is the grouping achieved. */
    public long[] commitCounts() {
        synchronized (queue) {
            return new long[] {groups, writes};
        }
    }

    private static byte[] bytes(JsonNode v) {
        if (v == null) return null;
        try {
            return Json.MAPPER.writeValueAsBytes(v);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a record", e);
        }
    }

    public byte[] getBytes(String key) {
        try {
            return db.get(key.getBytes(StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            throw new IllegalStateException("database read failed: " + e.getMessage(), e);
        }
    }

    public JsonNode get(String key) {
        byte[] v = getBytes(key);
        return v == null ? null : Json.parse(v);
    }

    /** Every record whose key starts with {@code prefix}, in key order. */
    public void scan(String prefix, BiConsumer<String, JsonNode> each) {
        scanBytes(prefix, (k, v) -> each.accept(k, Json.parse(v)));
    }

    /** Every raw value whose key starts with {@code prefix}, in key order (job outputs are not JSON). */
    public void scanBytes(String prefix, BiConsumer<String, byte[]> each) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(p); it.isValid(); it.next()) {
                String k = new String(it.key(), StandardCharsets.UTF_8);
                if (!k.startsWith(prefix)) break;
                each.accept(k, it.value());
            }
        }
    }

    /** Writes what is queued, then closes the database. */
    @Override
    public void close() {
        synchronized (queue) {
            closing = true;
            queue.notifyAll();
        }
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        db.close();
        options.close();
        synced.close();
    }
}
