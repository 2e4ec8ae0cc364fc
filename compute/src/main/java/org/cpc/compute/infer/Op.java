package org.cpc.compute.infer;

/**
 * One layer of an integer model: the whole op set. Every op maps one int8 tensor to the next; models are chains.
 * {@code node} is the ONNX node it came from, for messages and {@code cpc model inspect}; it is not committed.
 */
public sealed interface Op permits Op.Conv, Op.Dense, Op.MaxPool, Op.Flatten {
    String node();

    /** The output shape for an input shape, or an {@link OnnxException} when the op cannot take it. */
    Shape output(Shape in);

    /** Multiply-adds per sample. */
    default long macs(Shape in) {
        return 0;
    }

    /** 2-D convolution, group 1, by {@link IntLinear}: depth = channels·kernelH·kernelW, padding is the zero point. */
    record Conv(String node, IntLinear linear, Window window) implements Op {
        @Override
        public Shape output(Shape in) {
            if ((long) in.channels() * window.kernelH() * window.kernelW() != linear.depth()) {
                throw new OnnxException(node + ": weights expect " + linear.depth() + " values per patch, input " + in
                        + " with a " + window.kernelH() + "×" + window.kernelW() + " kernel gives "
                        + (long) in.channels() * window.kernelH() * window.kernelW());
            }
            return new Shape(linear.outputs(), window.outHeight(in.height()), window.outWidth(in.width()));
        }

        @Override
        public long macs(Shape in) {
            return (long) output(in).size() * linear.depth();
        }
    }

    /** Fully connected: a vector of depth values to one of outputs values. */
    record Dense(String node, IntLinear linear) implements Op {
        @Override
        public Shape output(Shape in) {
            if (!in.isVector() || in.channels() != linear.depth()) {
                throw new OnnxException(node + ": expects a vector of " + linear.depth() + " values, got " + in
                        + (in.isVector() ? "" : " (flatten it first)"));
            }
            return Shape.vector(linear.outputs());
        }

        @Override
        public long macs(Shape in) {
            return (long) linear.outputs() * linear.depth();
        }
    }

    /**
     * Max over each window of each channel; padding never wins (ONNX pads MaxPool with −∞). Pads smaller than the
     * kernel and no dilation, so that every window covers at least one input value.
     */
    record MaxPool(String node, Window window) implements Op {
        public MaxPool {
            if (window.dilationH() != 1 || window.dilationW() != 1 || window.padTop() >= window.kernelH()
                    || window.padBottom() >= window.kernelH() || window.padLeft() >= window.kernelW()
                    || window.padRight() >= window.kernelW()) {
                throw new OnnxException(node + ": MaxPool needs dilations 1 and pads smaller than the kernel");
            }
        }

        @Override
        public Shape output(Shape in) {
            return new Shape(in.channels(), window.outHeight(in.height()), window.outWidth(in.width()));
        }
    }

    /** C×H×W to a vector of C·H·W in the same order: no value changes. */
    record Flatten(String node) implements Op {
        @Override
        public Shape output(Shape in) {
            return Shape.vector(in.size());
        }
    }
}
