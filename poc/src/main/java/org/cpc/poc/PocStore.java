package org.cpc.poc;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import org.cpc.protocol.codec.Json;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The PoC validator's durable state in RocksDB, as JSON values under prefixed keys: {@code t/<task_id>} tasks,
 * {@code j/<task_id>/<index, 6 digits>} jobs, {@code w/<address>} worker records, {@code o/<sha256>} accepted job outputs up to 64 KiB (larger
 * ones are blob files). Every change is written through
 * (write-ahead log on) before it is acted on, so a restart loses no task, job or accepted result.
 */
public final class PocStore implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private final RocksDB db;
    private final Options options;
    private final WriteOptions write = new WriteOptions();

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
    }

    static String taskKey(String taskId) {
        return "t/" + taskId;
    }

    static String jobKey(String taskId, int index) {
        return "j/" + taskId + "/" + String.format("%06d", index);
    }

    static String outputKey(String hash) {
        return "o/" + hash;
    }

    public void putBytes(String key, byte[] value) {
        try {
            db.put(write, key.getBytes(StandardCharsets.UTF_8), value);
        } catch (RocksDBException e) {
            throw new IllegalStateException("database write failed: " + e.getMessage(), e);
        }
    }

    public byte[] getBytes(String key) {
        try {
            return db.get(key.getBytes(StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            throw new IllegalStateException("database read failed: " + e.getMessage(), e);
        }
    }

    static String workerKey(String address) {
        return "w/" + address;
    }

    /** Writes several records at once (atomically). */
    public void put(String[] keys, JsonNode[] values) {
        try (WriteBatch b = new WriteBatch()) {
            for (int i = 0; i < keys.length; i++) {
                b.put(keys[i].getBytes(StandardCharsets.UTF_8), bytes(values[i]));
            }
            db.write(write, b);
        } catch (RocksDBException e) {
            throw new IllegalStateException("database write failed: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(JsonNode v) {
        try {
            return Json.MAPPER.writeValueAsBytes(v);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a record", e);
        }
    }

    /** A record and a raw value, written together (atomically). */
    public void put(String key, JsonNode value, String bytesKey, byte[] bytes) {
        try (WriteBatch b = new WriteBatch()) {
            b.put(key.getBytes(StandardCharsets.UTF_8), bytes(value));
            b.put(bytesKey.getBytes(StandardCharsets.UTF_8), bytes);
            db.write(write, b);
        } catch (RocksDBException e) {
            throw new IllegalStateException("database write failed: " + e.getMessage(), e);
        }
    }

        public void put(String key, JsonNode value) {
        put(new String[] {key}, new JsonNode[] {value});
    }

    public JsonNode get(String key) {
        try {
            byte[] v = db.get(key.getBytes(StandardCharsets.UTF_8));
            return v == null ? null : Json.parse(v);
        } catch (RocksDBException e) {
            throw new IllegalStateException("database read failed: " + e.getMessage(), e);
        }
    }

    /** Every record whose key starts with {@code prefix}, in key order. */
    public void scan(String prefix, BiConsumer<String, JsonNode> each) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(p); it.isValid(); it.next()) {
                String k = new String(it.key(), StandardCharsets.UTF_8);
                if (!k.startsWith(prefix)) break;
                each.accept(k, Json.parse(it.value()));
            }
        }
    }

    @Override
    public void close() {
        db.close();
        options.close();
        write.close();
    }
}
