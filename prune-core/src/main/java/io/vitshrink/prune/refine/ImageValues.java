package io.vitshrink.prune.refine;

/**
 * One activation of the calibration images, image after image: {@code images × tokens × width}
 * floats, row-major.
 */
public record ImageValues(float[] data, int images, int tokens, int width) {

    public ImageValues {
        if ((long) images * tokens * width != data.length) {
            throw new IllegalArgumentException(images + " × " + tokens + " × " + width + " values expected, got " + data.length);
        }
    }

    /** The given images, in that order, as one contiguous array. */
    public float[] gather(int[] imageIndices) {
        int per = tokens * width;
        float[] out = new float[imageIndices.length * per];
        for (int i = 0; i < imageIndices.length; i++) {
            System.arraycopy(data, imageIndices[i] * per, out, i * per, per);
        }
        return out;
    }

    /** Token rows {@code [from, to)} of every image. */
    public ImageValues rows(int from, int to) {
        if (from < 0 || to > tokens || from >= to) {
            throw new IllegalArgumentException("rows " + from + "…" + to + " of " + tokens);
        }
        int n = to - from;
        float[] out = new float[images * n * width];
        for (int i = 0; i < images; i++) {
            System.arraycopy(data, (i * tokens + from) * width, out, i * n * width, n * width);
        }
        return new ImageValues(out, images, n, width);
    }

    /** Element by element {@code a·this + b·other} (same layout). */
    public ImageValues blend(double a, ImageValues other, double b) {
        if (other.data.length != data.length) {
            throw new IllegalArgumentException("values of different shapes cannot be blended");
        }
        float[] out = new float[data.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) (a * data[k] + b * other.data[k]);
        }
        return new ImageValues(out, images, tokens, width);
    }
}
