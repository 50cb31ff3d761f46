package io.vitshrink.prune.refine;

import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.vit.Attention;
import io.vitshrink.onnx.vit.LayerNorm;
import io.vitshrink.onnx.vit.TransformerBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Refines a window of consecutive pruned blocks together ({@link WindowGraph}): every kept weight and
 * bias of their attentions and MLPs moves by masked Adam so that the stream after the window's last
 * block comes closer to the target, the gradient reaching the earlier blocks through the LayerNorms
 * and residual branches. Where {@link BlockRefiner} fits each sub-block to its own output, a window
 * lets a block compensate the error a later block cannot undo, and the whole network (a window of
 * every block) fits the stream the classifier reads. The same form check as there applies to the
 * whole window.
 */
public final class WindowRefiner {
    private final RefineSettings settings;
    private final boolean readsClassToken;
    private final SubBlockRefiner refiner;
    private final List<String> notes;

    /**
     * @param readsClassToken whether the classifier reads the class token (position 0) alone
     * @param notes receives one line per window
     */
    public WindowRefiner(RunnerOptions options, RefineSettings settings, boolean readsClassToken, List<String> notes) {
        this.settings = settings.forWindows();
        this.readsClassToken = readsClassToken;
        this.refiner = new SubBlockRefiner(options);
        this.notes = notes;
    }

    /**
     * @param window consecutive blocks, the output of each the input of the next
     * @param prunedWeights per Linear name, its pruned weights ({@code [out, in]}); absent = dense
     * @param input the pruned model's stream entering the first block
     * @param output the pruned model's stream after the last block (what the window graph must reproduce)
     * @param denseOutput the dense model's stream after the last block; read when the settings blend it in
     * @param classifier the model's final LayerNorm and its output on the pruned model, when this window
     *     ends with the last block and the classifier reads its class token (the loss then also holds
     *     that norm's output on the class token, at {@link RefineSettings#headWeight()}); null otherwise
     * @return a new model, or {@code pruned} itself when nothing changed
     */
    public Model refine(Model pruned, Model dense, List<TransformerBlock> window, Map<String, boolean[]> prunedWeights,
            ImageValues input, ImageValues output, ImageValues denseOutput, ClassifierInput classifier) {
        String what = window.size() == 1 ? "block " + window.get(0).index()
                : "blocks " + window.get(0).index() + "–" + window.get(window.size() - 1).index();
        List<WindowGraph.Block> shapes = new ArrayList<>();
        List<LinearParams> current = new ArrayList<>();
        List<LinearParams> original = new ArrayList<>();
        int width = input.width();
        for (TransformerBlock b : window) {
            Attention a = b.attention();
            String unsupported = BlockRefiner.unsupported(a);
            if (unsupported == null) {
                unsupported = BlockRefiner.unsupported(b.mlp());
            }
            Optional<LayerNormParams> n1 = LayerNormParams.read(pruned.graph(), b.norm1(), width);
            Optional<LayerNormParams> n2 = LayerNormParams.read(pruned.graph(), b.norm2(), width);
            if (unsupported == null && (n1.isEmpty() || n2.isEmpty())) {
                unsupported = "a LayerNorm's scale or bias is not a stored constant";
            }
            if (unsupported == null && (a.heads() * a.headDim() != width || a.q().inFeatures() != width
                    || a.proj().outFeatures() != width || b.mlp().fc2().outFeatures() != width)) {
                unsupported = "its attention or MLP does not keep the stream's width " + width;
            }
            if (unsupported != null) {
                notes.add(what + " not refined together: block " + b.index() + ": " + unsupported);
                return pruned;
            }
            shapes.add(new WindowGraph.Block(width, (int) a.heads(), (int) a.headDim(), (float) (1 / Math.sqrt(a.headDim())),
                    (int) b.mlp().fc1().outFeatures(), n1.get(), n2.get()));
            current.addAll(BlockRefiner.attentionParams(pruned.graph(), a, prunedWeights));
            current.addAll(BlockRefiner.mlpParams(pruned.graph(), b.mlp(), prunedWeights));
            original.addAll(BlockRefiner.attentionParams(dense.graph(), a, Map.of()));
            original.addAll(BlockRefiner.mlpParams(dense.graph(), b.mlp(), Map.of()));
        }
        int tokens = input.tokens();
        LayerNormParams head = classifier == null || settings.headWeight() == 0 ? null : headNorm(what, classifier, pruned, width);
        // one pass checks the blocks' form and, with the head row, the final LayerNorm's
        SubBlockGraph forward = WindowGraph.build(shapes, false, 0, head);
        float[][] params = BlockRefiner.flatten(current);
        ImageValues own = refiner.outputs(forward, false, input, params, head == null ? tokens : tokens + 1, width);
        double formError = BlockRefiner.relativeError(own.rows(0, tokens).data(), output.blend(1, input, -1).data());
        if (!(formError < BlockRefiner.MAX_FORM_ERROR)) {
            notes.add(String.format(Locale.ROOT, "%s not refined together: the standard form differs from the model's by %.2g (relative)",
                    what, formError));
            return pruned;
        }
        if (head != null) {
            double headError = BlockRefiner.relativeError(own.rows(tokens, tokens + 1).data(), classifier.values().rows(0, 1).data());
            if (!(headError < BlockRefiner.MAX_FORM_ERROR)) {
                notes.add(String.format(Locale.ROOT, "%s: the final LayerNorm's standard form differs from the model's by %.2g "
                        + "(relative); the classifier's input is not in the loss", what, headError));
                head = null;
                forward = WindowGraph.build(shapes, false);
            }
        }
        float[] tokenWeights = BlockRefiner.tokenWeights(readsClassToken, settings, tokens);
        float[][] denseParams = BlockRefiner.flatten(original); // the dense window's parameters: targets, and the teacher of blends
        SubBlockGraph train;
        SubBlockGraph fitted; // the graph whose output the loss and the held-out error measure
        ImageValues target;
        if (settings.deepWindows() || head != null) {
            int deepTokens = settings.deepWindows() ? tokens : 0;
            int rows = settings.deepWindows() ? window.size() * tokens : tokens;
            fitted = WindowGraph.build(shapes, false, deepTokens, head);
            train = WindowGraph.build(shapes, true, deepTokens, head, (float) settings.noise());
            if (settings.deepWindows()) {
                tokenWeights = deepTokenWeights(tokenWeights, tokens, window.size(), settings.windowDeep());
            }
            if (head != null) {
                tokenWeights = withHeadRow(tokenWeights, rows, settings.headWeight());
                rows++;
            }
            target = refiner.outputs(fitted, false, input, denseParams, rows, width);
        } else {
            fitted = forward;
            train = WindowGraph.build(shapes, true, 0, null, (float) settings.noise());
            target = refiner.outputs(forward, false, input, denseParams, width);
            if (settings.denseShare() > 0) {
                target = target.blend(1 - settings.denseShare(), denseOutput.blend(1, input, -1), settings.denseShare());
            }
        }
        SubBlockRefiner.Teacher teacher = settings.mixup() > 0
                ? new SubBlockRefiner.Teacher(fitted, denseParams, target.tokens(), width) : null;
        SubBlockRefiner.Result r = refiner.refine(train, fitted, false, input, target, params,
                BlockRefiner.frozen(current), BlockRefiner.stepSizes(current), settings, tokenWeights, outFeatures(current), teacher);
        notes.add(String.format(Locale.ROOT, "%s refined together: held-out error %.4f → %.4f (best after step %d of %d, %.1f s%s)",
                what, r.startError(), r.bestError(), r.bestStep(), r.steps(), r.seconds(),
                settings.regrow() > 0 ? String.format(Locale.ROOT, "; %,d weights exchanged", r.exchanged()) : ""));
        if (r.bestStep() == 0) {
            return pruned;
        }
        BlockRefiner.unflatten(params, current);
        Model copy = pruned.copy();
        Graph g = copy.graph();
        current.forEach(p -> p.write(g));
        return copy;
    }

    /**
     * Per parameter array of {@link BlockRefiner#flatten}, the output features of a pruned weight (whose
     * mask {@link MaskRegrowth} may move), 0 for biases and dense weights.
     */
    private static int[] outFeatures(List<LinearParams> ps) {
        int[] out = new int[ps.size() * 2];
        for (int i = 0; i < ps.size(); i++) {
            out[2 * i] = ps.get(i).weightFrozen() == null ? 0 : ps.get(i).count;
        }
        return out;
    }

    /** The model's final LayerNorm's γ, β and ε, or null with a note when its scale or bias is computed. */
    private LayerNormParams headNorm(String what, ClassifierInput classifier, Model pruned, int width) {
        Optional<LayerNormParams> norm = LayerNormParams.read(pruned.graph(), classifier.norm(), width);
        if (norm.isEmpty()) {
            notes.add(what + ": the final LayerNorm's scale or bias is not a stored constant; the classifier's input is not in the loss");
        }
        return norm.orElse(null);
    }

    /**
     * What the classifier reads after the last block.
     *
     * @param norm the final LayerNorm
     * @param values its output on the pruned model, {@code [images, tokens, width]} (the class token first)
     */
    public record ClassifierInput(LayerNorm norm, ImageValues values) {
    }

    /**
     * The token weights of an output followed by the head row: {@code weights} (null = 1 for each of
     * {@code rows}), then {@code headWeight}.
     */
    static float[] withHeadRow(float[] weights, int rows, double headWeight) {
        float[] w = new float[rows + 1];
        for (int i = 0; i < rows; i++) {
            w[i] = weights == null ? 1f : weights[i];
        }
        w[rows] = (float) headWeight;
        return w;
    }

    /**
     * The token weights of a deep window's output: block after block, each token's weight times
     * {@code deep}, the last block's times 1.
     *
     * @param perToken each token's weight (null = 1)
     */
    static float[] deepTokenWeights(float[] perToken, int tokens, int blocks, double deep) {
        float[] w = new float[blocks * tokens];
        for (int b = 0; b < blocks; b++) {
            double factor = b == blocks - 1 ? 1 : deep;
            for (int t = 0; t < tokens; t++) {
                w[b * tokens + t] = (float) (factor * (perToken == null ? 1 : perToken[t]));
            }
        }
        return w;
    }
}
