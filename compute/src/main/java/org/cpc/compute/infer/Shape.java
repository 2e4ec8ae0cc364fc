package org.cpc.compute.infer;

/**
 * The shape of one sample's tensor, channels × height × width (ONNX's NCHW without the batch), row-major; a vector
 * of K values is K × 1 × 1. Each side is at least 1 and the size fits an int.
 */
public record Shape(int channels, int height, int width) {
    public Shape {
        if (channels < 1 || height < 1 || width < 1 || (long) channels * height * width > Integer.MAX_VALUE) {
            throw new OnnxException("bad tensor shape " + channels + "×" + height + "×" + width);
        }
    }

    public static Shape vector(int k) {
        return new Shape(k, 1, 1);
    }

    /** Values per sample. */
    public int size() {
        return channels * height * width;
    }

    /** Values per channel. */
    public int plane() {
        return height * width;
    }

    public boolean isVector() {
        return height == 1 && width == 1;
    }

    @Override
    public String toString() {
        return isVector() ? String.valueOf(channels) : channels + "×" + height + "×" + width;
    }
}
