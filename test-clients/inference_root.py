#!/usr/bin/env python3
"""An inference job's result_hash and a batch's input_root, computed from docs/protocol.md alone
("Trace commitments and fraud proofs (inference)"), by code that shares nothing with the project's Java.

    inference_root.py trace FILE LAYOUT_JSON    prints the result_hash of the job output (trace) in FILE
    inference_root.py input FILE SAMPLE_BYTES   prints the input_root of the batch in FILE

LAYOUT_JSON: {"samples": n, "layers": [{"size": values per sample, "accumulators": true or false}, ...]}, the
model's layers in order. Python's standard library only.
"""
import hashlib
import json
import sys

CHUNK = 4096


def sha256(b):
    return hashlib.sha256(b).digest()


def mth(leaf_hashes):
    """RFC 6962 section 2.1 over leaves given by their hashes: split at the largest power of two below n."""
    n = len(leaf_hashes)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaf_hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return sha256(b"\x01" + mth(leaf_hashes[:k]) + mth(leaf_hashes[k:]))


def row_root(row):
    """A row cut into chunks of 4096 bytes (the last one holds the rest); leaf = the chunk's bytes."""
    return mth([sha256(b"\x00" + row[i:i + CHUNK]) for i in range(0, len(row), CHUNK)])


def result_hash(trace, layout):
    n = layout["samples"]
    blocks = []  # per layer: (accumulator block or None, activation block, size)
    at = 0
    for layer in layout["layers"]:
        z = layer["size"]
        acc = None
        if layer["accumulators"]:
            acc = trace[at:at + 4 * n * z]
            at += 4 * n * z
        blocks.append((acc, trace[at:at + n * z], z))
        at += n * z
    if at != len(trace):
        raise SystemExit("the trace is %d bytes, the layout says %d" % (len(trace), at))
    samples = []
    for s in range(n):
        layers = []
        for acc, act, z in blocks:
            acc_root = sha256(b"") if acc is None else row_root(acc[s * 4 * z:(s + 1) * 4 * z])
            layers.append(sha256(b"\x01" + acc_root + row_root(act[s * z:(s + 1) * z])))
        samples.append(mth(layers))
    return mth(samples)


def input_root(batch, sample_bytes):
    if len(batch) % sample_bytes:
        raise SystemExit("the batch is not a whole number of samples of %d bytes" % sample_bytes)
    return mth([row_root(batch[i:i + sample_bytes]) for i in range(0, len(batch), sample_bytes)])


def main():
    kind, path, arg = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(path, "rb") as f:
        data = f.read()
    if kind == "trace":
        print(result_hash(data, json.loads(arg)).hex())
    elif kind == "input":
        print(input_root(data, int(arg)).hex())
    else:
        raise SystemExit("usage: inference_root.py trace FILE LAYOUT_JSON | input FILE SAMPLE_BYTES")


main()
