package io.vitshrink.quant.nonuniform;

import java.math.BigInteger;

/**
 * The exact decision thresholds of a logarithmic quantizer, as float32 values.
 *
 * <p>A log quantizer with base {@code 2^(num/den)} gives input {@code u > 0} the code
 * {@code round(-log_base(u))}, rounded in exact real arithmetic, half to even, then clamped to
 * {@code [0, L]} ({@code L = 2^bits} is the "zero" code). So the code is at least {@code j} exactly
 * when {@code -log_base(u) > j - ½}, or equals it and {@code j} is even; that is when
 * {@code u < θ_j = 2^(-(2j-1)·num/(2·den))}, or {@code u == θ_j} and {@code j} is even. This class turns
 * each θ_j into the float {@code B_j} with
 *
 * <pre>code(u) ≥ j  ⇔  u &lt; B_j          (every float u &gt; 0)</pre>
 *
 * <ul>
 *   <li>θ_j not a float (the usual case: a power of two with a non-integer exponent, or below the
 *       smallest subnormal): {@code B_j} is the smallest float above θ_j;</li>
 *   <li>θ_j a float ({@code (2j-1)·num/(2·den)} an integer ≤ 149): {@code B_j = θ_j} when {@code j} is
 *       odd (the tie rounds down to the even {@code j-1}), the next float above it when {@code j} is even
 *       (the tie rounds up to {@code j}).</li>
 * </ul>
 *
 * The search is exact: a double estimate from {@link StrictMath#pow} settles it when it is clearly away
 * from the float grid; otherwise the candidate float {@code F = M·2^k} is compared with θ_j in integers,
 * {@code M^(2·den)} against {@code 2^(-(2j-1)·num - k·2·den)}. No platform's {@code log} is involved, so
 * the reference and ONNX Runtime agree by construction (see {@link NonUniformRewriter}).
 */
final class LogThresholds {

    private LogThresholds() {
    }

    /**
     * {@code B_0 … B_{L+1}}: {@code B_0 = +∞} (every finite input has code ≥ 0), {@code B_j} as above for
     * {@code 1 ≤ j ≤ L}, {@code B_{L+1} = -∞} (no code beyond zero). Non-increasing.
     *
     * @param levels {@code L}, the number of non-zero codes
     * @param num numerator of {@code log2(base)}, positive
     * @param den denominator of {@code log2(base)}, positive
     */
    static float[] of(int levels, long num, long den) {
        float[] b = new float[levels + 2];
        b[0] = Float.POSITIVE_INFINITY;
        for (int j = 1; j <= levels; j++) {
            b[j] = boundary(j, num, den);
        }
        b[levels + 1] = Float.NEGATIVE_INFINITY;
        return b;
    }

    /** {@code B_j} for base {@code 2^(num/den)}. */
    static float boundary(int j, long num, long den) {
        // θ_j = 2^(-n/d) with n/d = (2j-1)·num / (2·den), reduced
        long n = (2L * j - 1) * num;
        long d = 2 * den;
        long g = gcd(n, d);
        n /= g;
        d /= g;
        if (d == 1) {
            if (n > 149) {
                return Float.MIN_VALUE; // θ below every positive float: code ≥ j only for u ≤ 0
            }
            float theta = Math.scalb(1f, (int) -n);
            return j % 2 == 0 ? Math.nextUp(theta) : theta;
        }
        long whole = n / d;
        if (whole >= 150) {
            return Float.MIN_VALUE; // θ < 2^-150, below half the smallest subnormal
        }
        long rest = n % d;
        double estimate = Math.scalb(StrictMath.pow(2.0, -(double) rest / d), (int) -whole);
        float nearest = (float) estimate;
        double gap = estimate - nearest;
        if (Math.abs(gap) > estimate * 0x1p-40) {
            // |θ - estimate| ≤ a few double ulps, far below the gap: θ is on the same side of `nearest`
            return gap > 0 ? Math.nextUp(nearest) : nearest;
        }
        return smallestAbove(n, d, nearest);
    }

    /** The smallest float above the irrational θ = 2^(-n/d), searched from a close guess. */
    private static float smallestAbove(long n, long d, float guess) {
        float f = guess > 0 ? guess : Float.MIN_VALUE;
        if (compare(f, n, d) > 0) {
            while (true) {
                float below = Math.nextDown(f);
                if (below > 0 && compare(below, n, d) > 0) {
                    f = below;
                } else {
                    return f;
                }
            }
        }
        do {
            f = Math.nextUp(f);
        } while (compare(f, n, d) <= 0);
        return f;
    }

    /** Sign of {@code f - 2^(-n/d)} for a positive finite float {@code f}, in exact integer arithmetic. */
    static int compare(float f, long n, long d) {
        int bits = Float.floatToRawIntBits(f);
        int exponent = (bits >>> 23) & 0xFF;
        long mantissa = bits & 0x7FFFFF;
        int k;
        if (exponent == 0) {
            k = -149;
        } else {
            mantissa |= 0x800000;
            k = exponent - 150;
        }
        int zeros = Long.numberOfTrailingZeros(mantissa);
        mantissa >>= zeros;
        k += zeros;
        // f^d = M^d · 2^(k·d) against 2^(-n):  M^d against 2^p with p = -n - k·d
        long p = -n - (long) k * d;
        if (p < 0) {
            return 1; // M^d ≥ 1 > 2^p
        }
        return BigInteger.valueOf(mantissa).pow(Math.toIntExact(d)).compareTo(BigInteger.ONE.shiftLeft(Math.toIntExact(p)));
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return Math.abs(a);
    }
}
