package io.vitshrink.prune.calibration;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.linalg.GramOutputs;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.prune.refine.ImageValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Calibration for block-by-block (sequential) pruning without re-running the network's prefix for
 * every block: the residual stream entering the current block is kept in memory for every
 * calibration batch (images × tokens × width floats: 39 MB for 256 DeiT-Tiny images), each step runs
 * only the current block as its own small ONNX graph (its input made a graph input), and after the
 * block is pruned its output replaces the kept stream. Without this, block k costs a forward pass
 * through k blocks, and the whole run about six full passes over a 12-block model instead of one.
 *
 * <p>Works when a block is self-contained (reads nothing computed before it except its input, as in
 * timm/DeiT exports whose reshapes use constant shapes); {@link #selfContained} says so, and the
 * pipeline otherwise falls back to one full pass per block through {@link GramCollector}.
 */
public final class BlockwiseGramCollector {
    private final RunnerOptions options;
    private final IntConsumer imagesDone;
    private final List<float[]> stream = new ArrayList<>();
    /** The dense model's stream at the same block (only for dense-target reconstruction), else empty. */
    private final List<float[]> denseStream = new ArrayList<>();
    private final List<long[]> shapes = new ArrayList<>();
    private final List<Integer> batchSizes = new ArrayList<>();

    public BlockwiseGramCollector(RunnerOptions options, IntConsumer imagesDone) {
        this.options = options;
        this.imagesDone = imagesDone;
    }

    /** Whether the block between these values needs nothing else from the network. */
    public static boolean selfContained(Model model, String blockInput, String blockOutput) {
        Model sub = subgraph(model, blockInput, List.of(blockOutput));
        String feed = model.graph().feedInputs().get(0).name();
        return sub.graph().consumers(feed).isEmpty() && sub.graph().producer(blockInput).isEmpty();
    }

    /**
     * Runs the network up to the first block's input once per batch and keeps that stream.
     *
     * @param keepDense also keep the dense model's stream (advanced by {@link #advanceDense}), for
     *     {@link #crossProducts}
     */
    public void start(Model model, String firstBlockInput, CalibrationImages images, boolean keepDense) {
        Model prefix = model.copy();
        Graph g = prefix.graph();
        g.clearOutputs();
        g.addOutput(ValueInfo.untyped(firstBlockInput));
        g.removeDeadNodes();
        stream.clear();
        shapes.clear();
        batchSizes.clear();
        denseStream.clear();
        int done = 0;
        try (Runner r = Runner.open(prefix, options); CalibrationImages.Pass pass = images.open()) {
            String input = r.inputNames().get(0);
            while (pass.hasNext()) {
                CalibrationImages.Batch b = pass.next();
                Runner.FloatOutput out = r.runFloats(Map.of(input, Tensor.ofFloats(input, b.shape(), b.pixels())),
                        List.of(firstBlockInput)).get(firstBlockInput);
                stream.add(out.data());
                if (keepDense) {
                    denseStream.add(out.data()); // the same until the first block is pruned; advance() replaces, never writes into, arrays
                }
                shapes.add(out.shape());
                batchSizes.add(b.size());
                done += b.size();
                imagesDone.accept(done);
            }
        }
        if (done == 0) {
            throw new UserException("no calibration image could be read");
        }
    }

    /** The Gram matrices of the given inputs inside one block of {@code model}, on the kept stream. */
    public Map<String, InputGram> grams(Model model, String blockInput, String blockOutput, Map<String, Integer> inputs) {
        Map<String, String> gramOutputs = new LinkedHashMap<>();
        Model withGrams = GramOutputs.withGramOutputs(subgraph(model, blockInput, List.of(blockOutput)), inputs, gramOutputs);
        Map<String, InputGram> grams = new LinkedHashMap<>();
        inputs.forEach((name, dim) -> grams.put(name, new InputGram(dim)));
        List<String> fetch = new ArrayList<>(gramOutputs.values());
        run(withGrams, blockInput, fetch, (i, out) -> gramOutputs.forEach((v, gram) -> grams.get(v).addProduct(out.get(gram).data())));
        return grams;
    }

    /** Gram matrices of the pruned stream and its cross products with the dense stream, per Linear input. */
    public record Statistics(Map<String, InputGram> grams, Map<String, CrossProduct> crosses) {
    }

    /**
     * For each input value v of one block: X̃ᵀX̃ on the kept (pruned) stream through {@code pruned},
     * and X̃ᵀX with X the same value on the dense stream through {@code dense}. The dense block runs
     * first and its activations are fed, as extra graph inputs, to the pruned block, whose ONNX
     * Runtime session forms both products (only d × d matrices come back).
     */
    public Statistics crossProducts(Model pruned, Model dense, String blockInput, String blockOutput, Map<String, Integer> inputs) {
        if (denseStream.size() != stream.size()) {
            throw new IllegalStateException("start(..., keepDense = true) first");
        }
        Map<String, String> gramOutputs = new LinkedHashMap<>();
        Model withGrams = GramOutputs.withGramOutputs(subgraph(pruned, blockInput, List.of(blockOutput)), inputs, gramOutputs);
        Map<String, String> denseFeeds = new LinkedHashMap<>();
        Map<String, String> crossOutputs = new LinkedHashMap<>();
        Graph g = withGrams.graph();
        inputs.forEach((v, dim) -> {
            String feed = g.uniqueName(v + "/dense"); // fed as [tokens, d] whatever the value's rank
            g.addInput(new ValueInfo(feed, DataType.FLOAT, Collections.nCopies(2, Dim.UNKNOWN)));
            String shape = g.uniqueName(v + "/cross_shape");
            g.putInitializer(Tensor.ofLongs(shape, new long[] {2}, new long[] {-1, dim}));
            String rows = g.uniqueName(v + "/cross_rows");
            g.addNode(new Node(rows, "Reshape", List.of(v, shape), List.of(rows)));
            String t = g.uniqueName(v + "/cross_transpose");
            g.addNode(new Node(t, "Transpose", List.of(rows), List.of(t), Attribute.ofInts("perm", 1, 0)));
            String cross = g.uniqueName(v + "/cross");
            g.addNode(new Node(cross, "MatMul", List.of(t, feed), List.of(cross)));
            g.addOutput(ValueInfo.untyped(cross));
            denseFeeds.put(v, feed);
            crossOutputs.put(v, cross);
        });
        Model denseBlock = subgraph(dense, blockInput, new ArrayList<>(inputs.keySet()));
        Map<String, InputGram> grams = new LinkedHashMap<>();
        Map<String, CrossProduct> crosses = new LinkedHashMap<>();
        inputs.forEach((name, dim) -> {
            grams.put(name, new InputGram(dim));
            crosses.put(name, new CrossProduct(dim));
        });
        List<String> fetch = new ArrayList<>(gramOutputs.values());
        fetch.addAll(crossOutputs.values());
        int done = 0;
        try (Runner d = Runner.open(denseBlock, options); Runner p = Runner.open(withGrams, options)) {
            for (int i = 0; i < stream.size(); i++) {
                Map<String, Runner.FloatOutput> x = d.runFloats(
                        Map.of(blockInput, Tensor.ofFloats(blockInput, shapes.get(i), denseStream.get(i))), inputs.keySet());
                Map<String, Tensor> feeds = new LinkedHashMap<>();
                feeds.put(blockInput, Tensor.ofFloats(blockInput, shapes.get(i), stream.get(i)));
                denseFeeds.forEach((v, feed) -> {
                    float[] data = x.get(v).data();
                    int width = inputs.get(v);
                    feeds.put(feed, Tensor.ofFloats(feed, new long[] {data.length / width, width}, data));
                });
                Map<String, Runner.FloatOutput> out = p.runFloats(feeds, fetch);
                gramOutputs.forEach((v, gram) -> grams.get(v).addProduct(out.get(gram).data()));
                crossOutputs.forEach((v, cross) -> crosses.get(v).addProduct(out.get(cross).data()));
                done += batchSizes.get(i);
                imagesDone.accept(done);
            }
        }
        return new Statistics(grams, crosses);
    }

    /**
     * Values computed inside one block of {@code model} from the kept stream, image after image
     * (for block refinement, {@link io.vitshrink.prune.refine.BlockRefiner}).
     */
    public Map<String, ImageValues> values(Model model, String blockInput, List<String> names) {
        return collectValues(model, blockInput, names, stream);
    }

    /** The same values inside the dense {@code model}'s block, from the kept dense stream. */
    public Map<String, ImageValues> denseValues(Model dense, String blockInput, List<String> names) {
        if (denseStream.size() != stream.size()) {
            throw new IllegalStateException("start(..., keepDense = true) first");
        }
        return collectValues(dense, blockInput, names, denseStream);
    }

    /** The kept stream itself (the current block's input on the pruned model), image after image. */
    public ImageValues streamValues() {
        return concat(new ArrayList<>(stream));
    }

    private Map<String, ImageValues> collectValues(Model model, String blockInput, List<String> names, List<float[]> from) {
        Model block = subgraph(model, blockInput, names);
        Map<String, List<float[]>> parts = new LinkedHashMap<>();
        names.forEach(n -> parts.put(n, new ArrayList<>()));
        try (Runner r = Runner.open(block, options)) {
            for (int i = 0; i < from.size(); i++) {
                Map<String, Runner.FloatOutput> out = r.runFloats(Map.of(blockInput, Tensor.ofFloats(blockInput, shapes.get(i), from.get(i))),
                        names);
                names.forEach(n -> parts.get(n).add(out.get(n).data()));
            }
        }
        Map<String, ImageValues> values = new LinkedHashMap<>();
        parts.forEach((n, p) -> values.put(n, concat(p)));
        return values;
    }

    /** Per-batch arrays of one value as one {@link ImageValues}; its width is that of the stream's tokens' value. */
    private ImageValues concat(List<float[]> parts) {
        int images = batchSizes.stream().mapToInt(Integer::intValue).sum();
        long total = parts.stream().mapToLong(p -> p.length).sum();
        long tokens = shapes.get(0).length == 3 ? shapes.get(0)[1] : 0;
        if (tokens <= 0 || total % ((long) images * tokens) != 0) {
            throw new IllegalStateException("the stream is not [images, tokens, width]");
        }
        float[] all = new float[Math.toIntExact(total)];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return new ImageValues(all, images, (int) tokens, (int) (total / ((long) images * tokens)));
    }

    /** Replaces the kept dense stream by the output of the block of the dense {@code model}. */
    public void advanceDense(Model model, String blockInput, String blockOutput) {
        Model block = subgraph(model, blockInput, List.of(blockOutput));
        try (Runner r = Runner.open(block, options)) {
            for (int i = 0; i < denseStream.size(); i++) {
                denseStream.set(i, r.runFloats(Map.of(blockInput, Tensor.ofFloats(blockInput, shapes.get(i), denseStream.get(i))),
                        List.of(blockOutput)).get(blockOutput).data());
            }
        }
    }

    /** The kept stream at one point of the pipeline (its arrays are never written into, only replaced). */
    public record Snapshot(List<float[]> stream, List<long[]> shapes) {
    }

    /** The kept stream as it is now, to {@link #rewind} to once the blocks it enters have changed. */
    public Snapshot snapshot() {
        return new Snapshot(List.copyOf(stream), List.copyOf(shapes));
    }

    /** Makes {@code s} the kept stream again; {@link #advance} then recomputes the blocks after it. */
    public void rewind(Snapshot s) {
        if (s.stream().size() != stream.size()) {
            throw new IllegalStateException("a snapshot of another calibration run");
        }
        for (int i = 0; i < stream.size(); i++) {
            stream.set(i, s.stream().get(i));
            shapes.set(i, s.shapes().get(i));
        }
    }

    /** Replaces the kept stream by the output of the block of {@code model} (after it was pruned). */
    public void advance(Model model, String blockInput, String blockOutput) {
        Model block = subgraph(model, blockInput, List.of(blockOutput));
        run(block, blockInput, List.of(blockOutput), (i, out) -> {
            stream.set(i, out.get(blockOutput).data());
            shapes.set(i, out.get(blockOutput).shape());
        });
    }

    private interface BatchResult {
        void accept(int batch, Map<String, Runner.FloatOutput> outputs);
    }

    private void run(Model m, String input, List<String> fetch, BatchResult sink) {
        int done = 0;
        try (Runner r = Runner.open(m, options)) {
            for (int i = 0; i < stream.size(); i++) {
                Map<String, Runner.FloatOutput> out = r.runFloats(Map.of(input, Tensor.ofFloats(input, shapes.get(i), stream.get(i))),
                        fetch);
                sink.accept(i, out);
                done += batchSizes.get(i);
                imagesDone.accept(done);
            }
        }
    }

    /** The model cut to the nodes between {@code input} (made a graph input) and {@code outputs}. */
    static Model subgraph(Model model, String input, List<String> outputs) {
        Model copy = model.copy();
        Graph g = copy.graph();
        Node producer = g.producer(input).orElse(null);
        if (producer != null) {
            // the value keeps its name; its producer's other outputs (if any) die with it
            int index = producer.outputs().indexOf(input);
            g.setNodeOutput(producer, index, g.uniqueName(input + "/cut"));
        }
        g.addInput(new ValueInfo(input, DataType.FLOAT, Collections.nCopies(3, Dim.UNKNOWN)));
        g.clearOutputs();
        outputs.forEach(o -> g.addOutput(ValueInfo.untyped(o)));
        g.removeDeadNodes();
        return copy;
    }
}
