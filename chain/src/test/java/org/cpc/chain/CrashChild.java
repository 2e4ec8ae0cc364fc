package org.cpc.chain;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.SplittableRandom;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.types.Block;

/**
 * The process {@link CrashRecoveryTest} kills: opens the chain in args[0] with the genesis file args[1] and the
 * validator key args[2] (and the pruning args[3], archive when absent), then submits transfers and produces blocks as fast as it can, printing each committed
 * height (and, when pruning, the lowest block kept), until it is killed.
 */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Genesis g = GenesisFile.read(Path.of(args[1]));
        PrivateKey key = MlDsa.decodePrivateKey(Files.readAllBytes(Path.of(args[2])));
        int accounts = g.alloc().size();
        SplittableRandom rnd = new SplittableRandom(System.nanoTime());
        Pruning pruning = args.length > 3 ? Pruning.parse(args[3]) : Pruning.ARCHIVE;
        try (LocalChain c = LocalChain.open(dir, g, LocalChain.Options.defaults().withPruning(pruning))) {
            System.out.println("opened " + c.head().header().height());
            System.out.flush();
            while (true) {
                for (int k = 0; k < 40; k++) {
                    int i = rnd.nextInt(accounts);
                    int j = rnd.nextInt(accounts);
                    String from = TestKit.addr(i);
                    c.submit(TestKit.transfer(g.params(), TestKit.priv(i), TestKit.addr(j),
                            BigInteger.valueOf(1 + rnd.nextInt(1000)), c.nextNonce(from), 1000 + rnd.nextInt(50)));
                }
                Block head = c.head();
                long ts = Math.max(System.currentTimeMillis(), head.header().timestamp() + 1);
                String validator = c.validators().get(0).address();
                Block b = BlockSigner.sign(c.propose(validator, 0, ts), key);
                c.commit(b, BlockSigner.soleCommit(b, g.params().chainId(), key, validator));
                System.out.println("committed " + b.header().height() + " " + b.transactions().size());
                if (!pruning.archive()) System.out.println("earliest " + c.earliestBlock());
                System.out.flush();
            }
        }
    }
}
