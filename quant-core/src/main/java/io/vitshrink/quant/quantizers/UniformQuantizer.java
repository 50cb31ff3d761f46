package io.vitshrink.quant.quantizers;

/**
 * The pure-Java reference of uniform quantization, bit-exact with ONNX {@code QuantizeLinear} /
 * {@code DequantizeLinear} (float32 division, round half to even, saturation) for per-tensor,
 * per-axis and blocked (per-group) parameters.
 *
 * <p>Index of the parameter for element {@code i} of a tensor of shape {@code dims}: per tensor 0;
 * per channel the coordinate on {@code axis}; per group {@code channel · groups + k / groupSize} where
 * {@code k} is the coordinate on the other axis of a 2-D weight (the input dimension).
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
        ParamIndex index = ParamIndex.of(dims, p);
        for (int i = 0; i < x.length; i++) {
            int j = index.of(i);
            float v = (float) Math.rint(x[i] / scale[j]) + zp[j];
            q[i] = (int) Math.max(qmin, Math.min(qmax, v));
        }
        return q;
    }

    public static float[] dequantize(int[] q, long[] dims, UniformParams p) {
        float[] x = new float[q.length];
        float[] scale = p.scale();
        int[] zp = p.zeroPoint();
        ParamIndex index = ParamIndex.of(dims, p);
        for (int i = 0; i < q.length; i++) {
            int j = index.of(i);
            x[i] = (q[i] - zp[j]) * scale[j];
        }
        return x;
    }

    /** Quantize then dequantize: what the model computes with after quantization. */
    public static float[] fakeQuantize(float[] x, long[] dims, UniformParams p) {
        return dequantize(quantize(x, dims, p), dims, p);
    }

    /** Maps a flat element index to its parameter index. */
    interface ParamIndex {
        int of(int flat);

        static ParamIndex of(long[] dims, UniformParams p) {
            Granularity g = p.spec().granularity();
            if (g == Granularity.PER_TENSOR || p.count() == 1) {
                return i -> 0;
            }
            int axis = p.axis() < 0 ? dims.length + p.axis() : p.axis();
            long inner = 1;
            for (int d = axis + 1; d < dims.length; d++) {
                inner *= dims[d];
            }
            long channels = dims[axis];
            long innerF = inner;
            if (g == Granularity.PER_CHANNEL) {
                return i -> (int) ((i / innerF) % channels);
            }
            // per group: 2-D weights only; the group runs along the non-channel axis
            if (dims.length != 2) {
                throw new IllegalArgumentException("per-group quantization needs a 2-D weight, got rank " + dims.length);
            }
            int groupSize = p.spec().groupSize();
            long other = dims[1 - axis];
            long groups = (other + groupSize - 1) / groupSize;
            if (axis == 0) { // [out, in]: row = channel, column = input index
                return i -> (int) ((i / other) * groups + (i % other) / groupSize);
            }
            // [in, out]: row = input index, column = channel
            return i -> (int) ((i % channels) * groups + (i / channels) / groupSize);
        }
    }
}
