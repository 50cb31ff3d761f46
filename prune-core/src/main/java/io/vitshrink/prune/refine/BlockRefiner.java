package io.vitshrink.prune.refine;

import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.vit.Activation;
import io.vitshrink.onnx.vit.Attention;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.Mlp;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.prune.calibration.BlockwiseGramCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Refines one pruned transformer block on the calibration images, its attention sub-block first,
 * then its MLP on the refined attention's output: the kept weights and the biases of each sub-block
 * move by masked Adam ({@link SubBlockRefiner}) toward the target of {@link RefineSettings#denseShare()},
 * where the per-layer least squares before it could only fit each Linear to its own output.
 *
 * <p>Inputs are read at the LayerNorm outputs and outputs as what each sub-block adds to the residual
 * stream, all {@code [images, tokens, width]} whatever transposes an exporter puts in between
 * (torchvision's attention runs token-major). The sub-blocks are rewritten as standard ONNX graphs ({@link AttentionGraph}, {@link MlpGraph});
 * before refining, the rewritten graph must reproduce the model's own sub-block output on the
 * calibration images (relative error below {@link #MAX_FORM_ERROR}), else that sub-block is left as it
 * is with a note (window attention with a position bias, a non-erf activation, another head layout).
 */
public final class BlockRefiner {
    static final double MAX_FORM_ERROR = 1e-3;
    private final RefineSettings settings;
    /** Whether the classifier reads token 0 alone (then {@link RefineSettings#classTokenWeight()} applies). */
    private final boolean readsClassToken;
    private final SubBlockRefiner refiner;
    private final List<String> notes;

    /**
     * @param readsClassToken whether the classifier reads the class token (position 0) alone
     * @param notes receives one line per sub-block: what was refined and how much its held-out error moved
     */
    public BlockRefiner(RunnerOptions options, RefineSettings settings, boolean readsClassToken, List<String> notes) {
        this.settings = settings.withSharpness(0); // sharpness-aware steps are for windows (sub-block graphs take no noise input)
        this.readsClassToken = readsClassToken;
        this.refiner = new SubBlockRefiner(options);
        this.notes = notes;
    }

    /**
     * Refines the attention of block {@code b} of {@code pruned} (its input the stream {@code kept}
     * holds); returns a new model, or {@code pruned} itself when nothing changed.
     *
     * @param prunedWeights per Linear name, its pruned weights ({@code [out, in]}); absent = dense
     */
    public Model refineAttention(Model pruned, Model dense, TransformerBlock b, Map<String, boolean[]> prunedWeights,
            BlockwiseGramCollector kept) {
        Attention a = b.attention();
        String what = "block " + b.index() + " attention";
        String unsupported = unsupported(a);
        if (unsupported != null) {
            notes.add(what + " not refined: " + unsupported);
            return pruned;
        }
        int heads = (int) a.heads();
        int headDim = (int) a.headDim();
        int out = (int) a.proj().outFeatures();
        int in = (int) a.q().inFeatures();
        List<LinearParams> current = attentionParams(pruned.graph(), a, prunedWeights);
        List<LinearParams> original = attentionParams(dense.graph(), a, Map.of());
        SubBlockGraph forward = AttentionGraph.build(in, heads, headDim, out, (float) (1 / Math.sqrt(headDim)), false);
        SubBlockGraph train = AttentionGraph.build(in, heads, headDim, out, (float) (1 / Math.sqrt(headDim)), true);
        return refine(what, pruned, dense, b, kept, current, original, forward, train, false, b.norm1().output(), b.input(),
                b.attentionResidual().output(0));
    }

    /** Refines the MLP of block {@code b} (after its attention); as {@link #refineAttention}. */
    public Model refineMlp(Model pruned, Model dense, TransformerBlock b, Map<String, boolean[]> prunedWeights,
            BlockwiseGramCollector kept) {
        Mlp m = b.mlp();
        String what = "block " + b.index() + " MLP";
        String unsupported = unsupported(m);
        if (unsupported != null) {
            notes.add(what + " not refined: " + unsupported);
            return pruned;
        }
        int in = (int) m.fc1().inFeatures();
        int hidden = (int) m.fc1().outFeatures();
        int out = (int) m.fc2().outFeatures();
        List<LinearParams> current = mlpParams(pruned.graph(), m, prunedWeights);
        List<LinearParams> original = mlpParams(dense.graph(), m, Map.of());
        return refine(what, pruned, dense, b, kept, current, original, MlpGraph.build(in, hidden, out, false),
                MlpGraph.build(in, hidden, out, true), true, b.norm2().output(), b.attentionResidual().output(0), b.output());
    }

    /**
     * @param xName the sub-block's input (its LayerNorm's output)
     * @param residualIn the residual stream the sub-block's output is added to
     * @param residualOut the stream after that Add: residualOut − residualIn is the model's own
     *     sub-block output, which the standard form must reproduce (a layer scale would make it differ)
     */
    private Model refine(String what, Model pruned, Model dense, TransformerBlock b, BlockwiseGramCollector kept,
            List<LinearParams> current, List<LinearParams> original, SubBlockGraph forward, SubBlockGraph train, boolean rows,
            String xName, String residualIn, String residualOut) {
        List<String> fetch = new ArrayList<>(List.of(xName, residualOut));
        boolean fromStream = residualIn.equals(b.input());
        if (!fromStream) {
            fetch.add(residualIn);
        }
        Map<String, ImageValues> values = kept.values(pruned, b.input(), fetch);
        ImageValues stream = fromStream ? kept.streamValues() : values.get(residualIn);
        ImageValues y = values.get(residualOut).blend(1, stream, -1);
        ImageValues x = values.get(xName);
        int outWidth = y.width();
        float[][] params = flatten(current);
        ImageValues own = refiner.outputs(forward, rows, x, params, outWidth);
        double formError = relativeError(own.data(), y.data());
        if (!(formError < MAX_FORM_ERROR)) {
            notes.add(String.format(Locale.ROOT, "%s not refined: the standard form differs from the model's by %.2g (relative)",
                    what, formError));
            return pruned;
        }
        ImageValues target = refiner.outputs(forward, rows, x, flatten(original), outWidth);
        if (settings.denseShare() > 0) {
            ImageValues denseStream = kept.denseValues(dense, b.input(), List.of(residualOut)).get(residualOut);
            ImageValues drifted = denseStream.blend(1, stream, -1); // what the sub-block must add to reach the dense stream
            target = target.blend(1 - settings.denseShare(), drifted, settings.denseShare());
        }
        SubBlockRefiner.Result r = refiner.refine(train, forward, rows, x, target, params, frozen(current), stepSizes(current), settings,
                tokenWeights(readsClassToken, settings, x.tokens()));
        notes.add(String.format(Locale.ROOT, "%s refined: held-out error %.4f → %.4f (best after step %d of %d, %.1f s)", what,
                r.startError(), r.bestError(), r.bestStep(), r.steps(), r.seconds()));
        if (r.bestStep() == 0) {
            return pruned;
        }
        unflatten(params, current);
        Model copy = pruned.copy();
        Graph g = copy.graph();
        current.forEach(p -> p.write(g));
        return copy;
    }

    /** Why the refinement graph cannot stand for this attention, or null when it can. */
    static String unsupported(Attention a) {
        return a.positionBias() ? "its scores carry a position bias the refinement graph does not model" : null;
    }

    /** Why the refinement graph cannot stand for this MLP, or null when it can. */
    static String unsupported(Mlp m) {
        Activation.Kind kind = m.activation().kind();
        return kind == Activation.Kind.GELU_ERF || kind == Activation.Kind.GELU_OP ? null
                : "its activation is " + kind.name().toLowerCase(Locale.ROOT) + ", the refinement graph uses erf GELU";
    }

    /** q, k, v (three ranges of a fused qkv Linear) and proj, in {@link AttentionGraph}'s order. */
    static List<LinearParams> attentionParams(Graph g, Attention a, Map<String, boolean[]> prunedWeights) {
        int width = (int) (a.heads() * a.headDim());
        List<Linear> qkv = a.fusedQkv() ? List.of(a.q(), a.q(), a.q()) : List.of(a.q(), a.k(), a.v());
        List<LinearParams> params = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            params.add(LinearParams.read(g, qkv.get(i), a.fusedQkv() ? i * width : 0, width, prunedWeights.get(qkv.get(i).name())));
        }
        params.add(LinearParams.read(g, a.proj(), 0, (int) a.proj().outFeatures(), prunedWeights.get(a.proj().name())));
        return params;
    }

    /** fc1 and fc2, in {@link MlpGraph}'s order. */
    static List<LinearParams> mlpParams(Graph g, Mlp m, Map<String, boolean[]> prunedWeights) {
        return List.of(LinearParams.read(g, m.fc1(), 0, (int) m.fc1().outFeatures(), prunedWeights.get(m.fc1().name())),
                LinearParams.read(g, m.fc2(), 0, (int) m.fc2().outFeatures(), prunedWeights.get(m.fc2().name())));
    }

    /** The class token (position 0) weighted {@link RefineSettings#classTokenWeight()} when the head reads it alone. */
    static float[] tokenWeights(boolean readsClassToken, RefineSettings settings, int tokens) {
        if (!readsClassToken || settings.classTokenWeight() == 1) {
            return null;
        }
        float[] w = new float[tokens];
        java.util.Arrays.fill(w, 1f);
        w[0] = (float) settings.classTokenWeight();
        return w;
    }

    static float[][] flatten(List<LinearParams> ps) {
        float[][] a = new float[ps.size() * 2][];
        for (int i = 0; i < ps.size(); i++) {
            a[2 * i] = ps.get(i).weight.clone();
            a[2 * i + 1] = ps.get(i).bias.clone();
        }
        return a;
    }

    static void unflatten(float[][] a, List<LinearParams> ps) {
        for (int i = 0; i < ps.size(); i++) {
            System.arraycopy(a[2 * i], 0, ps.get(i).weight, 0, a[2 * i].length);
            System.arraycopy(a[2 * i + 1], 0, ps.get(i).bias, 0, a[2 * i + 1].length);
        }
    }

    static boolean[][] frozen(List<LinearParams> ps) {
        boolean[][] f = new boolean[ps.size() * 2][];
        for (int i = 0; i < ps.size(); i++) {
            f[2 * i] = ps.get(i).weightFrozen();
            f[2 * i + 1] = ps.get(i).biasFrozen();
        }
        return f;
    }

    static double[] stepSizes(List<LinearParams> ps) {
        double[] s = new double[ps.size() * 2];
        for (int i = 0; i < ps.size(); i++) {
            double rms = ps.get(i).weightRms();
            s[2 * i] = rms;
            s[2 * i + 1] = rms;
        }
        return s;
    }

    static double relativeError(float[] a, float[] ref) {
        double num = 0;
        double den = 0;
        for (int k = 0; k < a.length; k++) {
            double d = a[k] - ref[k];
            num += d * d;
            den += (double) ref[k] * ref[k];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }
}
