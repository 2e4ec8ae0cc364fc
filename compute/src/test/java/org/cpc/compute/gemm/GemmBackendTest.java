package org.cpc.compute.gemm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GemmBackendTest {
    private static final int[][] SHAPES = {
        {1, 1, 1}, {3, 5, 7}, {4, 2, 32}, {17, 33, 65}, {100, 129, 31}, {5, 300, 47}, {64, 64, 64}, {33, 1, 70}
    };

    static Stream<GemmBackend> backends() {
        List<GemmBackend> all = new ArrayList<>(List.of(new JavaGemm(1), new JavaGemm(2), new JavaGemm(3)));
        if (OneDnnGemm.isAvailable()) {
            all.add(new OneDnnGemm(1));
            all.add(new OneDnnGemm(2));
            all.add(new OneDnnGemm(1, 0));
            all.add(new OneDnnGemm(2, 0));
            all.add(new OneDnnGemm(1, Long.MAX_VALUE));
            all.add(new OneDnnGemm(2, Long.MAX_VALUE));
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void matchesTheReferenceOnAwkwardShapes(GemmBackend backend) {
        SplittableRandom random = new SplittableRandom(42);
        for (int[] s : SHAPES) {
            byte[] a = randomBytes(random, s[0] * s[1]);
            byte[] b = randomBytes(random, s[1] * s[2]);
            assertThat(onHeap(backend, a, b, s[0], s[1], s[2]))
                    .as("%s %dx%dx%d", backend.name(), s[0], s[1], s[2])
                    .isEqualTo(ReferenceGemm.multiply(a, b, s[0], s[1], s[2]));
        }
    }

    /** -128·-128 summed is where int16 tricks overflow; 127 and mixed signs cover the other corners. */
    @ParameterizedTest
    @MethodSource("backends")
    void isExactAtExtremeValues(GemmBackend backend) {
        for (byte[] pair : new byte[][] {{-128, -128}, {127, 127}, {-128, 127}, {127, -128}}) {
            for (int[] s : new int[][] {{5, 301, 33}, {8, 1024, 40}, {3, 7, 5}}) {
                byte[] a = new byte[s[0] * s[1]];
                byte[] b = new byte[s[1] * s[2]];
                Arrays.fill(a, pair[0]);
                Arrays.fill(b, pair[1]);
                assertThat(onHeap(backend, a, b, s[0], s[1], s[2]))
                        .as("%s a=%d b=%d %dx%dx%d", backend.name(), pair[0], pair[1], s[0], s[1], s[2])
                        .isEqualTo(ReferenceGemm.multiply(a, b, s[0], s[1], s[2]));
            }
        }
    }

    @Property(tries = 60)
    void javaMatchesTheReference(@ForAll @IntRange(min = 1, max = 40) int m, @ForAll @IntRange(min = 1, max = 90) int k,
            @ForAll @IntRange(min = 1, max = 90) int n, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] a = randomBytes(random, m * k);
        byte[] b = randomBytes(random, k * n);
        assertThat(onHeap(new JavaGemm(2), a, b, m, k, n)).isEqualTo(ReferenceGemm.multiply(a, b, m, k, n));
    }

    @Test
    void javaAndOneDnnAgreeOnNativeMemory() {
        assumeTrue(OneDnnGemm.isAvailable(), () -> "oneDNN is not installed: " + OneDnnGemm.unavailableReason());
        int m = 300, k = 517, n = 259;
        SplittableRandom random = new SplittableRandom(7);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_BYTE, randomBytes(random, m * k));
            MemorySegment b = arena.allocateFrom(ValueLayout.JAVA_BYTE, randomBytes(random, k * n));
            MemorySegment c1 = arena.allocate(ValueLayout.JAVA_INT, (long) m * n);
            MemorySegment c2 = arena.allocate(ValueLayout.JAVA_INT, (long) m * n);
            new JavaGemm(2).gemm(a, b, c1, m, k, n);
            new OneDnnGemm(2).gemm(a, b, c2, m, k, n);
            assertThat(c1.toArray(ValueLayout.JAVA_INT)).isEqualTo(c2.toArray(ValueLayout.JAVA_INT));
        }
    }

    /** The matmul primitive's path against the reference on random shapes, heap and native operands mixed. */
    @Property(tries = 40)
    void oneDnnMatmulMatchesTheReference(@ForAll @IntRange(min = 1, max = 300) int m,
            @ForAll @IntRange(min = 1, max = 300) int k, @ForAll @IntRange(min = 1, max = 300) int n,
            @ForAll long seed) {
        assumeTrue(OneDnnGemm.isAvailable());
        SplittableRandom random = new SplittableRandom(seed);
        byte[] a = randomBytes(random, m * k);
        byte[] b = randomBytes(random, k * n);
        int[] expected = ReferenceGemm.multiply(a, b, m, k, n);
        assertThat(onHeap(new OneDnnGemm(1, 0), a, b, m, k, n)).isEqualTo(expected);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment nativeB = arena.allocateFrom(ValueLayout.JAVA_BYTE, b);
            MemorySegment c = arena.allocate(ValueLayout.JAVA_INT, (long) m * n);
            new OneDnnGemm(2, 0).gemm(MemorySegment.ofArray(a), nativeB, c, m, k, n);
            assertThat(c.toArray(ValueLayout.JAVA_INT)).isEqualTo(expected);
        }
    }

    /** More shapes than the primitive cache keeps: those past it are made, run and freed per call, equally exact. */
    @Test
    void oneDnnMatmulBeyondItsCacheOfShapes() {
        assumeTrue(OneDnnGemm.isAvailable());
        SplittableRandom random = new SplittableRandom(11);
        GemmBackend gemm = new OneDnnGemm(1, 0);
        for (int m = 1; m <= OneDnnMatmul.MAX_CACHED_SHAPES + 8; m++) {
            byte[] a = randomBytes(random, m * 3);
            byte[] b = randomBytes(random, 3 * 2);
            assertThat(onHeap(gemm, a, b, m, 3, 2)).as("m=%d", m).isEqualTo(ReferenceGemm.multiply(a, b, m, 3, 2));
        }
    }

    @Test
    void rejectsSegmentsTooSmallForTheShape() {
        MemorySegment small = MemorySegment.ofArray(new byte[5]);
        MemorySegment c = MemorySegment.ofArray(new int[6]);
        assertThatThrownBy(() -> new JavaGemm(1).gemm(small, small, c, 2, 3, 3))
                .hasMessageContaining("A is 5 bytes but a 2×3 int8 matrix needs 6");
        assertThatThrownBy(() -> new JavaGemm(0)).hasMessageContaining("thread count 0");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment confined = arena.allocate(64);
            MemorySegment c8 = arena.allocate(256);
            assertThatThrownBy(() -> new JavaGemm(2).gemm(confined, confined, c8, 8, 8, 8))
                    .hasMessageContaining("A is confined to one; allocate it from Arena.ofShared()");
        }
    }

    @Test
    void describesItself() {
        assertThat(new JavaGemm(2).description()).startsWith("pure Java Vector API").endsWith("2 threads");
        if (OneDnnGemm.isAvailable()) {
            assertThat(new OneDnnGemm(1).description()).startsWith("oneDNN ").endsWith("1 thread");
            assertThat(new OneDnnGemm(1, Long.MAX_VALUE).description()).contains("int8 GEMM").endsWith("1 thread");
            assertThat(new OneDnnGemm(1).kernel(2, 2, 2)).isEqualTo("dnnl_gemm_s8s8s32");
            assertThat(new OneDnnGemm(1).kernel(64, 64, 64)).isNotEmpty();
        } else {
            assertThat(OneDnnGemm.unavailableReason()).isNotEmpty();
        }
    }

    private static int[] onHeap(GemmBackend backend, byte[] a, byte[] b, int m, int k, int n) {
        int[] c = new int[m * n];
        Arrays.fill(c, 0x5a5a5a5a); // C must be overwritten, not accumulated into
        backend.gemm(MemorySegment.ofArray(a), MemorySegment.ofArray(b), MemorySegment.ofArray(c), m, k, n);
        return c;
    }

    private static byte[] randomBytes(SplittableRandom random, int size) {
        byte[] out = new byte[size];
        random.nextBytes(out);
        return out;
    }
}
