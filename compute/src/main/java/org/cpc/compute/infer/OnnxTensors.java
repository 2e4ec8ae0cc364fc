package org.cpc.compute.infer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads the values of constant ONNX tensors as ints or floats, checking type, count and range. */
final class OnnxTensors {
    private OnnxTensors() {}

    /** Number of elements: the product of the dims, each ≥ 0, bounded by an int. */
    static int count(OnnxProto.Tensor t) {
        long n = 1;
        for (long d : t.dims()) {
            if (d < 0 || d > Integer.MAX_VALUE) throw bad(t, "has dimension " + d);
            n *= d;
            if (n > Integer.MAX_VALUE) throw bad(t, "has more than 2^31 elements");
        }
        return (int) n;
    }

    /** An int8, uint8, int32 or int64 tensor's values (int64 ones must fit an int). */
    static int[] ints(OnnxProto.Tensor t) {
        check(t);
        int n = count(t);
        int width = switch (t.dataType()) {
            case OnnxProto.INT8, OnnxProto.UINT8 -> 1;
            case OnnxProto.INT32 -> 4;
            case OnnxProto.INT64 -> 8;
            default -> throw bad(t, "has data type " + t.dataType() + ", expected an integer type");
        };
        // The stored values are counted before anything of size n is allocated: dims alone prove nothing.
        if (t.raw() != null) {
            needRaw(t, n, width);
        } else {
            needTyped(t, width == 8 ? t.int64Data().length : t.int32Data().length, n);
        }
        int[] out = new int[n];
        ByteBuffer raw = t.raw() == null ? null : ByteBuffer.wrap(t.raw()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            long v = switch (width) {
                case 1 -> raw != null ? raw.get(i) : t.int32Data()[i];
                case 4 -> raw != null ? raw.getInt(4 * i) : t.int32Data()[i];
                default -> raw != null ? raw.getLong(8 * i) : t.int64Data()[i];
            };
            if (t.dataType() == OnnxProto.UINT8 && raw != null) v &= 0xff;
            // int32_data holds int32 varints: negative values arrive sign-extended to 64 bits, hence the range check.
            boolean inRange = switch (t.dataType()) {
                case OnnxProto.INT8 -> v >= -128 && v <= 127;
                case OnnxProto.UINT8 -> v >= 0 && v <= 255;
                default -> v == (int) v;
            };
            if (!inRange) throw bad(t, "holds " + v + ", outside its type");
            out[i] = (int) v;
        }
        return out;
    }

    /** A float32 tensor's values. */
    static float[] floats(OnnxProto.Tensor t) {
        check(t);
        if (t.dataType() != OnnxProto.FLOAT) throw bad(t, "has data type " + t.dataType() + ", expected float");
        int n = count(t);
        if (t.raw() == null) {
            needTyped(t, t.floatData().length, n);
            return t.floatData().clone();
        }
        needRaw(t, n, 4);
        float[] out = new float[n];
        ByteBuffer b = ByteBuffer.wrap(t.raw()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) out[i] = b.getFloat(4 * i);
        return out;
    }

    private static void check(OnnxProto.Tensor t) {
        if (t.external()) throw bad(t, "keeps its data in an external file, which is not supported");
    }

    private static void needRaw(OnnxProto.Tensor t, int n, int width) {
        if (t.raw().length != (long) n * width) {
            throw bad(t, "has " + t.raw().length + " raw bytes for " + n + " elements of " + width + " bytes");
        }
    }

    private static void needTyped(OnnxProto.Tensor t, int have, int n) {
        if (have != n) throw bad(t, "has " + have + " values for " + n + " elements");
    }

    private static OnnxException bad(OnnxProto.Tensor t, String what) {
        return new OnnxException("tensor '" + t.name() + "' " + what);
    }
}
