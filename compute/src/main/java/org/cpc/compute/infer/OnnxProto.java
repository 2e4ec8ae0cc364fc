package org.cpc.compute.infer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of ONNX's protobuf schema (onnx.proto, IR version 3 and later) that an integer model needs, as records,
 * and the reader that fills them. Field numbers are onnx.proto's. Fields we do not use are skipped; fields that
 * could nest without bound (graph-valued attributes, training info, functions) are skipped unread, so the nesting
 * is fixed: model → graph → node → attribute → tensor. Every count is bounded by {@link #MAX_ENTRIES}.
 */
final class OnnxProto {
    /** Most nodes, initializers, attributes, inputs, outputs or dims one message may list. */
    static final int MAX_ENTRIES = 100_000;

    // TensorProto.DataType values we meet.
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;

    private OnnxProto() {}

    record Model(long irVersion, Map<String, Long> opsets, Graph graph) {}

    record Graph(String name, List<Node> nodes, Map<String, Tensor> initializers, List<ValueInfo> inputs,
                 List<ValueInfo> outputs) {}

    record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                Map<String, Attribute> attributes) {
        /** "Conv 'conv1'", for error messages; nodes need not have names. */
        String describe() {
            return opType + (name.isEmpty() ? " (unnamed, output '" + (outputs.isEmpty() ? "" : outputs.getFirst()) + "')"
                    : " '" + name + "'");
        }

        /** Input i, or "" when absent (ONNX marks an omitted optional input with an empty name). */
        String input(int i) {
            return i < inputs.size() ? inputs.get(i) : "";
        }
    }

    /** One attribute; only the members its type uses are set. */
    record Attribute(String name, int type, float f, long i, byte[] s, Tensor t, float[] floats, long[] ints) {}

    /**
     * A constant tensor. Values are kept as read: {@code raw} (little-endian, {@code raw_data}) or the typed
     * lists ({@code int32_data} holds int8, uint8 and int32 values; {@code int64_data}; {@code float_data}).
     */
    record Tensor(String name, long[] dims, int dataType, byte[] raw, long[] int32Data, long[] int64Data,
                  float[] floatData, boolean external) {}

    /** A graph input or output: its element type and dims (-1 for a symbolic or unknown dim). */
    record ValueInfo(String name, int elemType, long[] dims) {}

    static Model parseModel(byte[] bytes) {
        ProtoReader r = new ProtoReader(bytes, 0, bytes.length, "ModelProto");
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        Graph graph = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> ir = r.int64();
                case 7 -> graph = graph(r.message("graph"));
                case 8 -> {
                    ProtoReader o = r.message("opset_import");
                    String domain = "";
                    long version = 0;
                    while (o.next()) {
                        switch (o.field()) {
                            case 1 -> domain = o.string();
                            case 2 -> version = o.int64();
                            default -> o.skip();
                        }
                    }
                    opsets.put(domain, version);
                }
                default -> r.skip();
            }
        }
        if (graph == null) throw new OnnxException("not an ONNX model: ModelProto has no graph (field 7)");
        return new Model(ir, opsets, graph);
    }

    private static Graph graph(ProtoReader r) {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> inits = new LinkedHashMap<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> add(r, nodes, node(r.message("node")));
                case 2 -> name = r.string();
                case 5 -> {
                    Tensor t = tensor(r.message("initializer"));
                    if (inits.size() >= MAX_ENTRIES) throw r.fail("more than " + MAX_ENTRIES + " initializers");
                    inits.put(t.name(), t);
                }
                case 11 -> add(r, inputs, valueInfo(r.message("input")));
                case 12 -> add(r, outputs, valueInfo(r.message("output")));
                default -> r.skip();
            }
        }
        return new Graph(name, nodes, inits, inputs, outputs);
    }

    private static Node node(ProtoReader r) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> add(r, in, r.string());
                case 2 -> add(r, out, r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                case 5 -> {
                    Attribute a = attribute(r.message("attribute"));
                    if (attrs.size() >= MAX_ENTRIES) throw r.fail("more than " + MAX_ENTRIES + " attributes");
                    attrs.put(a.name(), a);
                }
                case 7 -> domain = r.string();
                default -> r.skip();
            }
        }
        return new Node(name, op, domain, in, out, attrs);
    }

    private static Attribute attribute(ProtoReader r) {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        byte[] s = new byte[0];
        Tensor t = null;
        ProtoReader.LongList floats = new ProtoReader.LongList();
        ProtoReader.LongList ints = new ProtoReader.LongList();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> f = r.float32();
                case 3 -> i = r.int64();
                case 4 -> s = r.bytes();
                case 5 -> t = tensor(r.message("t"));
                case 7 -> r.fixed32s(floats);
                case 8 -> r.varints(ints);
                case 20 -> type = r.int32();
                default -> r.skip(); // 6 and 11 (graphs) included: subgraphs are never read
            }
        }
        return new Attribute(name, type, f, i, s, t, toFloats(floats), ints.toArray());
    }

    private static Tensor tensor(ProtoReader r) {
        ProtoReader.LongList dims = new ProtoReader.LongList();
        int type = 0;
        String name = "";
        byte[] raw = null;
        ProtoReader.LongList i32 = new ProtoReader.LongList();
        ProtoReader.LongList i64 = new ProtoReader.LongList();
        ProtoReader.LongList f32 = new ProtoReader.LongList();
        boolean external = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.varints(dims);
                case 2 -> type = r.int32();
                case 4 -> r.fixed32s(f32);
                case 5 -> r.varints(i32);
                case 7 -> r.varints(i64);
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 13 -> {
                    external = true;
                    r.skip();
                }
                case 14 -> external |= r.int32() == 1;
                default -> r.skip();
            }
            if (dims.size() > MAX_ENTRIES) throw r.fail("tensor has more than " + MAX_ENTRIES + " dims");
        }
        return new Tensor(name, dims.toArray(), type, raw, i32.toArray(), i64.toArray(), toFloats(f32), external);
    }

    private static ValueInfo valueInfo(ProtoReader r) {
        String name = "";
        int elem = 0;
        ProtoReader.LongList dims = new ProtoReader.LongList();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> {
                    ProtoReader type = r.message("type");
                    while (type.next()) {
                        if (type.field() != 1) {
                            type.skip();
                            continue;
                        }
                        ProtoReader tensorType = type.message("tensor_type");
                        while (tensorType.next()) {
                            switch (tensorType.field()) {
                                case 1 -> elem = tensorType.int32();
                                case 2 -> shape(tensorType.message("shape"), dims);
                                default -> tensorType.skip();
                            }
                        }
                    }
                }
                default -> r.skip();
            }
        }
        return new ValueInfo(name, elem, dims.toArray());
    }

    private static void shape(ProtoReader r, ProtoReader.LongList dims) {
        while (r.next()) {
            if (r.field() != 1) {
                r.skip();
                continue;
            }
            ProtoReader dim = r.message("dim");
            long value = -1;
            while (dim.next()) {
                if (dim.field() == 1) value = dim.int64();
                else dim.skip();
            }
            if (dims.size() >= MAX_ENTRIES) throw r.fail("shape has more than " + MAX_ENTRIES + " dims");
            dims.add(value);
        }
    }

    private static <T> void add(ProtoReader r, List<T> list, T value) {
        if (list.size() >= MAX_ENTRIES) throw r.fail("more than " + MAX_ENTRIES + " entries in field " + r.field());
        list.add(value);
    }

    private static float[] toFloats(ProtoReader.LongList bits) {
        long[] b = bits.toArray();
        float[] f = new float[b.length];
        for (int i = 0; i < b.length; i++) f[i] = Float.intBitsToFloat((int) b[i]);
        return f;
    }
}
