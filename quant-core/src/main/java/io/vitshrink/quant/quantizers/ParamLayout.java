package io.vitshrink.quant.quantizers;

import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.Arrays;

/**
 * Which (scale, zero point) slot each element of a tensor uses: per tensor 0; per channel the
 * coordinate on the channel axis; per group {@code channel · groups + k / groupSize}, k the coordinate
 * on the other axis of a 2-D weight (channel-major). The one definition of that layout, shared by the
 * reference quantizer, the range searches and the rewriters.
 */
public final class ParamLayout {

    /** Number of slots (scales). */
    public final int count;
    /** Slot of each element, row-major. */
    public final int[] slot;

    private ParamLayout(int count, int[] slot) {
        this.count = count;
        this.slot = slot;
    }

    public static ParamLayout of(long[] dims, int channelAxis, UniformSpec spec, int elements) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != elements) {
            throw new IllegalArgumentException("weight shape " + Arrays.toString(dims) + " holds " + n + " values, got " + elements);
        }
        int[] slot = new int[elements];
        Granularity g = spec.granularity();
        if (g == Granularity.PER_TENSOR) {
            return new ParamLayout(1, slot);
        }
        int axis = channelAxis < 0 ? dims.length + channelAxis : channelAxis;
        if (axis < 0 || axis >= dims.length) {
            throw new IllegalArgumentException("channel axis " + channelAxis + " outside a rank-" + dims.length + " weight");
        }
        long inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        int channels = (int) dims[axis];
        if (g == Granularity.PER_CHANNEL) {
            for (int i = 0; i < elements; i++) {
                slot[i] = (int) ((i / inner) % channels);
            }
            return new ParamLayout(channels, slot);
        }
        if (dims.length != 2) {
            throw new UserException("per-group quantization needs a 2-D weight, got shape " + Arrays.toString(dims));
        }
        int groupSize = spec.groupSize();
        int other = (int) dims[1 - axis];
        int groups = (other + groupSize - 1) / groupSize;
        for (int i = 0; i < elements; i++) {
            int channel = axis == 0 ? i / other : i % channels;
            int k = axis == 0 ? i % other : i / channels;
            slot[i] = channel * groups + k / groupSize;
        }
        return new ParamLayout(channels * groups, slot);
    }
}
