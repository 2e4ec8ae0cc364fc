package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.chain.MarketKit.*;
import static org.cpc.chain.TestKit.*;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cpc.chain.market.MarketTask;
import org.cpc.chain.query.AddressTx;
import org.cpc.chain.query.AddressTxPage;
import org.cpc.chain.query.ChainQuery;
import org.cpc.chain.query.TaskPage;
import org.cpc.chain.query.TxPosition;
import org.cpc.chain.store.ExplorerIndex;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.TaskStatus;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readers' indexes kept with each block: an address's transactions ({@code address_txs}) and the market tasks
 * in creation order ({@code tasks_created}). The kill -9 case is in {@link CrashRecoveryTest}, which checks
 * {@link #assertIndexMatchesBlocks} after killing a producing chain.
 */
class ExplorerIndexTest {
    @TempDir
    Path dir;

    final Clock clock = new Clock(GENESIS_MS + 100_000_000L);
    final PrivateKey vkey = validatorKey().getPrivate();

    LocalChain open() {
        return LocalChain.open(dir, MarketKit.genesis(), options(clock));
    }

    /** Blocks of transfers among accounts 0..3, a few per block, so one address has several in one block. */
    void transfers(LocalChain c, int blocks) throws Exception {
        long[] nonce = new long[4];
        for (int i = 0; i < 4; i++) nonce[i] = c.nextNonce(addr(i));
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < 1 + b % 4; k++) {
                int from = (b + k) % 4;
                int to = (b + 2 * k + 1) % 4;
                LocalChainTest.accepted(c.submit(transfer(PARAMS, priv(from), addr(to), BigInteger.valueOf(1 + k),
                        nonce[from]++, 1000)));
            }
            produce(c, vkey);
        }
    }

    @Test
    void pagesWalkAnAddressNewestFirstWithoutGapsOrRepeatsAndSurviveAReopen() throws Exception {
        try (LocalChain c = open()) {
            transfers(c, 12);
            for (int i = 0; i < 4; i++) {
                List<TxPosition> want = expected(c, addr(i));
                assertThat(want).hasSizeGreaterThan(5);
                for (int pageSize : new int[] {1, 2, 3, 7, 100}) assertThat(listed(c, addr(i), pageSize)).isEqualTo(want);
            }
            // a cursor in the middle of a block: the rest of that block, then older blocks
            List<TxPosition> all = expected(c, addr(0));
            AddressTxPage p = c.addressTransactions(addr(0), all.get(2), 2);
            assertThat(p.txs()).extracting(AddressTx::position).containsExactly(all.get(3), all.get(4));
            AddressTx first = c.addressTransactions(addr(0), null, 1).txs().getFirst();
            Block b = c.block(first.position().height()).orElseThrow();
            assertThat(first.tx()).isEqualTo(b.transactions().get(first.position().index()));
            assertThat(first.txHash()).isEqualTo(first.tx().hashHex());
            assertThat(first.blockTimestamp()).isEqualTo(b.header().timestamp());
            assertThat(first.gasUsed()).isEqualTo(c.transaction(first.txHash()).orElseThrow().gasUsed());
            // an address that never appears, and a cursor at the bottom
            assertThat(c.addressTransactions(addr(50), null, 10).txs()).isEmpty();
            assertThat(c.addressTransactions(addr(0), new TxPosition(0, 0), 10)).isEqualTo(new AddressTxPage(List.of(), null));
        }
        try (LocalChain c = open()) {
            for (int i = 0; i < 4; i++) assertIndexMatchesBlocks(c, addr(i));
        }
    }

    @Test
    void aResultSentByAPocValidatorIsListedUnderItsWorkerAndTasksListNewestFirst() throws Exception {
        try (LocalChain c = open()) {
            long deadline = blockS(1) + 300;
            for (int i = 1; i <= 5; i++) {
                LocalChainTest.accepted(c.submit(create(priv(0), taskId(i), Amounts.cpc(1), deadline, 2, i - 1)));
                if (i % 2 == 0) produce(c, vkey); // two tasks in some blocks: order by index within the block
            }
            produce(c, vkey);
            byte[] worker = priv(70);
            Transaction r = jobResult(priv(POC), worker, taskId(2), 0, null, c.nextNonce(addr(POC)));
            LocalChainTest.accepted(c.submit(r));
            LocalChainTest.accepted(c.submit(cancel(priv(0), taskId(4), 5)));
            produce(c, vkey);

            AddressTx listed = c.addressTransactions(addr(70), null, 10).txs().getFirst();
            assertThat(listed.txHash()).isEqualTo(r.hashHex());
            assertThat(c.addressTransactions(addr(POC), null, 10).txs()).extracting(AddressTx::txHash).contains(r.hashHex());
            assertThat(expected(c, addr(70))).hasSize(1);

            assertThat(ids(c.tasks(null, 0, 10))).containsExactly(taskId(5), taskId(4), taskId(3), taskId(2), taskId(1));
            TaskPage page = c.tasks(null, 1, 2);
            assertThat(ids(page)).containsExactly(taskId(4), taskId(3));
            assertThat(page.more()).isTrue();
            assertThat(c.tasks(null, 3, 2).more()).isFalse();
            assertThat(ids(c.tasks(TaskStatus.IN_PROGRESS, 0, 10))).containsExactly(taskId(2));
            assertThat(ids(c.tasks(TaskStatus.CANCELLED, 0, 10))).containsExactly(taskId(4));
            assertThat(ids(c.tasks(TaskStatus.PENDING, 1, 10))).containsExactly(taskId(3), taskId(1));
            assertThat(c.openTaskCount()).isEqualTo(4);
        }
    }

    @Test
    void aStoreMadeBeforeTheIndexGetsItFromItsBlocksWhenOpened() throws Exception {
        try (LocalChain c = open()) {
            transfers(c, 6);
            LocalChainTest.accepted(c.submit(create(priv(0), taskId(1), Amounts.cpc(1), blockS(1) + 300, 2,
                    c.nextNonce(addr(0)))));
            produce(c, vkey);
        }
        forgetExplorerIndex(dir);
        try (LocalChain c = open()) {
            for (int i = 0; i < 4; i++) assertIndexMatchesBlocks(c, addr(i));
            assertThat(ids(c.tasks(null, 0, 10))).containsExactly(taskId(1));
        }
    }

    /** What an older store looks like: no index column families, no marker. */
    private static void forgetExplorerIndex(Path dir) throws Exception {
        RawStore.with(dir, (db, handles) -> {
            db.dropColumnFamily(RawStore.handle(handles, "address_txs"));
            db.dropColumnFamily(RawStore.handle(handles, "tasks_created"));
            db.delete(handles.getFirst(), RawStore.utf8("explorer_index_v1"));
        });
    }

    /**
     * The indexes on disk, read with plain RocksDB (a data directory of an earlier cpc must read the same):
     * {@code address_txs} uint8 length ‖ UTF-8(address) ‖ uint64_be height ‖ uint32_be index → tx hash ‖ uint64_be
     * gas used, under the sender and the recipient; {@code tasks_created} uint64_be height ‖ uint32_be index →
     * UTF-8(task_id).
     */
    @Test
    void theIndexesKeepTheirLayoutOnDisk() throws Exception {
        Map<String, String> wantAddress = new HashMap<>();
        Map<String, String> wantTasks = new LinkedHashMap<>();
        try (LocalChain c = open()) {
            transfers(c, 3);
            for (int i = 1; i <= 2; i++) {
                LocalChainTest.accepted(c.submit(create(priv(0), taskId(i), Amounts.cpc(1), blockS(1) + 300, 2,
                        c.nextNonce(addr(0)))));
            }
            produce(c, vkey);
            for (long h = 0; h <= c.head().header().height(); h++) {
                List<Transaction> txs = c.block(h).orElseThrow().transactions();
                for (int i = 0; i < txs.size(); i++) {
                    Transaction tx = txs.get(i);
                    byte[] place = ByteBuffer.allocate(12).putLong(h).putInt(i).array();
                    String value = RawStore.hex(tx.hash(),
                            RawStore.be64(c.transaction(tx.hashHex()).orElseThrow().gasUsed()));
                    for (String a : new String[] {tx.fromAddress(), tx.toAddress()}) {
                        if (a == null) continue;
                        byte[] address = RawStore.utf8(a);
                        wantAddress.put(RawStore.hex(new byte[] {(byte) address.length}, address, place), value);
                    }
                    if (tx.txType() == TxType.CREATE_TASK) {
                        wantTasks.put(RawStore.hex(place), RawStore.hex(RawStore.utf8(tx.payload().path("task_id").asText())));
                    }
                }
            }
        }
        assertThat(wantTasks).hasSize(2);
        assertThat(RawStore.read(dir, "address_txs")).isEqualTo(wantAddress);
        assertThat(RawStore.read(dir, "tasks_created")).containsExactlyEntriesOf(wantTasks);
    }

    private static List<String> ids(TaskPage p) {
        return p.tasks().stream().map(MarketTask::taskId).toList();
    }

    /** The index, read page by page, is exactly what the committed blocks say about {@code address}. */
    static void assertIndexMatchesBlocks(ChainQuery c, String address) {
        assertThat(listed(c, address, 50)).as("address index of %s", address).isEqualTo(expected(c, address));
    }

    /** Every committed transaction naming {@code address}, newest first, from the blocks themselves (those kept). */
    static List<TxPosition> expected(ChainQuery c, String address) {
        List<TxPosition> out = new ArrayList<>();
        for (long h = c.head().header().height(); h >= 0; h--) {
            if (c.pruned(h)) continue;
            List<Transaction> txs = c.block(h).orElseThrow().transactions();
            for (int i = txs.size() - 1; i >= 0; i--) {
                if (ExplorerIndex.addressesOf(txs.get(i)).contains(address)) out.add(new TxPosition(h, i));
            }
        }
        return out;
    }

    /** Every page of {@code addressTransactions}, following each page's cursor. */
    static List<TxPosition> listed(ChainQuery c, String address, int pageSize) {
        List<TxPosition> out = new ArrayList<>();
        TxPosition before = null;
        do {
            AddressTxPage p = c.addressTransactions(address, before, pageSize);
            assertThat(p.txs()).hasSizeLessThanOrEqualTo(pageSize);
            p.txs().forEach(t -> out.add(t.position()));
            before = p.next();
        } while (before != null);
        return out;
    }
}
