package io.vitshrink.quant.observers;

import io.vitshrink.quant.quantizers.UniformParams;

/**
 * The squared error of a per-tensor uniform quantizer integrated over an interval, in closed form: the
 * rounding error inside the grid (a saw-tooth, Δ³/12 per full step) plus the clipping error
 * {@code (x − edge)²} outside it. Integrating each histogram bin with its values spread uniformly is the
 * error model of PyTorch's {@code HistogramObserver} ({@code density · (end³ − begin³) / 3}); here it is
 * evaluated for the exact scale and zero point that {@link UniformParams#fromRanges} would export.
 */
final class UniformGridError {

    private final double step;
    private final double zp;
    private final double qmin;
    private final double qmax;
    private final double lowGrid;   // dequantized qmin
    private final double highGrid;  // dequantized qmax
    private final double roundLo;   // below: everything maps to lowGrid
    private final double roundHi;   // above: everything maps to highGrid

    UniformGridError(UniformParams p) {
        step = p.scale()[0];
        zp = p.zeroPoint()[0];
        qmin = p.spec().qmin();
        qmax = p.spec().qmax();
        lowGrid = (p.spec().qmin() - zp) * step;
        highGrid = (p.spec().qmax() - zp) * step;
        roundLo = lowGrid - step / 2;
        roundHi = highGrid + step / 2;
    }

    /** ∫ over [u0, u1] of (Q(x) − x)² dx. */
    double integral(double u0, double u1) {
        double e = 0;
        if (u0 < roundLo) {
            double b = Math.min(u1, roundLo);
            e += cube(b - lowGrid) / 3 - cube(u0 - lowGrid) / 3;
        }
        if (u1 > roundHi) {
            double a = Math.max(u0, roundHi);
            e += cube(u1 - highGrid) / 3 - cube(a - highGrid) / 3;
        }
        double a = Math.max(u0, roundLo);
        double b = Math.min(u1, roundHi);
        if (b > a) {
            e += sawTooth(b) - sawTooth(a);
        }
        return e;
    }

    /** (Q(x) − x)² at one point. */
    double at(double x) {
        double q = Math.max(qmin, Math.min(qmax, Math.rint(x / step) + zp));
        double d = (q - zp) * step - x;
        return d * d;
    }

    /** Mean squared error over [u0, u1] (a point when u0 == u1). */
    double mean(double u0, double u1) {
        return u1 > u0 ? integral(u0, u1) / (u1 - u0) : at(u0);
    }

    /** ∫ from roundLo to x of the rounding error squared. */
    private double sawTooth(double x) {
        double y = (x - roundLo) / step;
        double m = Math.floor(y);
        double f = y - m;
        return step * step * step * (m / 12 + (cube(f - 0.5) + 0.125) / 3);
    }

    private static double cube(double x) {
        return x * x * x;
    }
}
