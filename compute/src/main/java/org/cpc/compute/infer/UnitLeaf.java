package org.cpc.compute.infer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One output unit (channel) of a Conv or Dense layer as its leaf in a model's v2 commitment ({@link ModelTree}):
 * big-endian int32 zw, bias, mult, shift, then the unit's depth int8 weights (channel, kernel row, kernel column
 * order for Conv). A fraud proof opens it to recompute one accumulator and its requantization.
 */
public record UnitLeaf(int weightZeroPoint, int bias, Requant requant, byte[] weights) {
    /** Bytes before the weights. */
    public static final int PREFIX = 16;
    /** The longest unit leaf: the prefix and {@link IntLinear#MAX_DEPTH} weights. */
    public static final int MAX_BYTES = PREFIX + IntLinear.MAX_DEPTH;

    static byte[] encode(IntLinear l, int o) {
        ByteBuffer b = ByteBuffer.allocate(PREFIX + l.depth());
        b.putInt(l.weightZeroPoints()[o]).putInt(l.bias()[o]).putInt(l.requant()[o].multiplier())
                .putInt(l.requant()[o].shift());
        b.put(l.weights(), o * l.depth(), l.depth());
        return b.array();
    }

    /** Reads a unit of {@code depth} weights; throws {@link IllegalArgumentException} for anything else. */
    public static UnitLeaf decode(byte[] bytes, int depth) {
        if (bytes.length != PREFIX + depth) {
            throw new IllegalArgumentException("a unit of depth " + depth + " is " + (PREFIX + depth) + " bytes, not "
                    + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int zw = b.getInt();
        int bias = b.getInt();
        Requant r = new Requant(b.getInt(), b.getInt());
        if (zw < -128 || zw > 127 || bias < -IntLinear.MAX_BIAS || bias > IntLinear.MAX_BIAS) {
            throw new IllegalArgumentException("unit zero point " + zw + " or bias " + bias + " out of range");
        }
        return new UnitLeaf(zw, bias, r, Arrays.copyOfRange(bytes, PREFIX, bytes.length));
    }

    /** The output for an accumulator, as {@link IntLinear#output}. */
    public int output(LayerHeader h, int acc) {
        long y = h.outputZeroPoint() + requant.apply(acc);
        return (int) Math.max(h.low(), Math.min(127, y));
    }
}
