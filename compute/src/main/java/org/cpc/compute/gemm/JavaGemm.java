package org.cpc.compute.gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.cpc.compute.Futures;

/**
 * Pure-Java int8 GEMM on the Vector API, for machines without oneDNN.
 *
 * <p>The Vector API has no int16 pairwise multiply-add (x86 {@code vpmaddwd}), and widening every product to int32
 * costs more than the multiply. So both operands are shifted to unsigned (x + 128, 0..255) and two k-steps are
 * packed into the two 16-bit halves of each int32 lane. One 16-bit multiply then yields two products, each exact
 * as an unsigned 16-bit value (at most 255² = 65025). Per lane the kernel keeps Σx (the raw 32-bit words, wrapping)
 * and Σ(x >>> 16) (the high products); since x = 65536·hi + lo exactly, Σ(hi + lo) = Σx − 65535·Σhi mod 2³². The
 * offsets come back out at the end: A·B = A'·B' − 128·rowsum(A) − 128·colsum(B) − 16384·k, all mod 2³², which is
 * exact because the true result fits in int32. Four vector ops per 2·lanes multiply-adds, no overflow case.
 *
 * <p>Blocking follows GotoBLAS: B is packed once into panels of {@link #W} columns, A into blocks of {@link #MC}
 * rows × {@link #KC} k-pairs per thread; an MR×W register tile accumulates over a k-block. Threads split the rows.
 */
public final class JavaGemm implements GemmBackend {
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int L = IS.length();
    /** Bytes that widen to one int vector. */
    private static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    /** Columns of a B panel and of the register tile: two int vectors. */
    private static final int W = 2 * L;
    /** Rows of the register tile. */
    private static final int MR = 2;
    /** k-pairs per block: a W-column B panel block (KC·W·4 bytes) stays in L1. */
    private static final int KC = 128;
    /** Rows per packed A block, which stays in L2. */
    private static final int MC = 192;
    /** Scratch larger than this is allocated per call rather than kept per thread. */
    private static final long MAX_CACHED_INTS = 4L << 20;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** Never started: only asked whether a segment may be touched by a thread other than its owner. */
    private static final Thread OTHER_THREAD = Thread.ofVirtual().unstarted(() -> {});
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final int threads;
    private volatile ForkJoinPool pool;

    public JavaGemm(int threads) {
        this.threads = GemmBackend.checkThreads(threads);
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public String description() {
        return "pure Java Vector API (" + IS.vectorBitSize() + "-bit), " + threads + (threads == 1 ? " thread" : " threads");
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public GemmBackend withThreads(int threads) {
        return threads == this.threads ? this : new JavaGemm(threads);
    }

    @Override
    public void gemm(MemorySegment a, MemorySegment b, MemorySegment c, int m, int k, int n) {
        GemmBackend.checkShape(a, b, c, m, k, n);
        int kp = (k + 1) / 2;
        int panels = (n + W - 1) / W;
        long packedB = (long) panels * kp * W;
        if (packedB > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("k=" + k + " n=" + n + " is too large for the pure-Java GEMM");
        }
        Scratch own = SCRATCH.get();
        int[] bp = packedB <= MAX_CACHED_INTS ? own.packedB((int) packedB) : new int[(int) packedB];
        int[] colSum = own.colSum(n);
        packB(b, k, n, kp, bp, colSum);

        int blocks = (m + MR - 1) / MR;
        int parts = Math.min(threads, blocks);
        if (parts == 1) {
            rows(a, c, 0, m, k, n, bp, colSum);
            return;
        }
        checkShared(a, "A");
        checkShared(b, "B");
        checkShared(c, "C");
        List<Future<?>> running = new ArrayList<>(parts - 1);
        ForkJoinPool workers = pool();
        for (int t = 1; t < parts; t++) {
            int r0 = Math.min(m, blocks * t / parts * MR);
            int r1 = Math.min(m, blocks * (t + 1) / parts * MR);
            running.add(workers.submit(() -> rows(a, c, r0, r1, k, n, bp, colSum)));
        }
        rows(a, c, 0, Math.min(m, blocks / parts * MR), k, n, bp, colSum);
        for (Future<?> f : running) Futures.await(f, "a GEMM thread");
    }

    private void checkShared(MemorySegment s, String what) {
        if (!s.isAccessibleBy(OTHER_THREAD)) {
            throw new IllegalArgumentException("the pure-Java GEMM with " + threads + " threads reads and writes the"
                    + " matrices from several threads, but " + what + " is confined to one; allocate it from"
                    + " Arena.ofShared() or Arena.global(), or use 1 thread");
        }
    }

    private ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) pool = new ForkJoinPool(threads - 1);
                p = pool;
            }
        }
        return p;
    }

    /**
     * B' = B + 128 packed as bp[panel][pair][W]: each int holds B'[2q][j] in its low half and B'[2q+1][j] in its
     * high half. Padding (odd k, columns past n) is 0, which adds nothing to A'·B'. Whole panels are packed with
     * vectors (the verifier packs all of B for only k rows of A, so this loop is a large part of its time).
     */
    private static void packB(MemorySegment b, int k, int n, int kp, int[] bp, int[] colSum) {
        java.util.Arrays.fill(colSum, 0, n, 0);
        int panels = (n + W - 1) / W;
        int pairs = k / 2;
        for (int p = 0; p < panels; p++) {
            int j0 = p * W;
            int width = Math.min(W, n - j0);
            int q = 0;
            if (width == W) {
                IntVector sum0 = IntVector.zero(IS);
                IntVector sum1 = IntVector.zero(IS);
                for (; q < pairs; q++) {
                    long row0 = (long) (2 * q) * n + j0;
                    int base = (p * kp + q) * W;
                    IntVector lo0 = widen(b, row0);
                    IntVector hi0 = widen(b, row0 + n);
                    IntVector lo1 = widen(b, row0 + L);
                    IntVector hi1 = widen(b, row0 + n + L);
                    sum0 = sum0.add(lo0).add(hi0);
                    sum1 = sum1.add(lo1).add(hi1);
                    lo0.add(128).or(hi0.add(128).lanewise(VectorOperators.LSHL, 16)).intoArray(bp, base);
                    lo1.add(128).or(hi1.add(128).lanewise(VectorOperators.LSHL, 16)).intoArray(bp, base + L);
                }
                sum0.intoArray(colSum, j0);
                sum1.intoArray(colSum, j0 + L);
            }
            for (; q < kp; q++) {
                int base = (p * kp + q) * W;
                long row0 = (long) (2 * q) * n + j0;
                boolean hasSecond = 2 * q + 1 < k;
                for (int j = 0; j < width; j++) {
                    int lo = b.get(ValueLayout.JAVA_BYTE, row0 + j);
                    int hi = hasSecond ? b.get(ValueLayout.JAVA_BYTE, row0 + n + j) : -128;
                    colSum[j0 + j] += lo + (hasSecond ? hi : 0);
                    bp[base + j] = (lo + 128) | ((hi + 128) << 16);
                }
                for (int j = width; j < W; j++) bp[base + j] = 0;
            }
        }
    }

    /** L signed bytes from {@code offset}, sign-extended to int lanes. */
    private static IntVector widen(MemorySegment b, long offset) {
        return (IntVector) ByteVector.fromMemorySegment(BS, b, offset, ORDER).convertShape(VectorOperators.B2I, IS, 0);
    }

    /** C rows [r0, r1). */
    private static void rows(MemorySegment a, MemorySegment c, int r0, int r1, int k, int n, int[] bp, int[] colSum) {
        if (r0 >= r1) return;
        int kp = (k + 1) / 2;
        int panels = (n + W - 1) / W;
        Scratch s = SCRATCH.get();
        int[] ap = s.packedA(MC * KC);
        int[] tile = s.tile();
        int[] rowSum = s.rowSum(MC);
        for (int i0 = r0; i0 < r1; i0 += MC) {
            int mc = Math.min(MC, r1 - i0);
            java.util.Arrays.fill(rowSum, 0);
            for (int q0 = 0; q0 < kp; q0 += KC) {
                int kc = Math.min(KC, kp - q0);
                boolean first = q0 == 0;
                boolean last = q0 + kc == kp;
                packA(a, i0, mc, k, q0, kc, ap, rowSum);
                for (int p = 0; p < panels; p++) {
                    int bOff = (p * kp + q0) * W;
                    for (int rb = 0; rb < mc; rb += MR) {
                        kernel(ap, rb * kc, bp, bOff, kc, tile);
                        store(tile, c, i0 + rb, Math.min(MR, mc - rb), p * W, Math.min(W, n - p * W), n, first,
                                last, rowSum, rb, colSum, k);
                    }
                }
            }
        }
    }

    /** A' = A + 128 rows [i0, i0+mc), pairs [q0, q0+kc), as ap[rowBlock][pair][MR]; padding is 0. */
    private static void packA(MemorySegment a, int i0, int mc, int k, int q0, int kc, int[] ap, int[] rowSum) {
        int blocks = (mc + MR - 1) / MR;
        for (int rb = 0; rb < blocks; rb++) {
            for (int r = 0; r < MR; r++) {
                int row = rb * MR + r;
                int base = rb * MR * kc + r;
                if (row >= mc) {
                    for (int q = 0; q < kc; q++) ap[base + q * MR] = 0;
                    continue;
                }
                long off = (long) (i0 + row) * k;
                int sum = 0;
                for (int q = 0; q < kc; q++) {
                    int col = 2 * (q0 + q);
                    int lo = a.get(ValueLayout.JAVA_BYTE, off + col);
                    int hi = col + 1 < k ? a.get(ValueLayout.JAVA_BYTE, off + col + 1) : -128;
                    sum += lo + (col + 1 < k ? hi : 0);
                    ap[base + q * MR] = (lo + 128) | ((hi + 128) << 16);
                }
                rowSum[row] += sum;
            }
        }
    }

    /**
     * tile[r·W + j] = Σ over the block of A'[r]·B'[j], mod 2³²; the MR×W register tile. Kept at 2×2 vectors: a
     * larger body exceeds C2's inlining budget, and every Vector API call left out of line boxes its vectors.
     */
    private static void kernel(int[] ap, int aOff, int[] bp, int bOff, int kc, int[] tile) {
        IntVector z = IntVector.zero(IS);
        IntVector x00 = z, x01 = z, x10 = z, x11 = z;
        IntVector h00 = z, h01 = z, h10 = z, h11 = z;
        for (int q = 0; q < kc; q++) {
            int bi = bOff + q * W;
            ShortVector b0 = IntVector.fromArray(IS, bp, bi).reinterpretAsShorts();
            ShortVector b1 = IntVector.fromArray(IS, bp, bi + L).reinterpretAsShorts();
            int ai = aOff + q * MR;
            ShortVector a0 = IntVector.broadcast(IS, ap[ai]).reinterpretAsShorts();
            IntVector p = a0.mul(b0).reinterpretAsInts();
            x00 = x00.add(p);
            h00 = h00.add(p.lanewise(VectorOperators.LSHR, 16));
            p = a0.mul(b1).reinterpretAsInts();
            x01 = x01.add(p);
            h01 = h01.add(p.lanewise(VectorOperators.LSHR, 16));
            ShortVector a1 = IntVector.broadcast(IS, ap[ai + 1]).reinterpretAsShorts();
            p = a1.mul(b0).reinterpretAsInts();
            x10 = x10.add(p);
            h10 = h10.add(p.lanewise(VectorOperators.LSHR, 16));
            p = a1.mul(b1).reinterpretAsInts();
            x11 = x11.add(p);
            h11 = h11.add(p.lanewise(VectorOperators.LSHR, 16));
        }
        sum(x00, h00).intoArray(tile, 0);
        sum(x01, h01).intoArray(tile, L);
        sum(x10, h10).intoArray(tile, W);
        sum(x11, h11).intoArray(tile, W + L);
    }

    /** Σ(hi + lo) = Σx − 65535·Σhi (mod 2³²). */
    private static IntVector sum(IntVector x, IntVector h) {
        return x.sub(h.lanewise(VectorOperators.LSHL, 16)).add(h);
    }

    /** Adds a tile into C; the first k-block overwrites, the last removes the +128 offsets. */
    private static void store(int[] tile, MemorySegment c, int row0, int rows, int col0, int cols, int n,
            boolean first, boolean last, int[] rowSum, int rb, int[] colSum, int k) {
        for (int r = 0; r < rows; r++) {
            long off = 4L * ((long) (row0 + r) * n + col0);
            int t = r * W;
            int rowFix = -128 * rowSum[rb + r] - 16384 * k;
            if (cols == W) {
                for (int v = 0; v < W; v += L) {
                    IntVector acc = IntVector.fromArray(IS, tile, t + v);
                    if (!first) acc = acc.add(IntVector.fromMemorySegment(IS, c, off + 4L * v, ORDER));
                    if (last) {
                        acc = acc.add(rowFix).sub(IntVector.fromArray(IS, colSum, col0 + v).lanewise(VectorOperators.LSHL, 7));
                    }
                    acc.intoMemorySegment(c, off + 4L * v, ORDER);
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    int acc = tile[t + j];
                    if (!first) acc += c.get(ValueLayout.JAVA_INT, off + 4L * j);
                    if (last) acc += rowFix - 128 * colSum[col0 + j];
                    c.set(ValueLayout.JAVA_INT, off + 4L * j, acc);
                }
            }
        }
    }

    /** Per-thread buffers, so that repeated calls (a verifier's) allocate nothing. */
    private static final class Scratch {
        private int[] packedB = new int[0];
        private int[] packedA = new int[0];
        private int[] colSum = new int[0];
        private int[] rowSum = new int[0];
        private final int[] tile = new int[MR * W];

        int[] packedB(int size) {
            if (packedB.length < size) packedB = new int[size];
            return packedB;
        }

        int[] packedA(int size) {
            if (packedA.length < size) packedA = new int[size];
            return packedA;
        }

        int[] colSum(int size) {
            // Panels are whole vectors wide, so the last one reads W-aligned sums past n.
            int padded = (size + W - 1) / W * W;
            if (colSum.length < padded) colSum = new int[padded];
            return colSum;
        }

        int[] rowSum(int size) {
            if (rowSum.length < size) rowSum = new int[size];
            return rowSum;
        }

        int[] tile() {
            return tile;
        }
    }
}
