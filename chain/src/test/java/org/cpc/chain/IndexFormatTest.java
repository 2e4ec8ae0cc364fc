package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.chain.MarketKit.*;
import static org.cpc.chain.TestKit.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cpc.chain.exec.DeadlineIndex;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * The bytes the store's indexes keep on disk ({@code task_deadlines}, {@code address_txs}, {@code tasks_created}),
 * read with plain RocksDB rather than through the store: a data directory written by an earlier cpc of the same
 * store format must read the same, so these layouts may not drift. Also: a store without the deadline index (or
 * its marker) gets it rebuilt from the state when opened.
 */
class IndexFormatTest {
    @TempDir
    Path dir;

    final Clock clock = new Clock(GENESIS_MS + 100_000_000L);
    final PrivateKey vkey = validatorKey().getPrivate();

    LocalChain open() {
        return LocalChain.open(dir, MarketKit.genesis(), options(clock));
    }

    /** Three tasks (two in one block, deadlines out of creation order), one then cancelled. */
    void tasks(LocalChain c) throws Exception {
        long d = blockS(1) + 300;
        LocalChainTest.accepted(c.submit(create(priv(0), taskId(1), Amounts.cpc(1), d + 20, 2, 0)));
        LocalChainTest.accepted(c.submit(create(priv(0), taskId(2), Amounts.cpc(1), d, 2, 1)));
        produce(c, vkey);
        LocalChainTest.accepted(c.submit(create(priv(1), taskId(3), Amounts.cpc(1), d + 10, 2, 0)));
        LocalChainTest.accepted(c.submit(cancel(priv(0), taskId(1), 2)));
        produce(c, vkey);
    }

    @Test
    void deadlineKeysAreTheDeadlineThenTheTaskIdAndAMissingIndexIsRebuiltFromTheState() throws Exception {
        List<DeadlineIndex.Entry> before;
        try (LocalChain c = open()) {
            tasks(c);
            before = c.deadlineIndexEntries();
        }
        long d = blockS(1) + 300;
        assertThat(before).containsExactly(new DeadlineIndex.Entry(d, taskId(2)), new DeadlineIndex.Entry(d + 10, taskId(3)));
        Map<String, String> raw = read(dir, "task_deadlines");
        Map<String, String> want = new LinkedHashMap<>();
        for (DeadlineIndex.Entry e : before) {
            want.put(hex(ByteBuffer.allocate(8).putLong(e.deadline()).array(), utf8(e.taskId())), "");
        }
        assertThat(raw).containsExactlyEntriesOf(want);

        forget(dir, "task_deadlines", "task_deadlines_v1");
        assertThat(read(dir, "task_deadlines")).isEmpty();
        try (LocalChain c = open()) {
            assertThat(c.deadlineIndexEntries()).isEqualTo(before);
            assertThat(c.openTaskCount()).isEqualTo(2);
        }
        assertThat(read(dir, "task_deadlines")).containsExactlyEntriesOf(want);
    }

    @Test
    void explorerKeysAreTheAddressThenTheTransactionsPlace() throws Exception {
        Map<String, String> wantAddress = new LinkedHashMap<>();
        Map<String, String> wantTasks = new LinkedHashMap<>();
        try (LocalChain c = open()) {
            tasks(c);
            for (long h = 0; h <= c.head().header().height(); h++) {
                Block b = c.block(h).orElseThrow();
                for (int i = 0; i < b.transactions().size(); i++) {
                    Transaction tx = b.transactions().get(i);
                    byte[] place = ByteBuffer.allocate(12).putLong(h).putInt(i).array();
                    long gas = c.transaction(tx.hashHex()).orElseThrow().gasUsed();
                    String value = hex(tx.hash(), ByteBuffer.allocate(8).putLong(gas).array());
                    for (String a : new String[] {tx.fromAddress(), tx.toAddress()}) {
                        if (a == null) continue;
                        byte[] address = utf8(a);
                        wantAddress.put(hex(new byte[] {(byte) address.length}, address, place), value);
                    }
                    if (tx.txType() == TxType.CREATE_TASK) {
                        wantTasks.put(hex(place), hex(utf8(tx.payload().path("task_id").asText())));
                    }
                }
            }
        }
        assertThat(wantTasks).hasSize(3);
        // no SUBMIT_RESULT here: a transaction is listed under its sender and its recipient, if any
        assertThat(read(dir, "address_txs")).containsExactlyInAnyOrderEntriesOf(wantAddress);
        assertThat(read(dir, "tasks_created")).containsExactlyEntriesOf(wantTasks);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return Hex.encode(out.toByteArray());
    }

    /** Every entry of a column family, in key order, as hex. */
    private static Map<String, String> read(Path dir, String family) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        withDb(dir, (db, handles) -> {
            try (RocksIterator it = db.newIterator(handle(handles, family))) {
                for (it.seekToFirst(); it.isValid(); it.next()) out.put(Hex.encode(it.key()), Hex.encode(it.value()));
            }
        });
        return out;
    }

    /** What a store made before an index looks like: the column family empty, its marker absent. */
    private static void forget(Path dir, String family, String marker) throws Exception {
        withDb(dir, (db, handles) -> {
            ColumnFamilyHandle h = handle(handles, family);
            try (RocksIterator it = db.newIterator(h)) {
                for (it.seekToFirst(); it.isValid(); it.next()) db.delete(h, it.key());
            }
            db.delete(handles.getFirst(), utf8(marker));
        });
    }

    private static ColumnFamilyHandle handle(List<ColumnFamilyHandle> handles, String family) throws Exception {
        for (ColumnFamilyHandle h : handles) if (new String(h.getName(), StandardCharsets.UTF_8).equals(family)) return h;
        throw new AssertionError("no column family " + family);
    }

    private interface DbAction {
        void run(RocksDB db, List<ColumnFamilyHandle> handles) throws Exception;
    }

    private static void withDb(Path dir, DbAction action) throws Exception {
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
}
