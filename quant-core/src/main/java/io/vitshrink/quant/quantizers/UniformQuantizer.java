package io.vitshrink.quant.quantizers;

/**
 * The pure-Java reference of uniform quantization, bit-exact with ONNX {@code QuantizeLinear} /
 * {@code DequantizeLinear} (float32 division, round half to even, saturation) for per-tensor,
 * per-axis and blocked (per-group) parameters.
 *
 * <p>Which parameter each element uses is {@link ParamLayout}.
 */
public final class UniformQuantizer {

    private UniformQuantizer() {
    }

    /** Integer levels of {@code x}. */
    public static int[] quantize(float[] x, long[] dims, UniformParams p) {
        int[] q = new int[x.length];
        int qmin = p.spec().qmin();
        int qmax = p.spec().qmax();
        float[] scale = p.scale();
        int[] zp = p.zeroPoint();
        int[] slot = ParamLayout.of(dims, p.axis(), p.spec(), x.length).slot;
        for (int i = 0; i < x.length; i++) {
            int j = slot[i];
            float v = (float) Math.rint(x[i] / scale[j]) + zp[j];
            q[i] = (int) Math.max(qmin, Math.min(qmax, v));
        }
        return q;
    }

    public static float[] dequantize(int[] q, long[] dims, UniformParams p) {
        float[] x = new float[q.length];
        float[] scale = p.scale();
        int[] zp = p.zeroPoint();
        int[] slot = ParamLayout.of(dims, p.axis(), p.spec(), q.length).slot;
        for (int i = 0; i < q.length; i++) {
            int j = slot[i];
            x[i] = (q[i] - zp[j]) * scale[j];
        }
        return x;
    }

    /** Quantize then dequantize: what the model computes with after quantization. */
    public static float[] fakeQuantize(float[] x, long[] dims, UniformParams p) {
        return dequantize(quantize(x, dims, p), dims, p);
    }
}
