package org.cpc.compute.infer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header leaf of one layer in a model's v2 commitment ({@link ModelTree}, docs/protocol.md "Commitment"): what
 * a fraud proof needs to know of the layer besides one output unit's parameters — its kind, its place in the chain,
 * its input and output shapes, its window (Conv, MaxPool) and its per-layer integers (Conv, Dense). Every field is
 * committed; the encoding is fixed ({@link #encode}) and {@link #decode} reads exactly it back or refuses.
 *
 * @param kind    1 Conv, 2 Dense, 3 MaxPool, 4 Flatten
 * @param index   the layer's position, 0..layers−1
 * @param layers  the model's layer count
 * @param window  null for Dense and Flatten
 * @param depth   values per output unit (Conv, Dense), else 0; likewise the zero points and relu
 */
public record LayerHeader(int kind, int index, int layers, Shape in, Shape out, Window window, int depth,
                          int inputZeroPoint, int outputZeroPoint, boolean relu) {
    public static final int CONV = 1;
    public static final int DENSE = 2;
    public static final int MAX_POOL = 3;
    public static final int FLATTEN = 4;
    static final byte[] DOMAIN = "cpc-int-model-v2".getBytes(StandardCharsets.US_ASCII);
    /** The longest header: domain, kind, 8 ints of place and shapes, 10 of window, 4 of linear parameters. */
    public static final int MAX_BYTES = DOMAIN.length + 1 + 4 * (8 + 10 + 4);

    /** Conv and Dense: the layers with accumulators and one unit leaf per output channel. */
    public boolean linear() {
        return kind == CONV || kind == DENSE;
    }

    /** Output units (channels) with a leaf of their own: the output channels of Conv and Dense, else none. */
    public int units() {
        return linear() ? out.channels() : 0;
    }

    public String kindName() {
        return switch (kind) {
            case CONV -> "Conv";
            case DENSE -> "Dense";
            case MAX_POOL -> "MaxPool";
            default -> "Flatten";
        };
    }

    /** Lowest output value, as {@link IntLinear#low()}. */
    public int low() {
        return relu ? Math.max(-128, outputZeroPoint) : -128;
    }

    static LayerHeader of(IntModel model, int i) {
        Op op = model.ops().get(i);
        int kind = switch (op) {
            case Op.Conv c -> CONV;
            case Op.Dense d -> DENSE;
            case Op.MaxPool p -> MAX_POOL;
            case Op.Flatten f -> FLATTEN;
        };
        Window w = switch (op) {
            case Op.Conv c -> c.window();
            case Op.MaxPool p -> p.window();
            default -> null;
        };
        IntLinear l = IntModel.linear(op);
        return new LayerHeader(kind, i, model.ops().size(), model.inputOf(i), model.shapes().get(i), w,
                l == null ? 0 : l.depth(), l == null ? 0 : l.inputZeroPoint(), l == null ? 0 : l.outputZeroPoint(),
                l != null && l.relu());
    }

    /**
     * "cpc-int-model-v2" ‖ kind (1 byte) ‖ big-endian int32s: index, layers, in C, H, W, out C, H, W; for Conv and
     * MaxPool the window's kernel H, W, strides H, W, pads top, left, bottom, right, dilations H, W; for Conv and
     * Dense depth, zx, zy, relu (0/1).
     */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(MAX_BYTES);
        b.put(DOMAIN).put((byte) kind);
        ints(b, index, layers, in.channels(), in.height(), in.width(), out.channels(), out.height(), out.width());
        if (window != null) {
            ints(b, window.kernelH(), window.kernelW(), window.strideH(), window.strideW(), window.padTop(),
                    window.padLeft(), window.padBottom(), window.padRight(), window.dilationH(), window.dilationW());
        }
        if (linear()) ints(b, depth, inputZeroPoint, outputZeroPoint, relu ? 1 : 0);
        return Arrays.copyOf(b.array(), b.position());
    }

    /** Reads a header back; throws {@link IllegalArgumentException} for bytes that are not one exactly. */
    public static LayerHeader decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < DOMAIN.length + 1 + 32
                || !Arrays.equals(bytes, 0, DOMAIN.length, DOMAIN, 0, DOMAIN.length)) {
            throw new IllegalArgumentException("not a cpc-int-model-v2 layer header");
        }
        b.position(DOMAIN.length);
        int kind = b.get();
        if (kind < CONV || kind > FLATTEN) throw new IllegalArgumentException("unknown layer kind " + kind);
        boolean windowed = kind == CONV || kind == MAX_POOL;
        boolean linear = kind == CONV || kind == DENSE;
        int expected = DOMAIN.length + 1 + 32 + (windowed ? 40 : 0) + (linear ? 16 : 0);
        if (bytes.length != expected) {
            throw new IllegalArgumentException("a layer header of kind " + kind + " is " + expected + " bytes, not " + bytes.length);
        }
        int index = b.getInt();
        int layers = b.getInt();
        if (layers < 1 || index < 0 || index >= layers) {
            throw new IllegalArgumentException("layer " + index + " of " + layers + " is not a place in a model");
        }
        Shape in = new Shape(b.getInt(), b.getInt(), b.getInt());
        Shape out = new Shape(b.getInt(), b.getInt(), b.getInt());
        Window w = windowed ? new Window(b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(),
                b.getInt(), b.getInt(), b.getInt(), b.getInt()) : null;
        int depth = 0;
        int zx = 0;
        int zy = 0;
        int relu = 0;
        if (linear) {
            depth = b.getInt();
            zx = b.getInt();
            zy = b.getInt();
            relu = b.getInt();
            if (depth < 1 || depth > IntLinear.MAX_DEPTH || zx < -128 || zx > 127 || zy < -128 || zy > 127
                    || (relu != 0 && relu != 1)) {
                throw new IllegalArgumentException("layer parameters out of range");
            }
        }
        return new LayerHeader(kind, index, layers, in, out, w, depth, zx, zy, relu == 1);
    }

    private static void ints(ByteBuffer b, int... values) {
        for (int v : values) b.putInt(v);
    }
}
