package org.cpc.chain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cpc.protocol.codec.Hex;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * A closed chain's data directory opened with plain RocksDB, not through the store: for tests that check the bytes
 * on disk (a directory written by an earlier cpc of the same store format must read the same) or that make a store
 * look like one written before an index existed.
 */
final class RawStore {
    private RawStore() {}

    interface Action {
        void run(RocksDB db, List<ColumnFamilyHandle> handles) throws Exception;
    }

    /** Opens every column family of {@code dir} (the first is {@code default}, the store's {@code meta}). */
    static void with(Path dir, Action action) throws Exception {
        List<ColumnFamilyDescriptor> descs = new ArrayList<>();
        try (Options o = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(o, dir.toString())) descs.add(new ColumnFamilyDescriptor(name));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions o = new DBOptions(); RocksDB db = RocksDB.open(o, dir.toString(), descs, handles)) {
            try {
                action.run(db, handles);
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
        }
    }

    static ColumnFamilyHandle handle(List<ColumnFamilyHandle> handles, String family) throws Exception {
        for (ColumnFamilyHandle h : handles) if (new String(h.getName(), StandardCharsets.UTF_8).equals(family)) return h;
        throw new AssertionError("no column family " + family);
    }

    /** Every entry of a column family, in key order, as hex key → hex value. */
    static Map<String, String> read(Path dir, String family) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        with(dir, (db, handles) -> {
            try (RocksIterator it = db.newIterator(handle(handles, family))) {
                for (it.seekToFirst(); it.isValid(); it.next()) out.put(Hex.encode(it.key()), Hex.encode(it.value()));
            }
        });
        return out;
    }

    /** The hex of the parts laid end to end. */
    static String hex(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return Hex.encode(out.toByteArray());
    }

    static byte[] be64(long v) {
        return java.nio.ByteBuffer.allocate(8).putLong(v).array();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
