package io.vitshrink.quant.rewrite;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How a uniform quantizer is written in ONNX {@code QuantizeLinear}/{@code DequantizeLinear} terms:
 * the integer storage type a bit width maps to, the opset it needs, and the scale / zero-point tensors
 * in ONNX's layout (scalar per tensor, 1-D with {@code axis} per channel, and for per-group weights the
 * opset-21 blocked layout: same rank as the weight, blocked axis divided by {@code block_size}).
 */
final class QdqEncoding {
    /** The opset of per-axis {@code DequantizeLinear}. */
    static final long OPSET_PER_AXIS = 13;
    /** The opset of int4/uint4, int16/uint16 and blocked quantization. */
    static final long OPSET_BLOCKED = 21;

    private QdqEncoding() {
    }

    /**
     * The ONNX integer type that stores a quantizer's levels exactly.
     *
     * @throws UserException for bit widths QDQ has no type for
     */
    static DataType storageType(TensorQuantization q) {
        UniformSpec s = q.params().spec();
        int bits = s.bits();
        boolean weight = q.role() == TensorRole.WEIGHT;
        if (bits == 8) {
            return s.signed() ? DataType.INT8 : DataType.UINT8;
        }
        if (bits == 16) {
            return s.signed() ? DataType.INT16 : DataType.UINT16;
        }
        if (bits == 4 || (weight && bits < 4)) {
            return s.signed() ? DataType.INT4 : DataType.UINT4;
        }
        String what = (weight ? "weight '" : "activation '") + q.tensor() + "'";
        if (bits < 4) {
            throw new UserException(what + " is quantized to " + bits + " bits, but QuantizeLinear saturates to the"
                    + " range of its type (4, 8 or 16 bits), so " + bits + "-bit activations do not exist in QDQ;"
                    + " use --format simulated, or 4/8-bit activations");
        }
        throw new UserException(what + " is quantized to " + bits + " bits, but QDQ has integer types of 4, 8 and 16"
                + " bits only; use --format simulated for " + bits + "-bit quantization, or choose "
                + (bits < 8 ? "4 or 8" : "8 or 16") + " bits");
    }

    /** The lowest default opset at which ONNX Runtime runs this quantizer as QDQ. */
    static long requiredOpset(TensorQuantization q) {
        DataType t = storageType(q);
        boolean wide = t == DataType.INT8 || t == DataType.UINT8;
        return wide && q.params().spec().granularity() != Granularity.PER_GROUP ? OPSET_PER_AXIS : OPSET_BLOCKED;
    }

    /** Integer levels as a tensor of {@code type} (4-bit packed low nibble first, 16-bit little-endian). */
    static Tensor integers(String name, DataType type, long[] dims, int[] values) {
        if (type == DataType.INT16 || type == DataType.UINT16) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : values) {
                b.putShort((short) v);
            }
            return Tensor.ofRaw(name, type, dims, b.array());
        }
        return Tensor.ofSmallInts(name, type, dims, values);
    }

    /**
     * Where the parameters of a tensor go in ONNX: dims of the scale / zero point, the {@code axis}
     * attribute (or null), the {@code block_size} attribute (0 for none), and for each ONNX scale
     * position the index of our parameter.
     */
    record Layout(long[] paramDims, Long axis, long blockSize, int[] order) {
    }

    /** The ONNX layout of a quantizer's parameters for a tensor of {@code dims} (null for an activation of unknown shape). */
    static Layout layout(UniformParams p, long[] dims) {
        Granularity g = p.spec().granularity();
        int n = p.count();
        if (g == Granularity.PER_TENSOR || n == 1 && (dims == null || g != Granularity.PER_GROUP)) {
            return new Layout(new long[0], null, 0, identity(1));
        }
        if (g == Granularity.PER_CHANNEL) {
            int axis = p.axis();
            if (dims != null && axis < 0) {
                axis += dims.length;
            }
            return new Layout(new long[] {n}, (long) axis, 0, identity(n));
        }
        // per group: the weight is 2-D, the channel axis a, the groups run along b = 1 - a
        int a = p.axis() < 0 ? p.axis() + 2 : p.axis();
        int b = 1 - a;
        int gs = p.spec().groupSize();
        long channels = dims[a];
        long groups = (dims[b] + gs - 1) / gs;
        long[] pd = dims.clone();
        pd[b] = groups;
        int[] order = new int[n];
        if (a == 0) { // [channels, groups]: our channel-major order as is
            order = identity(n);
        } else { // [groups, channels]: ONNX position g·C + c holds our c·G + g
            for (int gi = 0; gi < groups; gi++) {
                for (int c = 0; c < channels; c++) {
                    order[(int) (gi * channels + c)] = (int) (c * groups + gi);
                }
            }
        }
        return new Layout(pd, (long) b, gs, order);
    }

    static Tensor scale(String name, UniformParams p, Layout layout) {
        float[] s = p.scale();
        float[] out = new float[layout.order().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = s[layout.order()[i]];
        }
        return Tensor.ofFloats(name, layout.paramDims(), out);
    }

    static Tensor zeroPoint(String name, DataType type, UniformParams p, Layout layout) {
        int[] z = p.zeroPoint();
        int[] out = new int[layout.order().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = z[layout.order()[i]];
        }
        return integers(name, type, layout.paramDims(), out);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }
}
