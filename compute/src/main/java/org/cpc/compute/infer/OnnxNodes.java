package org.cpc.compute.infer;

/**
 * What {@link OnnxImporter} reads off a single node, apart from the graph: attributes with their ONNX defaults, the
 * window of a Conv or MaxPool, broadcast shapes of per-channel constants, and the error that names the node.
 */
final class OnnxNodes {
    private OnnxNodes() {}

    static Window window(OnnxProto.Node node, int kh, int kw) {
        long[] strides = intsAttr(node, "strides", new long[] {1, 1});
        long[] pads = intsAttr(node, "pads", new long[] {0, 0, 0, 0});
        long[] dilations = intsAttr(node, "dilations", new long[] {1, 1});
        if (strides.length != 2 || pads.length != 4 || dilations.length != 2) {
            throw refuse(node, "strides, dilations need 2 values and pads 4 (2-D only)");
        }
        try {
            return new Window(kh, kw, side(node, strides[0]), side(node, strides[1]), side(node, pads[0]),
                    side(node, pads[1]), side(node, pads[2]), side(node, pads[3]), side(node, dilations[0]),
                    side(node, dilations[1]));
        } catch (OnnxException e) {
            throw refuse(node, e.getMessage());
        }
    }

    static void noAutoPad(OnnxProto.Node node) {
        OnnxProto.Attribute a = node.attributes().get("auto_pad");
        String v = a == null ? "NOTSET" : new String(a.s(), java.nio.charset.StandardCharsets.UTF_8);
        if (!v.equals("NOTSET")) throw refuse(node, "auto_pad " + v + " is not supported; give explicit pads");
    }

    static long intAttr(OnnxProto.Node node, String name, long otherwise) {
        OnnxProto.Attribute a = node.attributes().get(name);
        return a == null ? otherwise : a.i();
    }

    static float floatAttr(OnnxProto.Node node, String name, float otherwise) {
        OnnxProto.Attribute a = node.attributes().get(name);
        return a == null ? otherwise : a.f();
    }

    static long[] intsAttr(OnnxProto.Node node, String name, long[] otherwise) {
        OnnxProto.Attribute a = node.attributes().get(name);
        return a == null ? otherwise : a.ints();
    }

    static boolean isDefaultDomain(OnnxProto.Node node) {
        return node.domain().isEmpty() || node.domain().equals("ai.onnx");
    }

    static OnnxException refuse(OnnxProto.Node node, String why) {
        return new OnnxException(node.describe() + ": " + why);
    }

    static int side(OnnxProto.Node node, long v) {
        if (v < 0 || v > Window.MAX_SIDE) throw refuse(node, "window value " + v + " outside 0.." + Window.MAX_SIDE);
        return (int) v;
    }

    /**
     * A per-channel constant broadcast against [N, outputs] (rank 1) or [N, outputs, H, W] (rank 3): one value, or
     * {@code outputs} values along the channel dimension, e.g. [M], [1, M], [M, 1, 1] or [1, M, 1, 1].
     */
    static void checkChannelShape(OnnxProto.Node node, long[] dims, int outputs, int trailing) {
        long n = 1;
        for (long d : dims) n *= d;
        if (n == 1) return;
        int channelAxis = dims.length - trailing;
        boolean ok = n == outputs && channelAxis >= 0 && dims[channelAxis] == outputs;
        if (!ok) {
            throw refuse(node, "constant of shape " + java.util.Arrays.toString(dims) + " is neither one value nor one"
                    + " per output channel (" + outputs + ") along the channel dimension");
        }
    }

    static int[] shift(int[] unsigned) {
        int[] out = new int[unsigned.length];
        for (int i = 0; i < out.length; i++) out[i] = unsigned[i] - 128;
        return out;
    }
}
