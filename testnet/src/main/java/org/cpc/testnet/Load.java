package org.cpc.testnet;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Transaction;

/**
 * Transfers from a few load accounts, each on its own thread with one transaction in flight: it asks a node (the
 * next one that is up, in turn) for the account's next nonce, sends a transfer there and asks that node until it
 * says "included" — an acknowledged inclusion the checkers hold the chain to — or until {@code patienceMs}, when it
 * moves on to another node. A transaction accepted by a node that is then killed or cut off may never be
 * included; the next one reuses its nonce, and only one of the two can ever be in the chain.
 */
final class Load implements AutoCloseable {
    /** What each load transfer moves: the balances, not the amounts, are what the checkers look at. */
    static final BigInteger AMOUNT_WEI = BigInteger.valueOf(1_000);
    /** The faucet's gift to each load account before the faults start, decimal CPC. */
    static final String FUNDING_CPC = "100.0";

    private final Testnet net;
    private final History history;
    private final long pollMs;
    private final long patienceMs;
    private final List<AccountKey> accounts = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    Load(Testnet net, History history, int accounts, long pollMs, long patienceMs) {
        this.net = net;
        this.history = history;
        this.pollMs = pollMs;
        this.patienceMs = patienceMs;
        for (int a = 0; a < accounts; a++) this.accounts.add(AccountKey.of(Secp256k1.randomPrivateKey()));
    }

    List<String> addresses() {
        return accounts.stream().map(AccountKey::address).toList();
    }

    /** Asks node0's faucet to fund every account; true once node0 shows them all funded. */
    boolean fund(long deadlineNanos) throws InterruptedException {
        NodeClient faucet = net.client(0);
        for (AccountKey k : accounts) {
            NodeClient.require(faucet.post("/faucet",
                    org.cpc.protocol.codec.Json.object().put("address", k.address()).put("amount", FUNDING_CPC)));
        }
        while (System.nanoTime() < deadlineNanos) {
            boolean all = true;
            for (AccountKey k : accounts) {
                all &= new BigInteger(faucet.balance(k.address()).path("balance").asText()).signum() > 0;
            }
            if (all) return true;
            Thread.sleep(pollMs);
        }
        return false;
    }

    void start() {
        running = true;
        for (int a = 0; a < accounts.size(); a++) {
            int account = a;
            threads.add(Thread.ofVirtual().name("chaos-load-" + a).start(() -> run(account)));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) t.join();
    }

    private void run(int account) {
        AccountKey key = accounts.get(account);
        String to = AccountKey.of(Secp256k1.randomPrivateKey()).address();
        int turn = account;
        while (running) {
            int node = nextUp(turn++);
            NodeClient c = net.client(node);
            try {
                long nonce = c.balance(key.address()).path("nonce").asLong();
                Transaction tx = TxBuilder.of(net.params(), key).nonce(nonce)
                        .timestamp(System.currentTimeMillis() / 1000).transfer(to, AMOUNT_WEI);
                NodeClient.Reply r = c.sendTransaction(tx);
                history.add(new History.Sent(System.currentTimeMillis(), account, node, tx.hashHex(), nonce, r.ok(),
                        r.ok() ? null : r.error()));
                if (r.ok()) awaitInclusion(node, c, tx.hashHex());
                else Thread.sleep(pollMs);
            } catch (NodeClient.NodeUnavailableException | IllegalStateException e) {
                // the node went away between the check and the request: the next turn picks another
                sleep();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void awaitInclusion(int node, NodeClient c, String hash) throws InterruptedException {
        long deadline = System.nanoTime() + patienceMs * 1_000_000;
        while (running && System.nanoTime() < deadline && net.up(node)) {
            JsonNode t = NodeClient.require(c.get("/tx/" + hash));
            if ("included".equals(t.path("status").asText())) {
                history.add(new History.Included(System.currentTimeMillis(), node, hash, t.path("block_height").asLong()));
                return;
            }
            Thread.sleep(pollMs);
        }
    }

    private int nextUp(int turn) {
        for (int k = 0; k < net.size(); k++) {
            int i = (turn + k) % net.size();
            if (net.up(i)) return i;
        }
        return turn % net.size();
    }

    private void sleep() {
        try {
            Thread.sleep(pollMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
