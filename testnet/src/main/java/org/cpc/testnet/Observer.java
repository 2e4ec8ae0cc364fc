package org.cpc.testnet;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.cpc.client.NodeClient;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.CommitVerifier;
import org.cpc.consensus.InvalidCommitException;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.Validator;
import org.cpc.consensus.ValidatorSet;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * Polls every node that is up, as a client would: its head ({@code GET /status}) and every block it has not yet
 * shown ({@code GET /block/{h}}), whose commit certificate it verifies. All of it goes into the {@link History}.
 * REST does not pass the fault proxies, so a partitioned node is still observed.
 */
final class Observer implements AutoCloseable {
    private final Testnet net;
    private final History history;
    private final long pollMs;
    private final CommitVerifier verifier;
    private final ValidatorSet validators;
    /** Per node: the last head seen (-1: none yet) and the highest block fetched. */
    private final long[] heads;
    private final long[] fetched;
    /** One poller per node, so a node that hangs (SIGSTOP) delays only its own observations. */
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    Observer(Testnet net, History history, long pollMs) {
        this.net = net;
        this.history = history;
        this.pollMs = pollMs;
        this.verifier = new CommitVerifier(net.params().chainId(), MlDsaSignatures.VERIFIER);
        this.validators = validators(net.client(0));
        this.heads = new long[net.size()];
        this.fetched = new long[net.size()];
        java.util.Arrays.fill(heads, -1);
        for (int i = 0; i < net.size(); i++) {
            int node = i;
            threads.add(Thread.ofVirtual().name("chaos-observer-" + i).start(() -> loop(node)));
        }
    }

    /** The last head node {@code i} reported; -1 before its first answer. */
    synchronized long head(int i) {
        return heads[i];
    }

    synchronized long maxHead() {
        long max = -1;
        for (long h : heads) max = Math.max(max, h);
        return max;
    }

    synchronized List<Long> heads(List<Integer> nodes) {
        return nodes.stream().map(i -> heads[i]).toList();
    }

    /** Stops polling, then fetches every block every up node has that was not fetched yet. */
    void finish() throws InterruptedException {
        close();
        for (int i = 0; i < net.size(); i++) if (net.up(i)) poll(i);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) t.join();
    }

    private void loop(int node) {
        while (running) {
            if (net.up(node)) poll(node);
            try {
                Thread.sleep(pollMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Fetches node {@code i}'s head and the blocks up to it; one caller per node at a time. */
    private void poll(int i) {
        NodeClient c = net.client(i);
        try {
            long h = c.status().path("height").asLong();
            synchronized (this) {
                if (h != heads[i]) history.add(new History.HeightSeen(System.currentTimeMillis(), i, h));
                heads[i] = h;
            }
            for (long k = fetched[i] + 1; k <= h; k++) {
                history.add(block(i, k, NodeClient.require(c.get("/block/" + k))));
                fetched[i] = k;
            }
        } catch (NodeClient.NodeUnavailableException | IllegalStateException e) {
            // killed, starting or stopped since net.up() said otherwise: the next round asks again
        }
    }

    private History.BlockSeen block(int node, long height, JsonNode served) {
        Block b = Block.fromJson(served);
        String problem = null;
        try {
            JsonNode commit = served.path("commit");
            if (commit.isMissingNode() || commit.isNull()) {
                problem = "no commit certificate";
            } else {
                verifier.verify(validators, height, b.hashHex(), CommitCertificate.fromJson(commit, height, b.hashHex()));
            }
        } catch (InvalidCommitException | IllegalArgumentException e) {
            problem = e.getMessage();
        }
        List<History.TxRef> txs = new ArrayList<>();
        for (Transaction t : b.transactions()) {
            // A transfer is charged the gas it used (always its intrinsic gas) at its price, not its whole fee.
            BigInteger charge = t.txType() == TxType.TRANSFER
                    ? BigInteger.valueOf(GasSchedule.gas(t, net.params(), false)).multiply(BigInteger.valueOf(t.gasPrice()))
                    : null;
            txs.add(new History.TxRef(t.hashHex(), t.fromAddress(), t.toAddress(), t.nonce(), t.amount(), charge));
        }
        return new History.BlockSeen(System.currentTimeMillis(), node, height, b.hashHex(), b.header().timestamp(),
                txs, problem);
    }

    private static ValidatorSet validators(NodeClient c) {
        List<Validator> list = new ArrayList<>();
        for (JsonNode v : NodeClient.require(c.get("/validators")).path("validators")) {
            list.add(new Validator(v.path("address").asText(), v.path("public_key").asText(), v.path("power").asLong()));
        }
        return new ValidatorSet(list);
    }
}
