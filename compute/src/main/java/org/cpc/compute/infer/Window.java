package org.cpc.compute.infer;

/**
 * A sliding window over the height and width of a tensor, as Conv and MaxPool use it (ONNX's kernel_shape,
 * strides, pads as top, left, bottom, right, and dilations). Output side = ⌊(in + pads − dilation·(kernel−1) − 1)
 * / stride⌋ + 1.
 */
public record Window(int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft, int padBottom,
                     int padRight, int dilationH, int dilationW) {
    /** Larger windows, strides, pads or dilations are refused; real models stay far below. */
    public static final int MAX_SIDE = 1024;

    public Window {
        for (int v : new int[] {kernelH, kernelW, strideH, strideW, dilationH, dilationW}) {
            if (v < 1 || v > MAX_SIDE) throw new OnnxException("window kernel, stride and dilation must be 1.." + MAX_SIDE);
        }
        for (int v : new int[] {padTop, padLeft, padBottom, padRight}) {
            if (v < 0 || v > MAX_SIDE) throw new OnnxException("window pads must be 0.." + MAX_SIDE);
        }
    }

    public int outHeight(int h) {
        return side(h + padTop + padBottom, kernelH, dilationH, strideH);
    }

    public int outWidth(int w) {
        return side(w + padLeft + padRight, kernelW, dilationW, strideW);
    }

    private static int side(int padded, int kernel, int dilation, int stride) {
        int span = dilation * (kernel - 1) + 1;
        if (span > padded) throw new OnnxException("window of span " + span + " does not fit a side of " + padded);
        return (padded - span) / stride + 1;
    }
}
