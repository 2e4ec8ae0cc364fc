package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProposerSelectionTest {
    static ValidatorSet equal(int n) {
        List<Validator> vals = new ArrayList<>();
        for (int i = 0; i < n; i++) vals.add(new Validator("v" + i, "", 7));
        return new ValidatorSet(vals);
    }

    @Test
    void equalPowerIsTheDevnetScheduleValidatorsAtHeightPlusRoundModN() {
        for (int n = 1; n <= 7; n++) {
            ValidatorSet s = equal(n);
            for (long h = 0; h < 300; h++) {
                for (int r = 0; r < 12; r++) {
                    // org.cpc.chain.ProposerSchedule: validators.get(floorMod(height + round, n))
                    assertThat(s.proposer(h, r).address()).isEqualTo("v" + Math.floorMod(h + r, (long) n));
                }
            }
        }
    }

    @Test
    void weightedRoundRobinGivesEachItsShareInEveryWindow() {
        long[] powers = {1, 2, 3, 4};
        ProposerSelection sel = new ProposerSelection(List.of(1L, 2L, 3L, 4L));
        for (long start = 0; start < 50; start += 10) {
            int[] count = new int[4];
            for (long k = start; k < start + 10; k++) count[sel.proposerIndex(k)]++;
            for (int i = 0; i < 4; i++) assertThat(count[i]).isEqualTo(powers[i]);
        }
        // Smooth: the heaviest never proposes more than twice in a row with these powers.
        StringBuilder seq = new StringBuilder();
        for (long k = 0; k < 10; k++) seq.append(sel.proposerIndex(k));
        // Worked by hand: priorities +power each step, the highest (earliest on ties) proposes and pays the total.
        assertThat(seq.toString()).isEqualTo("3213023123");
    }

    @Test
    void anyQueryOrderGivesTheSameAnswerAsStepping() {
        SplittableRandom rnd = new SplittableRandom(5);
        List<Long> powers = List.of(5L, 1L, 9L, 3L, 3L, 12L);
        ProposerSelection stepping = new ProposerSelection(powers);
        int[] expected = new int[2000];
        for (int k = 0; k < expected.length; k++) expected[k] = stepping.proposerIndex(k);
        ProposerSelection random = new ProposerSelection(powers);
        for (int i = 0; i < 5000; i++) {
            int k = rnd.nextInt(expected.length);
            assertThat(random.proposerIndex(k)).isEqualTo(expected[k]);
        }
        // Far heights jump by the period (total / gcd = 33) instead of stepping from zero.
        assertThat(random.proposerIndex(33L * 1_000_000_000L + 17)).isEqualTo(expected[17]);
    }

    @Test
    void quorumThresholdsAreStrict() {
        ValidatorSet s = equal(4); // 4 × 7 = 28
        assertThat(s.isQuorum(21)).as("3 of 4").isTrue();
        assertThat(s.isQuorum(19)).as("57 > 56").isTrue();
        assertThat(s.isQuorum(18)).as("54 < 56").isFalse();
        assertThat(s.isQuorum(14)).as("2 of 4").isFalse();
        assertThat(s.isOneThird(14)).as("2 of 4").isTrue();
        assertThat(s.isOneThird(7)).as("1 of 4").isFalse();
        ValidatorSet three = equal(3); // 21: 2 of 3 is 14, 42 > 42 is false
        assertThat(three.isQuorum(14)).isFalse();
        assertThat(three.isQuorum(21)).isTrue();
    }
}
