#!/usr/bin/python3
"""Trains, quantizes and exports the Fashion-MNIST models of the inference tests, reproducibly from a seed.

Needs Debian's packages only: python3-torch (training: a real optimizer and autograd, which code of our own would
not match), python3-onnx (export with onnx.helper), python3-numpy, and dataset-fashion-mnist (the data, read from
/usr/share/datasets/fashion-mnist). Run from this directory with Debian's own interpreter:

    /usr/bin/python3 train_fashion.py [mlp] [cnn]   (the same files every time; on the project's shared 2-core
                                                    machine at load 20-50: about 50 min for mlp, 85 for cnn)

For each model (mlp: 784-256-128-10, 15 epochs; cnn: conv 8 3x3 + ReLU + pool, conv 16 3x3 + ReLU + pool,
dense 128 + ReLU, dense 10, 15 epochs; Adam with a cosine learning-rate schedule, no augmentation) it writes
  <m>.onnx              QDQ int8 model (per-channel symmetric weights, int32 bias, per-tensor activations)
  <m>.predictions.bin   10,000 predicted classes (one byte each) on the test set, by the integer reference below
  <m>.subset.input.bin  the first SUBSET test images as int8 model input (pixel - 128)
  <m>.subset.expected.bin their int8 output logits by the integer reference
  <m>.accuracy.properties  float and int8 test accuracy (exact counts out of 10,000)

Quantization is post-training and static: input scale 1/255 and zero point -128 (so an image's int8 input is exactly
pixel - 128), weights symmetric per output channel (max |w| / 127), bias int32 at scale s_in*s_w, activations after
ReLU per tensor over [0, their 99.99th percentile] on a calibration set of 2,000 training images (scale p/255, zero
point -128), logits symmetric over the calibration set's largest |logit| (zero point 0).
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
        self.fc1 = torch.nn.Linear(784, 256)
        self.fc2 = torch.nn.Linear(256, 128)
        self.fc3 = torch.nn.Linear(128, 10)

    def forward(self, x):
        x = torch.relu(self.fc1(x.reshape(x.shape[0], -1)))
        return self.fc3(torch.relu(self.fc2(x)))

    def plan(self):
        return [("fc1", "Gemm", self.fc1), ("fc2", "Gemm", self.fc2), ("fc3", "Gemm", self.fc3)]


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.fc1 = torch.nn.Linear(16 * 7 * 7, 128)
        self.fc2 = torch.nn.Linear(128, 10)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc2(torch.relu(self.fc1(x.reshape(x.shape[0], -1))))

    def plan(self):
        return [("conv1", "Conv", self.conv1), ("pool1", "MaxPool"), ("conv2", "Conv", self.conv2),
                ("pool2", "MaxPool"), ("flatten", "Flatten"), ("fc1", "Gemm", self.fc1), ("fc2", "Gemm", self.fc2)]


def images(x):
    return torch.from_numpy(x.astype(np.float32) / np.float32(255)).reshape(-1, 1, 28, 28)


def train(net, epochs):
    """Adam with a cosine learning-rate schedule over the epochs (no augmentation)."""
    xs, ys = images(train_x), torch.from_numpy(train_y.astype(np.int64))
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    g = torch.Generator().manual_seed(SEED)
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(len(xs), generator=g)
        for i in range(0, len(xs), BATCH):
            batch = order[i:i + BATCH]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(xs[batch]), ys[batch]).backward()
            opt.step()
        schedule.step()
        print(f"  epoch {epoch + 1} done", flush=True)
    net.eval()
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


def quantize(name, net, x_shape):
    """Calibrates every Conv/Gemm's output scale on the first CALIBRATION training images, quantizes the weights,
    and returns the integer reference run (images -> int8 logits) and the exported model."""
    plan = net.plan()
    linear = [i for i, step in enumerate(plan) if step[1] in ("Conv", "Gemm")]
    scales = {}
    with torch.no_grad():
        h = images(train_x[:CALIBRATION])
        for i, step in enumerate(plan):
            if step[1] == "MaxPool":
                h = torch.max_pool2d(h, 2)
            elif step[1] == "Flatten":
                h = h.reshape(h.shape[0], -1)
            else:
                h = step[2](h.reshape(h.shape[0], -1) if step[1] == "Gemm" else h)
                if i != linear[-1]:
                    h = torch.relu(h)
                    scales[i] = activation_scale(h.numpy())
                else:
                    scales[i] = np.float32(np.abs(h.numpy()).max() / 127)
    layers, quantized, s_in = [], {}, np.float32(1 / 255)
    for i, step in enumerate(plan):
        if step[1] in ("MaxPool", "Flatten"):
            layers.append(step[:2])
            continue
        last = i == linear[-1]
        quantized[i] = Layer(step[2].weight, step[2].bias, s_in)
        layers.append((step[0], step[1], quantized[i], scales[i], 0 if last else -128, not last))
        s_in = scales[i]

    def run(x):
        out = []
        for part in np.array_split(quant_input(x), max(1, len(x) // 500)):
            a, z = part, -128
            for i, step in enumerate(plan):
                if step[1] == "MaxPool":
                    a = pool(a)
                elif step[1] == "Flatten":
                    a = a.reshape(a.shape[0], -1)
                else:
                    lay, last = quantized[i], i == linear[-1]
                    z_out = 0 if last else -128
                    if step[1] == "Conv":
                        n, _, hh, ww = a.shape
                        acc = lay.acc(im2col(a, z), z)
                        a = requant(acc, lay.s_in, lay.s_w, scales[i], z_out, not last).reshape(n, -1, hh, ww)
                    else:
                        acc = lay.acc(a.reshape(a.shape[0], -1, 1), z)
                        a = requant(acc, lay.s_in, lay.s_w, scales[i], z_out, not last).reshape(a.shape[0], -1)
                    z = z_out
            out.append(a.reshape(-1, 10))
        return np.concatenate(out)

    return run, export(name, x_shape, layers)


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
    models = {"mlp": (Mlp, 15, [1, 784]), "cnn": (Cnn, 15, [1, 1, 28, 28])}
    for name in names or models:
        make, epochs, x_shape = models[name]
        print(f"{name}: training", flush=True)
        net = train(make(), epochs)
        float_correct = int((float_predictions(net) == test_y).sum())
        run, _ = quantize(name, net, x_shape)
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
