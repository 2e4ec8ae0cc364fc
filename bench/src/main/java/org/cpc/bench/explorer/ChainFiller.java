package org.cpc.bench.explorer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import org.cpc.chain.Admission;
import org.cpc.chain.BlockSigner;
import org.cpc.chain.Genesis;
import org.cpc.chain.InvalidBlockException;
import org.cpc.chain.LocalChain;
import org.cpc.client.TxBuilder;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.CommitSignature;
import org.cpc.consensus.FileSignStateStore;
import org.cpc.consensus.SignBytes;
import org.cpc.consensus.SignState;
import org.cpc.consensus.VoteType;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.node.consensus.TendermintConsensus;
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
 * validator, commit) with simulated timestamps one block interval apart, ending just before the fill began, so that
 * {@code NodeRunner} then starts on it and goes on producing live blocks. No consensus round trips and no waiting:
 * what takes seconds per block on a live devnet takes milliseconds here.
 *
 * <p>Where it goes fast: the data dir is built on tmpfs ({@code /dev/shm}, when there is one with room) and copied
 * to {@code root} once done, since the store syncs every block to disk (a node's durability, which a bulk fill
 * does not need and which was half of its time on a busy disk); the copy is the same bytes, the node then opens it
 * from {@code root}. The proposer's signature and the commit certificate's precommit are signed in parallel (both
 * sign the header hash, which the signature is not part of). The rest is the chain's own propose and commit. The
 * validator's sign state is left at the last height, as a validator that signed these blocks would have it.
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
                         double seconds) {
        /** Records what was filled in the data dir, so that a later run measures the same chain again. */
        void save() {
            ObjectNode o = Json.object();
            o.put("height", height).put("busy_address", busyAddress).put("sample_tx", sampleTx)
                    .put("seconds", seconds);
            taskIds.forEach(o.putArray("task_ids")::add);
            try {
                Files.write(dir.root().resolve(RECORD), Json.MAPPER.writeValueAsBytes(o));
            } catch (IOException e) {
                throw new UncheckedIOException("writing " + dir.root().resolve(RECORD) + " failed", e);
            }
        }
    }

    /** The file in a filled data dir that says what was filled ({@link Filled#save}). */
    static final String RECORD = "explorer-bench.json";

    private ChainFiller() {}

    /** The chain filled at {@code root} by an earlier run, if there is one (the node may have grown it since). */
    public static Optional<Filled> filledAt(Path root) {
        Path record = root.resolve(RECORD);
        if (!Files.isRegularFile(record)) return Optional.empty();
        try {
            JsonNode o = Json.parse(Files.readAllBytes(record));
            List<String> tasks = new ArrayList<>();
            o.get("task_ids").forEach(t -> tasks.add(t.asText()));
            return Optional.of(new Filled(new DataDir(root), o.get("height").asLong(), o.get("busy_address").asText(),
                    o.get("sample_tx").asText(), List.copyOf(tasks), o.get("seconds").asDouble()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(record + " is not a filler's record (" + e.getMessage()
                    + "); delete " + root + " to fill it again", e);
        }
    }

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
        Path scratch = Scratch.dirFor(root);
        ExecutorService signer = Executors.newSingleThreadExecutor(r -> new Thread(r, "filler-precommit"));
        try {
            Filled f = fill(scratch == null ? root : scratch, blocks, taskEvery, progress, signer);
            if (scratch != null) {
                Scratch.copyTo(scratch, root);
                f = new Filled(new DataDir(root), f.height(), f.busyAddress(), f.sampleTx(), f.taskIds(),
                        (System.nanoTime() - t0) / 1e9);
            }
            f.save();
            return f;
        } finally {
            signer.shutdownNow();
            if (scratch != null) Scratch.delete(scratch);
        }
    }

    private static Filled fill(Path root, int blocks, int taskEvery, LongConsumer progress, ExecutorService signer) {
        long t0 = System.nanoTime();
        // the last block is a few intervals before the fill started: never in the future when the node starts on it
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
        Precommit last = null;
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
                Block unsigned = chain.propose(validator.address(), 0, clock[0]);
                Future<Precommit> commit = signer.submit(() -> Precommit.of(params.chainId(), validator, unsigned));
                chain.commit(BlockSigner.sign(unsigned, validator.privateKey()), commit.get().certificate().toJson());
                last = commit.get();
                if (progress != null && h % 10_000 == 0) progress.accept(h);
            }
            // What a validator that signed these blocks remembers: without it the node's double-sign check sees
            // the key's precommits on chain above its sign state, and follows instead of producing blocks.
            Files.createDirectories(dir.consensus());
            FileSignStateStore signState = new FileSignStateStore(
                    dir.consensus().resolve(TendermintConsensus.SIGN_STATE_FILE), w -> {});
            signState.load(); // none yet: a new data dir
            signState.save(new SignState(chain.head().header().height(), List.of(last.signed())));
            return new Filled(dir, chain.head().header().height(), faucet.address(), sample, List.copyOf(taskIds),
                    (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the validator's sign state failed", e);
        } catch (InvalidBlockException e) {
            throw new IllegalStateException("a block this filler made was refused: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("signing a precommit failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while filling the chain", e);
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

    /** The validator's own precommit of a block, which alone is more than 2/3 of a one-validator devnet's power. */
    private record Precommit(CommitCertificate certificate, SignState.Signed signed) {
        static Precommit of(String chainId, ValidatorKey v, Block b) {
            byte[] vote = SignBytes.vote(chainId, VoteType.PRECOMMIT, b.header().height(), 0, b.hashHex(), v.address());
            String sig = Hex.encode(v.sign(vote));
            return new Precommit(new CommitCertificate(b.header().height(), 0, b.hashHex(),
                    List.of(new CommitSignature(v.address(), sig))),
                    new SignState.Signed(0, SignState.Kind.PRECOMMIT, Hex.encode(Sha256.hash(vote)), sig));
        }
    }
}
