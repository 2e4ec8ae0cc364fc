package org.cpc.node;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.InstantSource;
import org.cpc.chain.Chain;
import org.cpc.chain.LocalChain;
import org.cpc.protocol.types.Block;

/**
 * A validator node in a child JVM that dies abruptly ({@code Runtime.halt}, no shutdown hooks, like kill -9) at the
 * moment the chain is asked to commit its {@code args[1]}-th block: after the block was decided — the proposal,
 * prevote and precommit of that height signed and recorded — but before anything of it is committed.
 */
public final class NodeCrashChild {
    private NodeCrashChild() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int haltAt = Integer.parseInt(args[1]);
        int[] commits = {0};
        ChainOpener opener = (db, genesis) -> {
            Chain real = LocalChain.open(db, genesis, LocalChain.Options.defaults());
            return (Chain) Proxy.newProxyInstance(Chain.class.getClassLoader(), new Class<?>[] {Chain.class},
                    (proxy, m, a) -> {
                        if (m.getName().equals("commit") && a.length == 2 && ++commits[0] == haltAt) {
                            System.out.println("halting before commit of height " + ((Block) a[0]).header().height());
                            System.out.flush();
                            Runtime.getRuntime().halt(137);
                        }
                        try {
                            return m.invoke(real, a);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        };
        NodeRunner.start(new DataDir(dir), 0, null, opener, NodeRunner.TCP, InstantSource.system(), () -> {
            throw new IllegalStateException("a devnet node must not ask for a password");
        });
    }
}
