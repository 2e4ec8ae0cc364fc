package org.cpc.compute.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.MathContext;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class InferRequantTest {
    @Test
    void derivesMultiplierAndShiftFromTheBitsOfTheDouble() {
        assertThat(Requant.of(0.5)).isEqualTo(new Requant(1 << 30, 31));
        assertThat(Requant.of(0.75)).isEqualTo(new Requant(3 << 29, 31));
        assertThat(Requant.of(1.0)).isEqualTo(new Requant(1 << 30, 30));
        // 31 significant bits of 0.1 rounded half up: 0.1 = 0x1.999999999999ap-4
        assertThat(Requant.of(0.1)).isEqualTo(new Requant(1717986918, 34));
        // rounding up to 2^31 moves to 2^30 and one less shift
        assertThat(Requant.of(1.0 - 0x1p-40)).isEqualTo(new Requant(1 << 30, 30));
    }

    @Test
    void roundsHalfUp() {
        Requant half = Requant.of(0.5);
        assertThat(half.apply(3)).isEqualTo(2);
        assertThat(half.apply(-3)).isEqualTo(-1);
        assertThat(half.apply(-4)).isEqualTo(-2);
        assertThat(half.apply(Integer.MIN_VALUE)).isEqualTo(Integer.MIN_VALUE / 2);
        assertThat(Requant.of(0x1.fffffep29).apply(Integer.MAX_VALUE)).isGreaterThan(1L << 59);
    }

    @Test
    void theRealMultiplierIsOneDivisionOfAnExactProduct() {
        float sx = 0.05f;
        float sw = 0.02f;
        float sy = 0.3f;
        assertThat(Requant.realMultiplier(sx, sw, sy))
                .isEqualTo(new BigDecimal(sx).multiply(new BigDecimal(sw)).divide(new BigDecimal(sy), MathContext.DECIMAL128)
                        .doubleValue());
    }

    @Property(tries = 200)
    void isWithinOneInTwoToThe31OfTheRealMultiplier(@ForAll @DoubleRange(min = -30, max = 29) double log2) {
        double m = Math.pow(2, log2);
        Requant r = Requant.of(m);
        double approx = r.multiplier() * Math.pow(2, -r.shift());
        assertThat(Math.abs(approx - m) / m).isLessThanOrEqualTo(0x1p-31);
    }

    @Test
    void refusesMultipliersWithoutAnIntegerForm() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.MIN_VALUE, 0x1p31, 0x1p-40}) {
            assertThatThrownBy(() -> Requant.of(bad)).as("%s", bad).isInstanceOf(OnnxException.class);
        }
    }
}
