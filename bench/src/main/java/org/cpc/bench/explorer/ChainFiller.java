package org.cpc.bench.explorer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.cpc.chain.Admission;
import org.cpc.chain.BlockSigner;
import org.cpc.chain.Genesis;
import org.cpc.chain.InvalidBlockException;
import org.cpc.chain.LocalChain;
import org.cpc.client.TxBuilder;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.CommitSignature;
import org.cpc.consensus.SignBytes;
import org.cpc.consensus.VoteType;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;

/**
 * Builds a long devnet chain fast, for the explorer's load benchmark: a real data dir ({@code cpc node init}), then
 * blocks produced directly on its RocksDB chain (propose, ML-DSA sign, a real commit certificate signed by the
 * validator, synced commit) with simulated timestamps one block interval apart, ending just before now, so that
 * {@code NodeRunner} then starts on it and goes on producing live blocks. No consensus round trips and no waiting:
 * what takes seconds per block on a live devnet takes milliseconds here.
 *
 * <p>Every block carries one transfer from the faucet account (so one address has a history as long as the chain)
 * to one of {@link #RECIPIENTS} accounts; every {@code taskEvery}th block also carries a market task
 * (synthetic, never computed: it ends failed at its deadline, as an abandoned task would).
 */
public final class ChainFiller {
    /** Accounts the faucet's transfers go to, in turn. */
    public static final int RECIPIENTS = 16;
    /** One CREATE_TASK every this many blocks, unless told otherwise. */
    public static final int TASK_EVERY = 100;
    /** The devnet's block interval; the filled blocks are this far apart. */
    public static final long BLOCK_MS = 1000;

    /**
     * A filled data dir.
     *
     * @param busyAddress the faucet: a transaction in every block
     * @param sampleTx    the hash of a transfer in the middle of the chain
     */
    public record Filled(DataDir dir, long height, String busyAddress, String sampleTx, List<String> taskIds,
                         double seconds) {}

    private ChainFiller() {}

    /**
     * Initialises a devnet data dir at {@code root} and commits {@code blocks} blocks on it, a market task in every
     * {@code taskEvery}th.
     *
     * @param progress told the height every 10,000 blocks (may be null)
     */
    public static Filled fill(Path root, int blocks, int taskEvery, LongConsumer progress) {
        if (blocks < 1 || taskEvery < 1) {
            throw new IllegalArgumentException("blocks and taskEvery must be at least 1, not " + blocks + " and " + taskEvery);
        }
        long t0 = System.nanoTime();
        long genesisMs = System.currentTimeMillis() - (blocks + 5L) * BLOCK_MS;
        NetworkParams params = NetworkParams.devnet().withBlockTime(BLOCK_MS);
        NodeInit.Result init = NodeInit.init(root, params, null, NodeInit.DEFAULT_VALIDATOR_KEY, 0, null, genesisMs);
        DataDir dir = init.dataDir();
        char[] pw = NodeInit.DEVNET_KEY_PASSWORD.toCharArray();
        Keyring keys = new Keyring(dir.keys());
        ValidatorKey validator = keys.unlockValidator(NodeInit.DEFAULT_VALIDATOR_KEY, pw);
        AccountKey faucet = keys.unlockSecp256k1(NodeInit.FAUCET_KEY, pw);
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            recipients.add(AccountKey.of(Sha256.hash(("explorer-bench-" + i).getBytes(StandardCharsets.UTF_8)))
                    .address());
        }
        Genesis genesis = init.genesis();
        long[] clock = {genesisMs};
        List<String> taskIds = new ArrayList<>();
        String sample = null;
        try (LocalChain chain = LocalChain.open(dir.db(), genesis,
                LocalChain.Options.defaults().withClock(() -> clock[0]))) {
            long nonce = chain.nextNonce(faucet.address());
            long start = chain.head().header().height();
            for (long h = start + 1; h <= start + blocks; h++) {
                clock[0] = genesisMs + h * BLOCK_MS;
                TxBuilder tx = TxBuilder.of(params, faucet).timestamp(clock[0] / 1000);
                Transaction transfer = tx.nonce(nonce++).transfer(recipients.get((int) (h % RECIPIENTS)),
                        BigInteger.valueOf(1_000_000_000L + h));
                submit(chain, transfer);
                if (h == start + blocks / 2) sample = transfer.hashHex();
                if (h % taskEvery == 0) {
                    String id = UUID.nameUUIDFromBytes(("explorer-bench-task-" + h).getBytes(StandardCharsets.UTF_8)).toString();
                    submit(chain, tx.nonce(nonce++).createTask(task(id, clock[0] / 1000 + 600)));
                    taskIds.add(id);
                }
                Block signed = BlockSigner.sign(chain.propose(validator.address(), 0, clock[0]), validator.privateKey());
                chain.commit(signed, certificate(params.chainId(), validator, signed).toJson());
                if (progress != null && h % 10_000 == 0) progress.accept(h);
            }
            return new Filled(dir, chain.head().header().height(), faucet.address(), sample, List.copyOf(taskIds),
                    (System.nanoTime() - t0) / 1e9);
        } catch (InvalidBlockException e) {
            throw new IllegalStateException("a block this filler made was refused: " + e.getMessage(), e);
        }
    }

    private static void submit(LocalChain chain, Transaction tx) {
        if (chain.submit(tx) instanceof Admission.Rejected r) {
            throw new IllegalStateException("the chain refused the filler's transaction: " + r.reason());
        }
    }

    private static ComputeTask task(String id, long deadline) {
        ObjectNode t = Json.object();
        t.put("task_id", id);
        t.put("challenge_type", "synthetic");
        t.set("payload", Json.object().put("seed", "cd".repeat(32)).put("matrix_size", 16).put("iterations", 3));
        t.put("reward", "2000000000000000000");
        t.put("deadline", deadline);
        return ComputeTask.fromJson(t);
    }

    /** The validator's own precommit, which alone is more than 2/3 of a one-validator devnet's power. */
    private static CommitCertificate certificate(String chainId, ValidatorKey v, Block b) {
        byte[] vote = SignBytes.vote(chainId, VoteType.PRECOMMIT, b.header().height(), 0, b.hashHex(), v.address());
        return new CommitCertificate(b.header().height(), 0, b.hashHex(),
                List.of(new CommitSignature(v.address(), Hex.encode(v.sign(vote)))));
    }
}
