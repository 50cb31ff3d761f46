package io.vitshrink.quant.nonuniform;

import java.util.ArrayList;
import java.util.List;

/**
 * Scale search for {@link Log2Quantizer} and {@link LogSqrt2Quantizer} on the consumer-product error
 * (RepQ-ViT searches the scale of its log√2 quantizer among the maximum and high percentiles; here the
 * candidates are scale 1 when the values lie in [0, 1], the maximum times {@code 2^(-i/8)}, and the
 * 99.9/99.99/99.999th percentiles). Negative inputs get AdaLog's shift by {@code -min}.
 */
public final class LogSearch {

    private LogSearch() {
    }

    public static Log2Quantizer log2(ConsumerProduct p, int bits) {
        return search(p, bits, (s, shift) -> new Log2Quantizer(bits, s, shift));
    }

    public static LogSqrt2Quantizer logSqrt2(ConsumerProduct p, int bits) {
        return search(p, bits, (s, shift) -> new LogSqrt2Quantizer(bits, s, shift));
    }

    /** {@link #log2} on {@code A·B} samples ({@link ConsumerProduct#of}). */
    public static Log2Quantizer log2(float[] a, long[] aShape, float[] b, long[] bShape, int bits) {
        return log2(ConsumerProduct.of(a, aShape, b, bShape), bits);
    }

    /** {@link #logSqrt2} on {@code A·B} samples ({@link ConsumerProduct#of}). */
    public static LogSqrt2Quantizer logSqrt2(float[] a, long[] aShape, float[] b, long[] bShape, int bits) {
        return logSqrt2(ConsumerProduct.of(a, aShape, b, bShape), bits);
    }

    /** The unsearched choice: shift {@code -min} for negative data, scale 1 for data in [0, 1], else the maximum. */
    public static float[] initialScaleAndShift(ConsumerProduct p) {
        float[] range = p.range();
        float shift = shiftFor(range);
        float top = range[1] + shift;
        float scale = shift == 0 && range[1] <= 1 ? 1f : top > 0 ? top : 1f;
        return new float[] {scale, shift};
    }

    /** {@code -min} when the data has negatives, else 0. */
    static float shiftFor(float[] range) {
        return range[0] < 0 ? -range[0] : 0f;
    }

    /** Scale candidates for inputs {@code x + shift}: initial, max·2^(-i/8) (i < 16), high percentiles. */
    static List<Float> scaleCandidates(ConsumerProduct p, float initial, float shift) {
        List<Float> out = new ArrayList<>();
        out.add(initial);
        float top = p.range()[1] + shift;
        if (top > 0) {
            for (int i = 0; i < 16; i++) {
                out.add((float) (top * Math.pow(2, -i / 8.0)));
            }
            for (float q : p.quantiles(0.999, 0.9999, 0.99999)) {
                if (q + shift > 0) {
                    out.add(q + shift);
                }
            }
        }
        return out.stream().distinct().toList();
    }

    interface Factory<Q> {
        Q make(float scale, float shift);
    }

    private static <Q extends LogQuantizer> Q search(ConsumerProduct p, int bits, Factory<Q> factory) {
        float[] init = initialScaleAndShift(p);
        Candidates<Q> c = new Candidates<>(p);
        for (float s : scaleCandidates(p, init[0], init[1])) {
            c.offer(() -> factory.make(s, init[1]));
        }
        return c.best();
    }
}
