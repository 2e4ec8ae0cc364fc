#!/usr/bin/python3
"""Builds the small quantized ONNX fixtures of the integer inference tests with onnx.helper (Debian's python3-onnx),
and for each one an input and the expected output computed here, in numpy, by the integer rule of docs/protocol.md
("Inference models") -- a second implementation of the rule that the Java importer and executor must match.

Run from this directory: /usr/bin/python3 make_fixtures.py  (deterministic: the same files every time)

  mlp_qdq.onnx      QDQ: MatMul + int32 bias Add + Relu, Gemm (transB, per-channel weights) + bias; int8 activations
  cnn_qop.onnx      QOperator: uint8 input, QLinearConv (per-channel, pads) + int32 bias, MaxPool, QLinearConv with
                    uint8 weights and a weight zero point, Flatten, QLinearMatMul
  cnn_qdq.onnx      QDQ: Conv (stride 2, pads) + bias + Relu, MaxPool, Reshape, MatMul + bias
  mlp_int.onnx      integer ops: MatMulInteger (uint8 input and weights, per-column weight zero points) + int32
                    bias Add + Cast/Mul by the product scale + Relu; MatMulInteger + DequantizeLinear of the int32
  cnn_int.onnx      integer ops: ConvInteger (per-channel weight zero points, pads) + int32 bias + per-channel
                    DequantizeLinear + Relu, MaxPool on int8, ConvInteger (uint8 weights) + Cast/Mul, Flatten,
                    MatMulInteger without a weight zero point + per-column Cast/Mul
  int_unstated_zero_point.onnx  a MatMulInteger without its activation zero point (refused)
  wide_conv.onnx    a ConvInteger over 8 channels of 64x64: each patch reads 8 chunks of 4096 bytes (refused: not
                    every entry disputable); edge_conv.onnx the same over 6 channels, at the bound (accepted)
  wide_pool.onnx    a 1x1 ConvInteger, then a MaxPool whose 7x1 window reads 7 rows of 4096 bytes (refused);
                    edge_pool.onnx the same with a 6x1 window, at the bound (accepted)
  unsupported.onnx  a QDQ MatMul followed by Softmax (outside the op set)
  malformed.onnx    mlp_qdq.onnx cut short
  lying_dims.onnx   mlp_qdq.onnx with weight dims claiming 2^30 elements that are not there
<name>.input.bin / <name>.expected.bin: a batch of 3 int8 inputs (uint8 inputs shifted by -128) and int8 outputs.
"""
import math

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(20240611)
BATCH = 3


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def f32(x):
    return np.float32(x)


# ---- the integer rule (docs/protocol.md), independently of the Java code ----

def requant_params(s_in, s_w, s_out):
    """multiplier, shift from M = s_in*s_w/s_out: float32 factors, exact product in double, one division."""
    m = (float(np.float32(s_in)) * float(np.float32(s_w))) / float(np.float32(s_out))
    q, e = math.frexp(m)                      # m = q * 2**e, 0.5 <= q < 1
    mult = math.floor(q * 2.0 ** 31 + 0.5)    # exact: q*2^31 has 53 significant bits, ulp 2^-22
    shift = 31 - e
    if mult == 2 ** 31:
        mult, shift = 2 ** 30, shift - 1
    assert 1 <= shift <= 62
    return mult, shift


def requant(acc, mult, shift, zp_out, relu):
    y = (int(acc) * mult + (1 << (shift - 1))) >> shift    # Python ints: exact, >> floors
    low = max(-128, zp_out) if relu else -128
    return max(low, min(127, zp_out + y))


def linear(x_cols, zx, w, zw, bias, s_in, s_w, s_out, zp_out, relu):
    """x_cols: depth x positions centred later; w: outputs x depth (int8); per-channel zw, s_w; returns acc, y."""
    outputs, depth = w.shape
    acc = np.zeros((outputs, x_cols.shape[1]), dtype=np.int64)
    y = np.zeros_like(acc)
    for o in range(outputs):
        acc[o] = ((w[o].astype(np.int64) - zw[o])[:, None] * (x_cols.astype(np.int64) - zx)).sum(0) + bias[o]
        mult, shift = requant_params(s_in, s_w[o], s_out)
        y[o] = [requant(a, mult, shift, zp_out, relu) for a in acc[o]]
    return y


def im2col(x, kh, kw, stride, pads, pad_value):
    c, h, w = x.shape
    top, left, bottom, right = pads
    xp = np.full((c, h + top + bottom, w + left + right), pad_value, dtype=np.int64)
    xp[:, top:top + h, left:left + w] = x
    oh = (h + top + bottom - kh) // stride + 1
    ow = (w + left + right - kw) // stride + 1
    cols = np.zeros((c * kh * kw, oh * ow), dtype=np.int64)
    for ch in range(c):
        for i in range(kh):
            for j in range(kw):
                patch = xp[ch, i:i + stride * (oh - 1) + 1:stride, j:j + stride * (ow - 1) + 1:stride]
                cols[(ch * kh + i) * kw + j] = patch.reshape(-1)
    return cols, oh, ow


def conv(x, zx, w, zw, bias, s_in, s_w, s_out, zp_out, relu, stride=1, pads=(0, 0, 0, 0)):
    oc, c, kh, kw = w.shape
    cols, oh, ow = im2col(x, kh, kw, stride, pads, zx)
    return linear(cols, zx, w.reshape(oc, -1), zw, bias, s_in, s_w, s_out, zp_out, relu).reshape(oc, oh, ow)


def maxpool(x, k, stride):
    c, h, w = x.shape
    oh, ow = (h - k) // stride + 1, (w - k) // stride + 1
    out = np.zeros((c, oh, ow), dtype=np.int64)
    for i in range(oh):
        for j in range(ow):
            out[:, i, j] = x[:, i * stride:i * stride + k, j * stride:j * stride + k].max(axis=(1, 2))
    return out


def dense(x, zx, w_kn, zw, bias, s_in, s_w, s_out, zp_out, relu):
    """w_kn: K x N as ONNX MatMul has it."""
    return linear(x.reshape(-1, 1), zx, w_kn.T, zw, bias, s_in, s_w, s_out, zp_out, relu).reshape(-1)


def save(name, model, inputs, outputs):
    onnx.checker.check_model(model)
    onnx.save(model, name + ".onnx")
    np.asarray(inputs, dtype=np.int8).tofile(name + ".input.bin")
    np.asarray(outputs, dtype=np.int8).tofile(name + ".expected.bin")


def model(nodes, inits, x_shape, y_shape, name, opset=13, y_type=TensorProto.FLOAT):
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
                              [helper.make_tensor_value_info("y", y_type, y_shape)], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="cpc make_fixtures.py")


def i8(shape, lo=-128, hi=127):
    return rng.integers(lo, hi + 1, size=shape).astype(np.int8)


# ---- mlp_qdq: [N,16] -> MatMul 16x8 + bias + Relu -> Gemm(transB) 8 -> 4 per-channel + bias ----

def mlp_qdq():
    sx, zx = f32(0.05), -3
    w1, sw1 = i8((16, 8)), f32(0.02)
    b1 = rng.integers(-2000, 2000, 8).astype(np.int32)
    s1, z1 = f32(0.3), -128                # after ReLU: the low end is the zero point
    w2 = i8((4, 8))                        # Gemm transB = 1: [N, K]
    sw2 = np.array([0.01, 0.02, 0.015, 0.03], dtype=np.float32)
    b2 = rng.integers(-3000, 3000, 4).astype(np.int32)
    s2, z2 = f32(0.6), 5
    inits = [const("sx", sx), const("zx", np.int8(zx)), const("w1", w1), const("sw1", sw1), const("zw1", np.int8(0)),
             const("b1", b1), const("sb1", f32(sx * sw1)), const("zb", np.int32(0)),
             const("s1", s1), const("z1", np.int8(z1)),
             const("w2", w2), const("sw2", sw2), const("zw2", np.zeros(4, np.int8)),
             const("b2", b2), const("sb2", (sw2 * s1).astype(np.float32)), const("zb2", np.zeros(4, np.int32)),
             const("s2", s2), const("z2", np.int8(z2))]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"], name="quant_in"),
        helper.make_node("DequantizeLinear", ["xq", "sx", "zx"], ["xf"]),
        helper.make_node("DequantizeLinear", ["w1", "sw1", "zw1"], ["w1f"]),
        helper.make_node("DequantizeLinear", ["b1", "sb1", "zb"], ["b1f"]),
        helper.make_node("MatMul", ["xf", "w1f"], ["h1"], name="fc1"),
        helper.make_node("Add", ["h1", "b1f"], ["h1b"], name="fc1_bias"),
        helper.make_node("Relu", ["h1b"], ["h1r"], name="fc1_relu"),
        helper.make_node("QuantizeLinear", ["h1r", "s1", "z1"], ["h1q"]),
        helper.make_node("DequantizeLinear", ["h1q", "s1", "z1"], ["h1f"]),
        helper.make_node("DequantizeLinear", ["w2", "sw2", "zw2"], ["w2f"], axis=0),
        helper.make_node("DequantizeLinear", ["b2", "sb2", "zb2"], ["b2f"], axis=0),
        helper.make_node("Gemm", ["h1f", "w2f", "b2f"], ["h2"], name="fc2", transB=1),
        helper.make_node("QuantizeLinear", ["h2", "s2", "z2"], ["h2q"]),
        helper.make_node("DequantizeLinear", ["h2q", "s2", "z2"], ["y"]),
    ]
    m = model(nodes, inits, ["N", 16], ["N", 4], "mlp_qdq")
    xs = i8((BATCH, 16))
    ys = []
    for x in xs:
        h = dense(x, zx, w1, [0] * 8, b1, sx, [sw1] * 8, s1, z1, True)
        ys.append(dense(h, z1, w2.T, [0] * 4, b2, s1, sw2, s2, z2, False))
    save("mlp_qdq", m, xs, ys)
    return m


# ---- cnn_qop: uint8 QOperator CNN on [N,1,8,8] ----

def cnn_qop():
    sx, zx_u = f32(0.02), 128              # uint8 input: zero point 128 -> int8 0
    w1 = i8((4, 1, 3, 3))
    sw1 = np.array([0.01, 0.012, 0.008, 0.02], dtype=np.float32)
    b1 = rng.integers(-500, 500, 4).astype(np.int32)
    s1, z1_u = f32(0.03), 120
    w2_u = rng.integers(0, 256, (6, 4, 3, 3)).astype(np.uint8)
    sw2, zw2_u = f32(0.004), 131
    s2, z2_u = f32(0.05), 125
    w3_u = rng.integers(0, 256, (24, 5)).astype(np.uint8)
    sw3, zw3_u = f32(0.006), 127
    s3, z3_u = f32(0.09), 130
    inits = [const("sx", sx), const("zx", np.uint8(zx_u)),
             const("w1", w1), const("sw1", sw1), const("zw1", np.zeros(4, np.int8)), const("b1", b1),
             const("s1", s1), const("z1", np.uint8(z1_u)),
             const("w2", w2_u), const("sw2", sw2), const("zw2", np.uint8(zw2_u)),
             const("s2", s2), const("z2", np.uint8(z2_u)),
             const("w3", w3_u), const("sw3", sw3), const("zw3", np.uint8(zw3_u)),
             const("s3", s3), const("z3", np.uint8(z3_u))]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
        helper.make_node("QLinearConv", ["xq", "sx", "zx", "w1", "sw1", "zw1", "s1", "z1", "b1"], ["c1"], name="conv1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("MaxPool", ["c1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("QLinearConv", ["p1", "s1", "z1", "w2", "sw2", "zw2", "s2", "z2"], ["c2"], name="conv2",
                         kernel_shape=[3, 3]),
        helper.make_node("Flatten", ["c2"], ["f"], name="flatten", axis=1),
        helper.make_node("QLinearMatMul", ["f", "s2", "z2", "w3", "sw3", "zw3", "s3", "z3"], ["fc"], name="fc"),
        helper.make_node("DequantizeLinear", ["fc", "s3", "z3"], ["y"]),
    ]
    m = model(nodes, inits, ["N", 1, 8, 8], ["N", 5], "cnn_qop")
    xs_u = rng.integers(0, 256, (BATCH, 1, 8, 8))
    ys = []
    for xu in xs_u:
        x = xu - 128                       # everything shifted to int8: values and zero points
        c1 = conv(x, zx_u - 128, w1, [0] * 4, b1, sx, sw1, s1, z1_u - 128, False, pads=(1, 1, 1, 1))
        p1 = maxpool(c1, 2, 2)
        c2 = conv(p1, z1_u - 128, w2_u.astype(np.int64) - 128, [zw2_u - 128] * 6, [0] * 6, s1, [sw2] * 6, s2,
                  z2_u - 128, False)
        ys.append(dense(c2.reshape(-1), z2_u - 128, w3_u.astype(np.int64) - 128, [zw3_u - 128] * 5, [0] * 5, s2,
                        [sw3] * 5, s3, z3_u - 128, False))
    save("cnn_qop", m, xs_u - 128, ys)


# ---- cnn_qdq: QDQ Conv (stride 2) + bias + Relu, MaxPool, Reshape, MatMul + bias on [N,2,9,7] ----

def cnn_qdq():
    sx, zx = f32(0.04), 10
    w1 = i8((3, 2, 3, 3), -127, 127)
    sw1 = np.array([0.01, 0.02, 0.03], dtype=np.float32)
    b1 = rng.integers(-1000, 1000, 3).astype(np.int32)
    s1, z1 = f32(0.25), -128
    w2 = i8((6, 3), -127, 127)
    sw2 = f32(0.011)
    b2 = rng.integers(-1000, 1000, 3).astype(np.int32)
    s2, z2 = f32(0.5), -7
    inits = [const("sx", sx), const("zx", np.int8(zx)), const("w1", w1), const("sw1", sw1),
             const("zw1", np.zeros(3, np.int8)), const("b1", b1), const("sb1", (sx * sw1).astype(np.float32)),
             const("zb1", np.zeros(3, np.int32)), const("s1", s1), const("z1", np.int8(z1)),
             const("shape", np.array([-1, 6], dtype=np.int64)),
             const("w2", w2), const("sw2", sw2), const("zw2", np.int8(0)), const("b2", b2),
             const("sb2", f32(s1 * sw2)), const("zb2", np.int32(0)), const("s2", s2), const("z2", np.int8(z2))]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
        helper.make_node("DequantizeLinear", ["xq", "sx", "zx"], ["xf"]),
        helper.make_node("DequantizeLinear", ["w1", "sw1", "zw1"], ["w1f"], axis=0),
        helper.make_node("DequantizeLinear", ["b1", "sb1", "zb1"], ["b1f"], axis=0),
        helper.make_node("Conv", ["xf", "w1f", "b1f"], ["c1"], name="conv1", kernel_shape=[3, 3], strides=[2, 2],
                         pads=[1, 0, 1, 0]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("QuantizeLinear", ["r1", "s1", "z1"], ["q1"]),
        helper.make_node("DequantizeLinear", ["q1", "s1", "z1"], ["d1"]),
        helper.make_node("MaxPool", ["d1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("QuantizeLinear", ["p1", "s1", "z1"], ["pq"]),
        helper.make_node("DequantizeLinear", ["pq", "s1", "z1"], ["pd"]),
        helper.make_node("Reshape", ["pd", "shape"], ["flat"], name="flatten"),
        helper.make_node("DequantizeLinear", ["w2", "sw2", "zw2"], ["w2f"]),
        helper.make_node("DequantizeLinear", ["b2", "sb2", "zb2"], ["b2f"]),
        helper.make_node("MatMul", ["flat", "w2f"], ["m2"], name="fc"),
        helper.make_node("Add", ["b2f", "m2"], ["m2b"], name="fc_bias"),
        helper.make_node("QuantizeLinear", ["m2b", "s2", "z2"], ["q2"]),
        helper.make_node("DequantizeLinear", ["q2", "s2", "z2"], ["y"]),
    ]
    m = model(nodes, inits, ["N", 2, 9, 7], ["N", 3], "cnn_qdq")
    xs = i8((BATCH, 2, 9, 7))
    ys = []
    for x in xs:
        c1 = conv(x, zx, w1, [0] * 3, b1, sx, sw1, s1, z1, True, stride=2, pads=(1, 0, 1, 0))
        p1 = maxpool(c1, 2, 2)
        ys.append(dense(p1.reshape(-1), z1, w2, [0] * 3, b2, s1, [sw2] * 3, s2, z2, False))
    save("cnn_qdq", m, xs, ys)


# ---- mlp_int: MatMulInteger (uint8, per-column zero points) + int32 Add + Cast/Mul + Relu, MatMulInteger + DQ ----

def mlp_int():
    sx, zx_u = f32(0.03), 100
    w1_u = rng.integers(0, 256, (12, 6)).astype(np.uint8)       # MatMulInteger B: K x N
    zw1_u = rng.integers(100, 156, 6).astype(np.uint8)          # one per column (output)
    b1 = rng.integers(-3000, 3000, 6).astype(np.int32)
    c1 = np.array([0.0004, 0.0003, 0.0005, 0.00035, 0.00045, 0.0006], dtype=np.float32)  # stated product scales
    s1, z1_u = f32(0.2), 0
    w2 = i8((6, 4))
    c2, s2, z2 = f32(0.0015), f32(0.4), -9
    inits = [const("sx", sx), const("zx", np.uint8(zx_u)), const("w1", w1_u), const("zw1", zw1_u), const("b1", b1),
             const("c1", c1), const("s1", s1), const("z1", np.uint8(z1_u)), const("w2", w2), const("zw2", np.int8(0)),
             const("c2", c2), const("zc2", np.int32(0)), const("s2", s2), const("z2", np.int8(z2))]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
        helper.make_node("MatMulInteger", ["xq", "w1", "zx", "zw1"], ["a1"], name="fc1"),
        helper.make_node("Add", ["a1", "b1"], ["a1b"], name="fc1_bias"),
        helper.make_node("Cast", ["a1b"], ["a1f"], name="fc1_cast", to=TensorProto.FLOAT),
        helper.make_node("Mul", ["a1f", "c1"], ["h1"], name="fc1_scale"),
        helper.make_node("Relu", ["h1"], ["h1r"], name="fc1_relu"),
        helper.make_node("QuantizeLinear", ["h1r", "s1", "z1"], ["h1q"]),
        helper.make_node("MatMulInteger", ["h1q", "w2", "z1", "zw2"], ["a2"], name="fc2"),
        helper.make_node("DequantizeLinear", ["a2", "c2", "zc2"], ["h2"]),
        helper.make_node("QuantizeLinear", ["h2", "s2", "z2"], ["h2q"]),
        helper.make_node("DequantizeLinear", ["h2q", "s2", "z2"], ["y"]),
    ]
    m = model(nodes, inits, ["N", 12], ["N", 4], "mlp_int")
    xs_u = rng.integers(0, 256, (BATCH, 12))
    ys = []
    one = f32(1)
    for xu in xs_u:
        x = xu - 128
        h = dense(x, zx_u - 128, w1_u.astype(np.int64) - 128, zw1_u.astype(np.int64) - 128, b1, one, c1, s1,
                  z1_u - 128, True)
        ys.append(dense(h, z1_u - 128, w2, [0] * 4, [0] * 4, one, [c2] * 4, s2, z2, False))
    save("mlp_int", m, xs_u - 128, ys)


# ---- cnn_int: ConvInteger (per-channel w zero points, pads) + int32 bias + DQ per channel + Relu, int8 MaxPool,
#      ConvInteger with uint8 weights + Cast/Mul, Flatten, MatMulInteger (no weight zero point) + Cast/Mul ----

def cnn_int():
    sx, zx = f32(0.05), 3
    w1 = i8((4, 2, 3, 3))
    zw1 = rng.integers(-5, 6, 4).astype(np.int8)
    b1 = rng.integers(-2000, 2000, 4).astype(np.int32)
    c1 = np.array([0.0005, 0.0007, 0.0004, 0.0006], dtype=np.float32)
    s1, z1 = f32(0.3), -128
    w2_u = rng.integers(0, 256, (5, 4, 2, 2)).astype(np.uint8)
    zw2_u, c2, s2, z2 = 129, f32(0.0009), f32(0.35), 4
    w3 = i8((20, 3))
    c3 = np.array([0.002, 0.0025, 0.0018], dtype=np.float32)
    s3, z3 = f32(0.5), 0
    inits = [const("sx", sx), const("zx", np.int8(zx)), const("w1", w1), const("zw1", zw1),
             const("b1", b1.reshape(1, 4, 1, 1)), const("c1", c1), const("zc1", np.zeros(4, np.int32)),
             const("s1", s1), const("z1", np.int8(z1)), const("w2", w2_u), const("zw2", np.uint8(zw2_u)),
             const("c2", c2), const("s2", s2), const("z2", np.int8(z2)), const("w3", w3),
             const("c3", c3.reshape(1, 3)), const("s3", s3), const("z3", np.int8(z3))]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
        helper.make_node("ConvInteger", ["xq", "w1", "zx", "zw1"], ["a1"], name="conv1", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["b1", "a1"], ["a1b"], name="conv1_bias"),
        helper.make_node("DequantizeLinear", ["a1b", "c1", "zc1"], ["h1"], axis=1),
        helper.make_node("Relu", ["h1"], ["h1r"], name="conv1_relu"),
        helper.make_node("QuantizeLinear", ["h1r", "s1", "z1"], ["h1q"]),
        helper.make_node("MaxPool", ["h1q"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("ConvInteger", ["p1", "w2", "z1", "zw2"], ["a2"], name="conv2", kernel_shape=[2, 2]),
        helper.make_node("Cast", ["a2"], ["a2f"], name="conv2_cast", to=TensorProto.FLOAT),
        helper.make_node("Mul", ["c2", "a2f"], ["h2"], name="conv2_scale"),
        helper.make_node("QuantizeLinear", ["h2", "s2", "z2"], ["h2q"]),
        helper.make_node("Flatten", ["h2q"], ["f"], name="flatten", axis=1),
        helper.make_node("MatMulInteger", ["f", "w3", "z2"], ["a3"], name="fc"),
        helper.make_node("Cast", ["a3"], ["a3f"], name="fc_cast", to=TensorProto.FLOAT),
        helper.make_node("Mul", ["a3f", "c3"], ["h3"], name="fc_scale"),
        helper.make_node("QuantizeLinear", ["h3", "s3", "z3"], ["h3q"]),
        helper.make_node("DequantizeLinear", ["h3q", "s3", "z3"], ["y"]),
    ]
    m = model(nodes, inits, ["N", 2, 6, 6], ["N", 3], "cnn_int")
    xs = i8((BATCH, 2, 6, 6))
    ys = []
    one = f32(1)
    for x in xs:
        h1 = conv(x, zx, w1, zw1, b1, one, c1, s1, z1, True, pads=(1, 1, 1, 1))
        p1 = maxpool(h1, 2, 2)
        h2 = conv(p1, z1, w2_u.astype(np.int64) - 128, [zw2_u - 128] * 5, [0] * 5, one, [c2] * 5, s2, z2, False)
        ys.append(dense(h2.reshape(-1), z2, w3, [0] * 3, [0] * 3, one, c3, s3, z3, False))
    save("cnn_int", m, xs, ys)


def unsupported():
    inits = [const("sx", f32(0.1)), const("zx", np.int8(0)), const("w", i8((4, 3))), const("sw", f32(0.05)),
             const("zw", np.int8(0))]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
        helper.make_node("DequantizeLinear", ["xq", "sx", "zx"], ["xf"]),
        helper.make_node("DequantizeLinear", ["w", "sw", "zw"], ["wf"]),
        helper.make_node("MatMul", ["xf", "wf"], ["m"], name="fc"),
        helper.make_node("Softmax", ["m"], ["y"], name="probabilities", axis=1),
    ]
    m = model(nodes, inits, ["N", 4], ["N", 3], "unsupported")
    onnx.checker.check_model(m)
    onnx.save(m, "unsupported.onnx")


def int_unstated_zero_point():
    """MatMulInteger without a_zero_point on a tensor quantized with zero point 7: refused (not guessed)."""
    inits = [const("sx", f32(0.1)), const("zx", np.int8(7)), const("w", i8((4, 3))), const("c", f32(0.001)),
             const("s", f32(0.2)), const("z", np.int8(0))]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
        helper.make_node("MatMulInteger", ["xq", "w"], ["a"], name="fc"),
        helper.make_node("Cast", ["a"], ["af"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["af", "c"], ["h"]),
        helper.make_node("QuantizeLinear", ["h", "s", "z"], ["y"]),
    ]
    m = model(nodes, inits, ["N", 4], ["N", 3], "int_unstated_zero_point", y_type=TensorProto.INT8)
    onnx.checker.check_model(m)
    onnx.save(m, "int_unstated_zero_point.onnx")


def chunked(name, channels, width, height, kernel, pool=None):
    """ConvInteger (3x3 pads 1, or 1x1) + Cast/Mul + QuantizeLinear [+ MaxPool pool x 1]: only the geometry matters."""
    r = np.random.default_rng(len(name) * 1000 + channels)   # its own generator: the fixtures above do not change
    k = kernel
    inits = [const("sx", f32(0.05)), const("zx", np.int8(0)),
             const("w", r.integers(-128, 128, (2 if pool is None else 1, channels, k, k)).astype(np.int8)),
             const("c", f32(0.0005)), const("s", f32(0.3)), const("z", np.int8(0))]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
        helper.make_node("ConvInteger", ["xq", "w", "zx"], ["a"], name="conv", kernel_shape=[k, k],
                         pads=[k // 2] * 4),
        helper.make_node("Cast", ["a"], ["af"], name="conv_cast", to=TensorProto.FLOAT),
        helper.make_node("Mul", ["af", "c"], ["h"], name="conv_scale"),
        helper.make_node("QuantizeLinear", ["h", "s", "z"], ["y" if pool is None else "hq"]),
    ]
    out = ["N", 2 if pool is None else 1, height, width]
    if pool is not None:
        nodes.append(helper.make_node("MaxPool", ["hq"], ["y"], name="pool", kernel_shape=[pool, 1]))
        out[2] = height - pool + 1
    m = model(nodes, inits, ["N", channels, height, width], out, name, y_type=TensorProto.INT8)
    onnx.checker.check_model(m)
    onnx.save(m, name + ".onnx")


if __name__ == "__main__":
    mlp = mlp_qdq()
    cnn_qop()
    cnn_qdq()
    unsupported()
    mlp_int()
    cnn_int()
    int_unstated_zero_point()
    chunked("wide_conv", 8, 64, 64, 3)
    chunked("edge_conv", 6, 64, 64, 3)
    chunked("wide_pool", 1, 4096, 12, 1, pool=7)
    chunked("edge_pool", 1, 4096, 12, 1, pool=6)
    whole = mlp.SerializeToString()
    with open("malformed.onnx", "wb") as f:
        f.write(whole[:len(whole) * 2 // 3])
    w1 = next(t for t in mlp.graph.initializer if t.name == "w1")
    del w1.dims[:]
    w1.dims.extend([1 << 20, 1 << 10])
    onnx.save(mlp, "lying_dims.onnx")       # no checker: it is meant to be wrong
