package org.cpc.compute.infer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's scratch for {@link InferenceExecutor}: the GEMM's int32 products (native, so that oneDNN writes them
 * in place rather than into a buffer that is then copied to the heap), a Conv block's patches and their sums. Kept
 * per thread across layers, tiles and batches, so that a batch neither allocates them anew nor has the JVM zero
 * them; the executor's pool threads keep theirs while they live. Grown on demand: the executor's tile bounds what
 * one call asks for (a single sample's layer at least), so the model limits bound it.
 */
final class Workspace {
    private static final ThreadLocal<Workspace> OWN = ThreadLocal.withInitial(Workspace::new);

    private MemorySegment products = MemorySegment.NULL;
    private byte[] patches = new byte[0];
    private int[] sums = new int[0];

    private Workspace() {}

    /** The calling thread's workspace. */
    static Workspace own() {
        return OWN.get();
    }

    /** Native room for {@code ints} int32 values, 64-byte aligned; its contents are whatever was left there. */
    MemorySegment products(long ints) {
        if (products.byteSize() < 4 * ints) {
            products = Arena.ofAuto().allocate(Math.max(4 * ints, 2 * products.byteSize()), 64);
        }
        return products.asSlice(0, 4 * ints);
    }

    /** At least {@code bytes} bytes, contents undefined. */
    byte[] patches(int bytes) {
        if (patches.length < bytes) patches = new byte[grown(bytes, patches.length)];
        return patches;
    }

    /** At least {@code n} ints, contents undefined. */
    int[] sums(int n) {
        if (sums.length < n) sums = new int[grown(n, sums.length)];
        return sums;
    }

    /** Doubling, so that a slowly growing need does not allocate each time, within an array's largest length. */
    private static int grown(int needed, int had) {
        return (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8, 2L * had));
    }
}
