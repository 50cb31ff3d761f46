package io.vitshrink.quant.rewrite;

import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Tiny graphs, tensors and parameters for the rewrite tests. */
final class Fixtures {
    static final String X = "x";
    static final String Y = "y";
    static final String IDENTITY = "identity";

    private Fixtures() {
    }

    /** {@code x (initializer) → Identity → y}: a weight read by one node. */
    static Model weightThroughIdentity(Tensor weight, long opset) {
        Graph g = new Graph("weight_identity");
        g.putInitializer(weight.withName(X));
        g.addNode(new Node(IDENTITY, "Identity", List.of(X), List.of(Y)));
        g.addOutput(new ValueInfo(Y, DataType.FLOAT, dims(weight.dims())));
        return new Model(OpsetUpgrade.minimumIrVersion(opset), Map.of("", opset), g);
    }

    /** {@code x (input, batch-dynamic first axis) → Identity → y}: an activation read by one node. */
    static Model activationThroughIdentity(long[] shape, long opset) {
        Graph g = new Graph("activation_identity");
        List<Dim> d = new ArrayList<>(dims(shape));
        d.set(0, Dim.symbolic("batch"));
        g.addInput(new ValueInfo(X, DataType.FLOAT, d));
        g.addNode(new Node(IDENTITY, "Identity", List.of(X), List.of(Y)));
        g.addOutput(new ValueInfo(Y, DataType.FLOAT, d));
        return new Model(OpsetUpgrade.minimumIrVersion(opset), Map.of("", opset), g);
    }

    /** {@code a [batch, K] → MatMul(W [K, N]) → y}. */
    static Model matmul(Tensor weight, long opset) {
        Graph g = new Graph("matmul");
        long k = weight.dim(0);
        long n = weight.dim(1);
        g.addInput(new ValueInfo("a", DataType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(k))));
        g.putInitializer(weight.withName("W"));
        g.addNode(new Node("matmul", "MatMul", List.of("a", "W"), List.of(Y)));
        g.addOutput(new ValueInfo(Y, DataType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(n))));
        return new Model(OpsetUpgrade.minimumIrVersion(opset), Map.of("", opset), g);
    }

    static List<Dim> dims(long[] shape) {
        List<Dim> d = new ArrayList<>();
        for (long s : shape) {
            d.add(Dim.of(s));
        }
        return d;
    }

    /** Gaussian values with a few outliers. */
    static float[] random(long seed, int n, float sigma) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
            v[i] = (float) (g * sigma);
            if (r.nextInt(50) == 0) {
                v[i] *= 6;
            }
        }
        return v;
    }

    /**
     * Structured values: a ramp across the range with exact zeros, values half-way between grid points
     * (for the rounding ties) when the scale is a power of two, and a constant channel.
     */
    static float[] structured(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int m = i % 13;
            v[i] = m == 0 ? 0f : m == 1 ? 0.125f * (i % 7 - 3) + 0.0625f : (i % 29 - 14) * 0.173f;
        }
        return v;
    }

    /** A weight quantization with parameters from the tensor's own min/max per parameter. */
    static TensorQuantization weight(String name, float[] values, long[] dims, UniformSpec spec, int axis) {
        return new TensorQuantization(name, TensorRole.WEIGHT, List.of(), params(values, dims, spec, axis));
    }

    static TensorQuantization activation(String name, List<String> consumers, UniformParams params) {
        return new TensorQuantization(name, TensorRole.ACTIVATION, consumers, params);
    }

    /** Parameters from the min/max of the elements each parameter covers (the reference's index rule). */
    static UniformParams params(float[] values, long[] dims, UniformSpec spec, int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        int count;
        java.util.function.IntUnaryOperator index;
        if (spec.granularity() == Granularity.PER_TENSOR) {
            count = 1;
            index = i -> 0;
        } else {
            long inner = 1;
            for (int d = a + 1; d < dims.length; d++) {
                inner *= dims[d];
            }
            long channels = dims[a];
            long innerF = inner;
            if (spec.granularity() == Granularity.PER_CHANNEL) {
                count = (int) channels;
                index = i -> (int) ((i / innerF) % channels);
            } else {
                int gs = spec.groupSize();
                long other = dims[1 - a];
                long groups = (other + gs - 1) / gs;
                count = (int) (channels * groups);
                index = a == 0 ? i -> (int) ((i / other) * groups + (i % other) / gs)
                        : i -> (int) ((i % channels) * groups + (i / channels) / gs);
            }
        }
        float[] min = new float[count];
        float[] max = new float[count];
        java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < values.length; i++) {
            int j = index.applyAsInt(i);
            min[j] = Math.min(min[j], values[i]);
            max[j] = Math.max(max[j], values[i]);
        }
        return UniformParams.fromRanges(spec, min, max, axis);
    }

    /** Runs a model on its feeds (may be empty) with all ORT optimizations; returns every output. */
    static Map<String, Tensor> run(Model m, Map<String, Tensor> feeds, RunnerOptions options) {
        try (Runner r = Runner.open(m, options)) {
            return r.run(feeds);
        }
    }

    static Map<String, Tensor> run(Model m, Map<String, Tensor> feeds) {
        return run(m, feeds, RunnerOptions.defaults());
    }

    /** Op type → count. */
    static Map<String, Integer> opCounts(Model m) {
        Map<String, Integer> counts = new HashMap<>();
        for (Node n : m.graph().nodes()) {
            counts.merge(n.opType(), 1, Integer::sum);
        }
        return counts;
    }
}
