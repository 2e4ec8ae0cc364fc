#!/usr/bin/python3
"""Trains, quantizes and exports the Fashion-MNIST models of the inference tests, reproducibly from a seed.

Needs Debian's packages only: python3-torch (training: a real optimizer and autograd, which code of our own would
not match), python3-onnx (export with onnx.helper), python3-numpy, and dataset-fashion-mnist (the data, read from
/usr/share/datasets/fashion-mnist). Run from this directory with Debian's own interpreter:

    /usr/bin/python3 train_fashion.py [mlp] [cnn]   (minutes on two cores; the same files every time)

For each model (mlp: 784-128-10; cnn: conv 8 3x3 + ReLU + pool, conv 16 3x3 + ReLU + pool, dense 10) it writes
  <m>.onnx              QDQ int8 model (per-channel symmetric weights, int32 bias, per-tensor activations)
  <m>.predictions.bin   10,000 predicted classes (one byte each) on the test set, by the integer reference below
  <m>.subset.input.bin  the first SUBSET test images as int8 model input (pixel - 128)
  <m>.subset.expected.bin their int8 output logits by the integer reference
  <m>.accuracy.properties  float and int8 test accuracy (exact counts out of 10,000)

Quantization is post-training and static: input scale 1/255 and zero point -128 (so an image's int8 input is exactly
pixel - 128), weights symmetric per output channel (max |w| / 127), bias int32 at scale s_in*s_w, activations after
ReLU per tensor over [0, max] of a calibration set (scale max/255, zero point -128), logits symmetric (zero point 0).
The integer reference is the rule of docs/protocol.md ("Inference models") in numpy int64, written from the
protocol text, not from the Java code: the Java executor must agree with it on every byte.
"""
import gzip
import math
import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

DATA = "/usr/share/datasets/fashion-mnist"
SEED = 20250611
SUBSET = 64
CALIBRATION = 2000
BATCH = 256
torch.manual_seed(SEED)
torch.set_num_threads(2)
rng = np.random.default_rng(SEED)


def idx(name):
    with gzip.open(os.path.join(DATA, name)) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


train_x, train_y = idx("train-images-idx3-ubyte.gz"), idx("train-labels-idx1-ubyte.gz")
test_x, test_y = idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz")


# ---- float models ----

class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(784, 128)
        self.fc2 = torch.nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x.reshape(x.shape[0], -1))))


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.fc = torch.nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc(x.reshape(x.shape[0], -1))


def images(x):
    return torch.from_numpy(x.astype(np.float32) / np.float32(255)).reshape(-1, 1, 28, 28)


def train(net, epochs):
    xs, ys = images(train_x), torch.from_numpy(train_y.astype(np.int64))
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    g = torch.Generator().manual_seed(SEED)
    for epoch in range(epochs):
        order = torch.randperm(len(xs), generator=g)
        for i in range(0, len(xs), BATCH):
            batch = order[i:i + BATCH]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(xs[batch]), ys[batch]).backward()
            opt.step()
        print(f"  epoch {epoch + 1} done", flush=True)
    return net


def float_predictions(net):
    with torch.no_grad():
        return net(images(test_x)).argmax(1).numpy()


# ---- the integer rule (docs/protocol.md) ----

def requant_params(m):
    q, e = math.frexp(m)
    mult = math.floor(q * 2.0 ** 31 + 0.5)
    shift = 31 - e
    if mult == 2 ** 31:
        mult, shift = 2 ** 30, shift - 1
    assert 1 <= shift <= 62
    return mult, shift


def requant(acc, s_in, s_w, s_out, zp_out, relu):
    """acc: samples x channels x positions int64; s_w per channel."""
    out = np.empty_like(acc)
    for o in range(acc.shape[1]):
        mult, shift = requant_params(float(np.float32(s_in)) * float(np.float32(s_w[o])) / float(np.float32(s_out)))
        out[:, o] = zp_out + ((acc[:, o] * mult + (1 << (shift - 1))) >> shift)
    return np.clip(out, max(-128, zp_out) if relu else -128, 127)


def im2col(x, zx):
    """x: n x c x h x w int64, 3x3 kernel, pad 1 with the zero point: n x (c*9) x (h*w)."""
    n, c, h, w = x.shape
    xp = np.full((n, c, h + 2, w + 2), zx, dtype=np.int64)
    xp[:, :, 1:h + 1, 1:w + 1] = x
    cols = np.empty((n, c, 9, h * w), dtype=np.int64)
    for i in range(3):
        for j in range(3):
            cols[:, :, i * 3 + j] = xp[:, :, i:i + h, j:j + w].reshape(n, c, h * w)
    return cols.reshape(n, c * 9, h * w)


def pool(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


class Layer:
    """Quantized weights (outputs x depth int8, symmetric per channel), int32 bias, scales."""

    def __init__(self, weight, bias, s_in):
        w = weight.detach().numpy().reshape(weight.shape[0], -1).astype(np.float64)
        self.s_w = (np.abs(w).max(axis=1) / 127).astype(np.float32)
        self.w = np.clip(np.round(w / self.s_w[:, None]), -127, 127).astype(np.int8)
        self.b = np.round(bias.detach().numpy() / (np.float32(s_in) * self.s_w).astype(np.float64)).astype(np.int32)
        self.s_in = np.float32(s_in)
        self.shape = tuple(weight.shape)

    def acc(self, cols, zx):
        """cols: n x depth x positions int64."""
        return np.einsum("od,ndp->nop", self.w.astype(np.int64), cols - zx) + self.b.astype(np.int64)[None, :, None]


def quant_input(x):
    return x.astype(np.int64).reshape(-1, 1, 28, 28) - 128


def activation_scale(values):
    return np.float32(np.percentile(values, 99.99) / 255)


def quantize_mlp(net):
    calib = images(train_x[:CALIBRATION])
    with torch.no_grad():
        h = torch.relu(net.fc1(calib.reshape(-1, 784)))
        s1 = activation_scale(h.numpy())
        s2 = np.float32(np.abs(net(calib).numpy()).max() / 127)
    fc1 = Layer(net.fc1.weight, net.fc1.bias, np.float32(1 / 255))
    fc2 = Layer(net.fc2.weight, net.fc2.bias, s1)

    def run(x):
        a = fc1.acc(quant_input(x).reshape(-1, 784, 1), -128)
        h = requant(a, fc1.s_in, fc1.s_w, s1, -128, True)
        return requant(fc2.acc(h, -128), s1, fc2.s_w, s2, 0, False).reshape(-1, 10)

    layers = [("fc1", "Gemm", fc1, s1, -128, True), ("fc2", "Gemm", fc2, s2, 0, False)]
    return run, export("mlp", [1, 784], layers)


def quantize_cnn(net):
    calib = images(train_x[:CALIBRATION])
    with torch.no_grad():
        c1 = torch.relu(net.conv1(calib))
        c2 = torch.relu(net.conv2(torch.max_pool2d(c1, 2)))
        s1, s2 = activation_scale(c1.numpy()), activation_scale(c2.numpy())
        s3 = np.float32(np.abs(net(calib).numpy()).max() / 127)
    conv1 = Layer(net.conv1.weight, net.conv1.bias, np.float32(1 / 255))
    conv2 = Layer(net.conv2.weight, net.conv2.bias, s1)
    fc = Layer(net.fc.weight, net.fc.bias, s2)

    def run(x):
        out = []
        for part in np.array_split(quant_input(x), max(1, len(x) // 500)):
            y1 = pool(requant(conv1.acc(im2col(part, -128), -128), conv1.s_in, conv1.s_w, s1, -128, True)
                      .reshape(-1, 8, 28, 28))
            y2 = pool(requant(conv2.acc(im2col(y1, -128), -128), s1, conv2.s_w, s2, -128, True).reshape(-1, 16, 14, 14))
            out.append(requant(fc.acc(y2.reshape(-1, 784, 1), -128), s2, fc.s_w, s3, 0, False).reshape(-1, 10))
        return np.concatenate(out)

    layers = [("conv1", "Conv", conv1, s1, -128, True), ("pool1", "MaxPool"),
              ("conv2", "Conv", conv2, s2, -128, True), ("pool2", "MaxPool"), ("flatten", "Flatten"),
              ("fc", "Gemm", fc, s3, 0, False)]
    return run, export("cnn", [1, 1, 28, 28], layers)


# ---- ONNX export (QDQ) ----

def export(name, x_shape, layers):
    inits, nodes = [], []

    def const(n, a):
        inits.append(numpy_helper.from_array(np.asarray(a), n))
        return n

    cur = "x"
    s_cur, z_cur = np.float32(1 / 255), -128
    const("s_x", s_cur)
    const("z_x", np.int8(z_cur))
    nodes.append(helper.make_node("QuantizeLinear", ["x", "s_x", "z_x"], ["x_q"], name="quant_x"))
    q_cur, s_name, z_name = "x_q", "s_x", "z_x"
    for layer in layers:
        lname, kind = layer[0], layer[1]
        if kind == "MaxPool":
            nodes.append(helper.make_node("DequantizeLinear", [q_cur, s_name, z_name], [lname + "_in"]))
            nodes.append(helper.make_node("MaxPool", [lname + "_in"], [lname + "_f"], name=lname,
                                          kernel_shape=[2, 2], strides=[2, 2]))
            nodes.append(helper.make_node("QuantizeLinear", [lname + "_f", s_name, z_name], [lname + "_q"]))
            q_cur = lname + "_q"
            continue
        if kind == "Flatten":
            nodes.append(helper.make_node("Flatten", [q_cur], [lname + "_q"], name=lname, axis=1))
            q_cur = lname + "_q"
            continue
        _, _, lay, s_out, z_out, relu = layer
        nodes.append(helper.make_node("DequantizeLinear", [q_cur, s_name, z_name], [lname + "_in"]))
        w = lay.w.reshape(lay.shape)
        const(lname + "_w", w)
        const(lname + "_sw", lay.s_w)
        const(lname + "_zw", np.zeros(len(lay.s_w), np.int8))
        const(lname + "_b", lay.b)
        const(lname + "_sb", (np.float32(lay.s_in) * lay.s_w).astype(np.float32))
        const(lname + "_zb", np.zeros(len(lay.s_w), np.int32))
        nodes.append(helper.make_node("DequantizeLinear", [lname + "_w", lname + "_sw", lname + "_zw"], [lname + "_wf"],
                                      axis=0))
        nodes.append(helper.make_node("DequantizeLinear", [lname + "_b", lname + "_sb", lname + "_zb"],
                                      [lname + "_bf"], axis=0))
        if kind == "Conv":
            nodes.append(helper.make_node("Conv", [lname + "_in", lname + "_wf", lname + "_bf"], [lname + "_f"],
                                          name=lname, kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
        else:
            nodes.append(helper.make_node("Gemm", [lname + "_in", lname + "_wf", lname + "_bf"], [lname + "_f"],
                                          name=lname, transB=1))
        f = lname + "_f"
        if relu:
            nodes.append(helper.make_node("Relu", [f], [lname + "_r"], name=lname + "_relu"))
            f = lname + "_r"
        s_name, z_name = const(lname + "_s", np.float32(s_out)), const(lname + "_z", np.int8(z_out))
        nodes.append(helper.make_node("QuantizeLinear", [f, s_name, z_name], [lname + "_q"]))
        q_cur = lname + "_q"
    nodes.append(helper.make_node("DequantizeLinear", [q_cur, s_name, z_name], ["y"]))
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N"] + x_shape[1:])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="cpc train_fashion.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, name + ".onnx")
    return model


def main(names):
    models = {"mlp": (Mlp, 6, quantize_mlp), "cnn": (Cnn, 3, quantize_cnn)}
    for name in names or models:
        make, epochs, quantize = models[name]
        print(f"{name}: training", flush=True)
        net = train(make(), epochs)
        net.eval()
        float_correct = int((float_predictions(net) == test_y).sum())
        run, _ = quantize(net)
        logits = run(test_x)
        predictions = logits.argmax(axis=1).astype(np.uint8)   # the first maximum wins, as in the Java test
        int_correct = int((predictions == test_y).sum())
        print(f"{name}: float {float_correct}/10000, int8 {int_correct}/10000", flush=True)
        predictions.tofile(name + ".predictions.bin")
        quant_input(test_x[:SUBSET]).astype(np.int8).tofile(name + ".subset.input.bin")
        logits[:SUBSET].astype(np.int8).tofile(name + ".subset.expected.bin")
        with open(name + ".accuracy.properties", "w") as f:
            f.write("# written by train_fashion.py: correct predictions on the 10,000 Fashion-MNIST test images\n")
            f.write(f"float.correct={float_correct}\nint8.correct={int_correct}\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
