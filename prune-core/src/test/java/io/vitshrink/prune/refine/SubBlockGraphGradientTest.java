package io.vitshrink.prune.refine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-written backward passes against central finite differences of the forward graph's
 * (token-weighted) loss, every parameter array, in ONNX Runtime.
 */
class SubBlockGraphGradientTest {
    private static final int IMAGES = 2;
    private static final int TOKENS = 5;
    /** Unequal token weights, as with a weighted class token. */
    private static final float[] WEIGHTS = {4f, 1f, 0.5f, 1f, 2f};

    @Test
    void mlpGradientsMatchFiniteDifferences() {
        checkGradients(MlpGraph.build(6, 12, 5, true), MlpGraph.build(6, 12, 5, false), true, 6, 5, TOKENS, WEIGHTS);
    }

    @Test
    void attentionGradientsMatchFiniteDifferences() {
        checkGradients(AttentionGraph.build(6, 2, 4, 5, 0.5f, true), AttentionGraph.build(6, 2, 4, 5, 0.5f, false), false, 6, 5,
                TOKENS, WEIGHTS);
    }

    @Test
    void windowOfTwoBlocksGradientsMatchFiniteDifferences() {
        // the gradient crosses two LayerNorms per block and both residual branches of the first block
        SplittableRandom r = new SplittableRandom(5);
        List<WindowGraph.Block> blocks = List.of(block(r), block(r));
        checkGradients(WindowGraph.build(blocks, true), WindowGraph.build(blocks, false), false, 8, 8, TOKENS, WEIGHTS);
    }

    @Test
    void deepWindowOfThreeBlocksGradientsMatchFiniteDifferences() {
        // every block's output is in the loss: the gradient of blocks 0 and 1 also enters where their outputs are
        SplittableRandom r = new SplittableRandom(7);
        List<WindowGraph.Block> blocks = List.of(block(r), block(r), block(r));
        float[] weights = WindowRefiner.deepTokenWeights(WEIGHTS, TOKENS, 3, 0.5);
        assertThat(weights).hasSize(3 * TOKENS);
        assertThat(weights[0]).isEqualTo(0.5f * WEIGHTS[0]);
        assertThat(weights[2 * TOKENS]).isEqualTo(WEIGHTS[0]);
        checkGradients(WindowGraph.build(blocks, true, TOKENS), WindowGraph.build(blocks, false, TOKENS), false, 8, 8,
                3 * TOKENS, weights);
    }

    @Test
    void windowWithTheHeadRowGradientsMatchFiniteDifferences() {
        // the class token after the final LayerNorm is one more output row; its gradient enters through that norm
        SplittableRandom r = new SplittableRandom(11);
        List<WindowGraph.Block> blocks = List.of(block(r), block(r));
        LayerNormParams head = norm(r);
        float[] weights = WindowRefiner.withHeadRow(WEIGHTS, TOKENS, 6);
        assertThat(weights).hasSize(TOKENS + 1).endsWith(6f);
        checkGradients(WindowGraph.build(blocks, true, 0, head), WindowGraph.build(blocks, false, 0, head), false, 8, 8,
                TOKENS + 1, weights);
    }

    @Test
    void deepWindowWithTheHeadRowGradientsMatchFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(13);
        List<WindowGraph.Block> blocks = List.of(block(r), block(r), block(r));
        LayerNormParams head = norm(r);
        float[] weights = WindowRefiner.withHeadRow(WindowRefiner.deepTokenWeights(WEIGHTS, TOKENS, 3, 0.5), 3 * TOKENS, 3);
        for (int i = 0; i < weights.length; i++) {
            weights[i] *= 0.25f; // a smaller loss: the float loss's rounding stays below the finite differences' tolerance
        }
        checkGradients(WindowGraph.build(blocks, true, TOKENS, head), WindowGraph.build(blocks, false, TOKENS, head), false, 8, 8,
                3 * TOKENS + 1, weights);
    }

    /**
     * Input noise: fed zeros, the noisy training graph computes the plain one's loss and gradients;
     * fed noise, its loss changes, and the gradients of the last MLP's parameters — which no
     * perturbed read depends on, so holding the deviations constant is exact for them — match
     * finite differences of that noisy loss.
     */
    @Test
    void windowWithInputNoiseIsThePlainWindowAtZeroNoiseAndExactDownstreamOfTheLastPerturbedRead() {
        SplittableRandom r = new SplittableRandom(17);
        List<WindowGraph.Block> blocks = List.of(block(r), block(r));
        SubBlockGraph noisy = WindowGraph.build(blocks, true, 0, null, 0.3f);
        SubBlockGraph plain = WindowGraph.build(blocks, true);
        assertThat(noisy.noiseSlices()).isEqualTo(4);
        assertThat(plain.noiseSlices()).isZero();
        SplittableRandom random = new SplittableRandom(3);
        ImageValues x = tokens(random, 8, TOKENS, 1.0);
        ImageValues t = tokens(random, 8, TOKENS, 1.0);
        float[][] params = randomParameters(noisy, random);
        int[] all = {0, 1};
        List<String> fetch = new java.util.ArrayList<>(noisy.gradients());
        fetch.add(SubBlockGraph.LOSS);
        try (Runner nr = Runner.open(noisy.model(), RunnerOptions.defaults()); Runner pr = Runner.open(plain.model(), RunnerOptions.defaults())) {
            Map<String, Tensor> feed = withUnitScale(SubBlockRefiner.feeds(noisy, false, x, t, params, all, WEIGHTS));
            Map<String, Runner.FloatOutput> reference = pr.runFloats(feed, fetch);
            feed.put(SubBlockGraph.NOISE, Tensor.ofFloats(SubBlockGraph.NOISE, new long[] {4, IMAGES, TOKENS, 8},
                    new float[4 * IMAGES * TOKENS * 8]));
            Map<String, Runner.FloatOutput> quiet = nr.runFloats(feed, fetch);
            for (String name : fetch) {
                assertThat(quiet.get(name).data()).as(name).containsExactly(reference.get(name).data(),
                        org.assertj.core.data.Offset.offset(1e-6f));
            }
            feed.put(SubBlockGraph.NOISE, SubBlockRefiner.noise(new SplittableRandom(9), 4, IMAGES, TOKENS, 8));
            Map<String, Runner.FloatOutput> loud = nr.runFloats(feed, fetch);
            double noisyLoss = loud.get(SubBlockGraph.LOSS).data()[0];
            assertThat(noisyLoss).isNotCloseTo(reference.get(SubBlockGraph.LOSS).data()[0], org.assertj.core.data.Percentage.withPercentage(1));
            for (int i = 0; i < params.length; i++) {
                String name = noisy.parameters().get(i);
                if (!name.startsWith("b1_fc")) {
                    continue;
                }
                float[] p = params[i];
                int index = i;
                assertMatchesFiniteDifferences(name, loud.get(noisy.gradients().get(i)).data(), p, () -> noisyLoss(nr, noisy, feed, index, p));
            }
        }
    }

    /** The loss of {@code feed} with parameter {@code i} replaced. */
    private static double noisyLoss(Runner run, SubBlockGraph graph, Map<String, Tensor> feed, int i, float[] values) {
        Map<String, Tensor> f = new java.util.HashMap<>(feed);
        String name = graph.parameters().get(i);
        f.put(name, Tensor.ofFloats(name, graph.parameterShapes().get(i), values));
        return run.runFloats(f, List.of(SubBlockGraph.LOSS)).get(SubBlockGraph.LOSS).data()[0];
    }

    private static WindowGraph.Block block(SplittableRandom r) {
        return new WindowGraph.Block(8, 2, 4, 0.5f, 12, norm(r), norm(r));
    }

    private static LayerNormParams norm(SplittableRandom r) {
        float[] gamma = random(r, 8, 0.3);
        for (int i = 0; i < gamma.length; i++) {
            gamma[i] += 1f;
        }
        return new LayerNormParams(gamma, random(r, 8, 0.2), 1e-6f);
    }

    private static void checkGradients(SubBlockGraph train, SubBlockGraph forward, boolean rows, int in, int out, int outTokens,
            float[] weights) {
        SplittableRandom random = new SplittableRandom(3);
        ImageValues x = tokens(random, in, TOKENS, 1.0);
        ImageValues t = tokens(random, out, outTokens, 1.0);
        float[][] params = randomParameters(train, random);
        int[] all = {0, 1};
        try (Runner tr = Runner.open(train.model(), RunnerOptions.defaults()); Runner fw = Runner.open(forward.model(), RunnerOptions.defaults())) {
            Map<String, Tensor> feed = withUnitScale(SubBlockRefiner.feeds(train, rows, x, t, params, all, weights));
            Map<String, io.vitshrink.onnx.runtime.Runner.FloatOutput> grads = tr.runFloats(feed, train.gradients());
            for (int i = 0; i < params.length; i++) {
                float[] g = grads.get(train.gradients().get(i)).data();
                assertThat(g).as(train.parameters().get(i)).hasSize(params[i].length);
                assertMatchesFiniteDifferences(train.parameters().get(i), g, params[i], () -> loss(fw, forward, rows, x, t, params, weights));
            }
        }
    }

    /** Every 7th-or-so entry of {@code g} against central differences of {@code loss} as {@code p}'s entry moves by ±0.01. */
    private static void assertMatchesFiniteDifferences(String name, float[] g, float[] p, java.util.function.DoubleSupplier loss) {
        assertThat(g).as(name).hasSize(p.length);
        for (int k = 0; k < p.length; k += Math.max(1, p.length / 7)) {
            float keep = p[k];
            double eps = 1e-2;
            p[k] = (float) (keep + eps);
            double up = loss.getAsDouble();
            p[k] = (float) (keep - eps);
            double down = loss.getAsDouble();
            p[k] = keep;
            double numeric = (up - down) / (2 * eps);
            assertThat(g[k]).as("%s[%d]", name, k)
                    .isCloseTo((float) numeric, org.assertj.core.data.Offset.offset((float) (2e-3 + 2e-2 * Math.abs(numeric))));
        }
    }

    /** grad_scale 2: the gradient outputs are then exactly ∂loss/∂parameter. */
    private static Map<String, Tensor> withUnitScale(Map<String, Tensor> feed) {
        feed.put(SubBlockGraph.GRAD_SCALE, Tensor.ofFloats(SubBlockGraph.GRAD_SCALE, new long[0], new float[] {2f}));
        return feed;
    }

    private static double loss(Runner fw, SubBlockGraph forward, boolean rows, ImageValues x, ImageValues t, float[][] params,
            float[] weights) {
        return fw.runFloats(SubBlockRefiner.feeds(forward, rows, x, t, params, new int[] {0, 1}, weights), List.of(SubBlockGraph.LOSS))
                .get(SubBlockGraph.LOSS).data()[0];
    }

    /** Every parameter of the graph drawn uniformly from ±0.4. */
    private static float[][] randomParameters(SubBlockGraph graph, SplittableRandom random) {
        float[][] params = new float[graph.parameters().size()][];
        for (int i = 0; i < params.length; i++) {
            long n = 1;
            for (long d : graph.parameterShapes().get(i)) {
                n *= d;
            }
            params[i] = random(random, (int) n, 0.4);
        }
        return params;
    }

    private static ImageValues tokens(SplittableRandom r, int width, int tokens, double scale) {
        float[] a = random(r, IMAGES * tokens * width, scale);
        return new ImageValues(a, IMAGES, tokens, width);
    }

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }
}
