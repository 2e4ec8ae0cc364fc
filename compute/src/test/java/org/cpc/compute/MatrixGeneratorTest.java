package org.cpc.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.cpc.protocol.codec.Hex;
import org.junit.jupiter.api.Test;

class MatrixGeneratorTest {
    /** RFC 8439 appendix A.1, test vectors #1 and #2: all-zero key and nonce, counters 0 and 1. */
    @Test
    void keystreamMatchesRfc8439() {
        byte[] zeroKey = new byte[32];
        byte[] block0 = new byte[64];
        byte[] block1 = new byte[64];
        ChaCha20Keystream.fill(zeroKey, new byte[12], 0, block0, 0, 64);
        ChaCha20Keystream.fill(zeroKey, new byte[12], 64, block1, 0, 64);
        assertThat(Hex.encode(block0)).isEqualTo("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                + "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
        assertThat(Hex.encode(block1)).isEqualTo("9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
                + "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f");
    }

    @Property(tries = 100)
    void rowRangesAreSlicesOfTheWholeMatrix(@ForAll @IntRange(min = 1, max = 200) int n,
            @ForAll @IntRange(min = 0, max = 199) int from, @ForAll @IntRange(min = 0, max = 200) int count) {
        int r0 = from % n;
        int r1 = Math.min(n, r0 + count);
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        byte[] whole = MatrixGenerator.generate(seed, MatrixGenerator.Operand.A, n);
        byte[] rows = new byte[(r1 - r0) * n + 3];
        MatrixGenerator.generateRows(seed, MatrixGenerator.Operand.A, n, r0, r1, rows, 3);
        assertThat(Arrays.copyOfRange(rows, 3, rows.length)).isEqualTo(Arrays.copyOfRange(whole, r0 * n, r1 * n));
    }

    @Test
    void aAndBAreDifferentStreams() {
        byte[] seed = new byte[32];
        assertThat(MatrixGenerator.generate(seed, MatrixGenerator.Operand.A, 16))
                .isNotEqualTo(MatrixGenerator.generate(seed, MatrixGenerator.Operand.B, 16));
    }

    @Test
    void rejectsSizesAndRangesOutOfBounds() {
        byte[] seed = new byte[32];
        assertThatThrownBy(() -> MatrixGenerator.generate(seed, MatrixGenerator.Operand.A, 16385))
                .hasMessage("matrix size 16385 is out of range: it must be 1..16384");
        assertThatThrownBy(() -> MatrixGenerator.generate(seed, MatrixGenerator.Operand.A, 0))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> MatrixGenerator.generateRows(seed, MatrixGenerator.Operand.B, 8, 5, 9, new byte[64], 0))
                .hasMessageContaining("row range [5, 9) is not inside a matrix of 8 rows");
    }
}
