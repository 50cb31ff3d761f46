package io.vitshrink.onnx.shape;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.OptimizationLevel;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the shape of every value by running the model in ONNX Runtime (optimizations off, so
 * every value exists) on zero inputs at batch 1 and batch 2. Values are fetched in chunks so that
 * memory stays bounded on large models.
 */
public final class ShapeProbe {
    private static final int CHUNK = 128;
    private final int imageSize;

    /** @param imageSize used for spatial input dimensions the model leaves symbolic */
    public ShapeProbe(int imageSize) {
        this.imageSize = imageSize;
    }

    public ShapeProbe() {
        this(224);
    }

    public ValueShapes probe(Model model) {
        Graph g = model.graph();
        List<String> names = new ArrayList<>();
        for (Node n : g.nodes()) {
            for (String out : n.outputs()) {
                if (!out.isEmpty()) {
                    names.add(out);
                }
            }
        }
        Model exposed = ExposedOutputs.expose(model, names);
        RunnerOptions opts = RunnerOptions.defaults().withOptimization(OptimizationLevel.DISABLE_ALL).withIntraOpThreads(1);
        Map<String, long[]> one = new HashMap<>();
        Map<String, long[]> two = new HashMap<>();
        try (Runner runner = Runner.open(exposed, opts)) {
            Map<String, Tensor> in1 = zeroInputs(g, 1);
            Map<String, Tensor> in2 = zeroInputs(g, 2);
            for (int i = 0; i < names.size(); i += CHUNK) {
                List<String> chunk = names.subList(i, Math.min(names.size(), i + CHUNK));
                one.putAll(runner.runShapes(in1, chunk));
                two.putAll(runner.runShapes(in2, chunk));
            }
        }
        for (Map.Entry<String, Tensor> e : zeroInputs(g, 1).entrySet()) {
            one.put(e.getKey(), e.getValue().dims());
        }
        for (Map.Entry<String, Tensor> e : zeroInputs(g, 2).entrySet()) {
            two.put(e.getKey(), e.getValue().dims());
        }
        for (Tensor t : g.initializers().values()) {
            one.put(t.name(), t.dims());
            two.put(t.name(), t.dims());
        }
        Map<String, boolean[]> scaled = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : one.entrySet()) {
            long[] a = e.getValue();
            long[] b = two.get(e.getKey());
            boolean[] s = new boolean[a.length];
            if (b != null && b.length == a.length) {
                for (int d = 0; d < a.length; d++) {
                    s[d] = b[d] == 2 * a[d] && a[d] > 0;
                }
            }
            scaled.put(e.getKey(), s);
        }
        return new ValueShapes(one, scaled);
    }

    /** Zero-filled feeds at the given batch; symbolic spatial sizes become {@code imageSize}. */
    public Map<String, Tensor> zeroInputs(Graph g, int batch) {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (ValueInfo v : g.feedInputs()) {
            if (!v.hasShape()) {
                throw new UserException("input '" + v.name() + "' declares no shape; vitshrink needs the input rank");
            }
            List<Dim> shape = v.shape();
            long[] dims = new long[shape.size()];
            for (int i = 0; i < dims.length; i++) {
                Dim d = shape.get(i);
                if (i == 0 && !d.isFixed()) {
                    dims[i] = batch;
                } else if (d.isFixed()) {
                    dims[i] = d.value();
                } else if (dims.length == 4 && i == 1) {
                    dims[i] = 3;
                } else {
                    dims[i] = imageSize;
                }
            }
            int n = Math.toIntExact(Tensor.numel(dims));
            Tensor t = switch (v.type()) {
                case FLOAT -> Tensor.ofFloats(v.name(), dims, new float[n]);
                case INT64 -> Tensor.ofLongs(v.name(), dims, new long[n]);
                case INT32 -> Tensor.ofInts(v.name(), dims, new int[n]);
                default -> throw new UserException("input '" + v.name() + "' has type " + v.type()
                        + "; vitshrink feeds float32 images (or int64/int32 ids)");
            };
            if (v.type() == DataType.UNDEFINED) {
                throw new UserException("input '" + v.name() + "' declares no element type");
            }
            feeds.put(v.name(), t);
        }
        return feeds;
    }
}
