package io.vitshrink.data.preprocess;

/**
 * The per-output-pixel filter taps of one resampling pass, in Pillow's fixed-point form.
 *
 * <p>For each output index: the first source index used, how many follow, and that many integer
 * weights with {@value #PRECISION_BITS} fractional bits. The weights are computed exactly as Pillow's
 * {@code precompute_coeffs} does (same double arithmetic, same truncating casts, normalization to a
 * sum of one, then rounding half away from zero to fixed point), so that sums of weighted uint8
 * samples land on the same side of every rounding boundary.
 */
final class ResampleKernel {
    /** 32 bits minus 8 for the sample minus 2 for the overshoot of negative-lobed kernels. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    final int outSize;
    final int taps;
    final int[] first;
    final int[] count;
    final int[] weights;

    private ResampleKernel(int outSize, int taps, int[] first, int[] count, int[] weights) {
        this.outSize = outSize;
        this.taps = taps;
        this.first = first;
        this.count = count;
        this.weights = weights;
    }

    /**
     * Taps for resampling {@code inSize} source pixels to {@code outSize}.
     *
     * @param antialias widen the kernel by the downscale factor (Pillow always does; without it the
     *     kernel keeps its unit support, which is plain interpolation and aliases on downscale)
     */
    static ResampleKernel compute(int inSize, int outSize, Interpolation filter, boolean antialias) {
        double scale = (double) inSize / outSize;
        double filterScale = antialias ? Math.max(scale, 1.0) : 1.0;
        double support = filter.support() * filterScale;
        int taps = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * taps];
        double[] k = new double[taps];
        double inverseScale = 1.0 / filterScale;
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            // Truncating casts, as in Pillow: "+ 0.5" then (int) rounds for positive values only.
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double sum = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = filter.weight((x + xmin - center + 0.5) * inverseScale);
                k[x] = w;
                sum += w;
            }
            for (int x = 0; x < xmax; x++) {
                double normalized = sum != 0.0 ? k[x] / sum : k[x];
                weights[xx * taps + x] = toFixed(normalized);
            }
            first[xx] = xmin;
            count[xx] = xmax;
        }
        return new ResampleKernel(outSize, taps, first, count, weights);
    }

    /** Rounds half away from zero into {@value #PRECISION_BITS}-bit fixed point. */
    private static int toFixed(double w) {
        double scaled = w * (1 << PRECISION_BITS);
        return w < 0 ? (int) (-0.5 + scaled) : (int) (0.5 + scaled);
    }

    /** A fixed-point sum (including the rounding half) back to a clamped byte value. */
    static int clip8(int accumulator) {
        int v = accumulator >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** The rounding constant every accumulator starts from: one half in fixed point. */
    static int half() {
        return 1 << (PRECISION_BITS - 1);
    }
}
