package io.vitshrink.prune.refine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Which calibration images a refinement fits and which decide the parameters it keeps. */
class SubBlockRefinerTest {
    private static final int IMAGES = 16;
    private static final int TOKENS = 3;
    private static final int WIDTH = 4;
    private static final int HIDDEN = 6;
    private final SubBlockRefiner refiner = new SubBlockRefiner(RunnerOptions.defaults());
    private final SubBlockGraph forward = MlpGraph.build(WIDTH, HIDDEN, WIDTH, false);
    private final SubBlockGraph train = MlpGraph.build(WIDTH, HIDDEN, WIDTH, true);

    /**
     * The starting error a refinement reports is the relative error on the held-out images alone:
     * images 7 and 15 of 16 when every 8th is held out, 3, 7, 11 and 15 for every 4th, all 16 without
     * a hold-out. Each image's error differs, so another partition gives another number.
     */
    @Test
    void theHoldOutDecidesWhichImagesMeasureTheError() {
        Problem p = problem(3);
        ImageValues x = p.x();
        float[][] start = p.start();
        ImageValues target = p.target();
        ImageValues own = refiner.outputs(forward, true, x, start, WIDTH);
        for (int every : new int[] {8, 4, 0}) {
            RefineSettings settings = new RefineSettings(0, 1e-3, 4, 0, 1).withHoldout(every);
            SubBlockRefiner.Result r = refiner.refine(train, forward, true, x, target, SubBlockRefiner.copy(start), new boolean[start.length][],
                    ones(start.length), settings, null);
            List<Integer> held = IntStream.range(0, IMAGES).filter(i -> every == 0 || i % every == every - 1).boxed().toList();
            assertThat(r.startError()).as("every %d", every).isCloseTo(relativeError(own, target, held), Offset.offset(1e-5));
        }
        assertThat(relativeError(own, target, List.of(7, 15))).isNotCloseTo(relativeError(own, target, List.of(3, 7, 11, 15)),
                Offset.offset(1e-3));
    }

    /** Without a hold-out every image is fitted: the error on all of them falls and the fitted parameters are kept. */
    @Test
    void withoutAHoldOutTheFitOnEveryImageIsKept() {
        Problem p = problem(5);
        ImageValues x = p.x();
        float[][] params = p.start();
        ImageValues target = p.target();
        RefineSettings settings = new RefineSettings(200, 3e-2, 4, 0, 1).withHoldout(0).withSchedule(StepSchedule.COSINE);
        SubBlockRefiner.Result r = refiner.refine(train, forward, true, x, target, params, new boolean[params.length][],
                ones(params.length), settings, null);
        List<Integer> all = IntStream.range(0, IMAGES).boxed().toList();
        double after = relativeError(refiner.outputs(forward, true, x, params, WIDTH), target, all);
        assertThat(r.bestStep()).isPositive();
        assertThat(r.bestError()).isLessThan(0.5 * r.startError()).isCloseTo(after, Offset.offset(1e-5));
    }

    /**
     * With mixup the last half of a step's images are blends, and their targets are the teacher's
     * outputs on exactly those blends; the first half keep their images and calibration targets.
     */
    @Test
    void blendedImagesAreLabelledByTheTeacher() {
        Problem p = problem(7);
        ImageValues x = p.x();
        float[][] student = p.start();
        float[][] dense = p.dense();
        ImageValues target = p.target();
        SubBlockRefiner.Teacher teacher = new SubBlockRefiner.Teacher(forward, dense, TOKENS, WIDTH);
        int[] images = {0, 5, 9, 14};
        int[] pool = IntStream.range(0, IMAGES).toArray();
        try (io.vitshrink.onnx.runtime.Runner run = io.vitshrink.onnx.runtime.Runner.open(forward.model(), RunnerOptions.defaults())) {
            var feed = SubBlockRefiner.mixedFeeds(train, run, teacher, new InputMixer(0.5, 1), true, x, target, student, images, pool,
                    null);
            float[] xs = feed.get(SubBlockGraph.X).toFloats();
            float[] ts = feed.get(SubBlockGraph.TARGET).toFloats();
            int per = TOKENS * WIDTH;
            assertThat(java.util.Arrays.copyOfRange(xs, 0, 2 * per)).containsExactly(x.gather(new int[] {0, 5}));
            assertThat(java.util.Arrays.copyOfRange(ts, 0, 2 * per)).containsExactly(target.gather(new int[] {0, 5}));
            ImageValues blends = new ImageValues(java.util.Arrays.copyOfRange(xs, 2 * per, 4 * per), 2, TOKENS, WIDTH);
            assertThat(java.util.Arrays.copyOfRange(xs, 2 * per, 4 * per)).isNotEqualTo(x.gather(new int[] {9, 14}));
            float[] labels = refiner.outputs(forward, true, blends, dense, WIDTH).data();
            float[] fed = java.util.Arrays.copyOfRange(ts, 2 * per, 4 * per);
            for (int k = 0; k < labels.length; k++) {
                assertThat(fed[k]).isCloseTo(labels[k], Offset.offset(1e-5f));
            }
        }
    }

    /**
     * Fitted on blends alone (mixup 1), with the teacher the function that made the targets, the
     * error on the calibration images themselves still falls.
     */
    @Test
    void fittingBlendsOfTheImagesFitsTheImages() {
        Problem p = problem(9);
        ImageValues x = p.x();
        float[][] params = p.start();
        float[][] dense = p.dense();
        ImageValues target = p.target();
        RefineSettings settings = new RefineSettings(200, 3e-2, 4, 0, 1, 1, 1, 200).withHoldout(0).withSchedule(StepSchedule.COSINE)
                .withMixup(1);
        SubBlockRefiner.Result r = refiner.refine(train, forward, true, x, target, params, new boolean[params.length][],
                ones(params.length), settings, null, null, new SubBlockRefiner.Teacher(forward, dense, TOKENS, WIDTH));
        assertThat(r.bestError()).isLessThan(0.5 * r.startError());
    }

    /** Token rows of every image, in image order (the window's form checks split its output with them). */
    @Test
    void rowsTakeTheSameTokensOfEveryImage() {
        ImageValues v = new ImageValues(new float[] {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15}, 2, 3, 2);
        assertThat(v.rows(0, 1).data()).containsExactly(0, 1, 10, 11);
        assertThat(v.rows(1, 3).data()).containsExactly(2, 3, 4, 5, 12, 13, 14, 15);
        assertThat(v.rows(2, 3).tokens()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> v.rows(2, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Random inputs, starting parameters, and the targets another (the "dense") set of parameters gives. */
    private record Problem(ImageValues x, float[][] start, float[][] dense, ImageValues target) {
    }

    private Problem problem(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ImageValues x = new ImageValues(gaussian(random, IMAGES * TOKENS * WIDTH), IMAGES, TOKENS, WIDTH);
        float[][] start = parameters(forward, random);
        float[][] dense = parameters(forward, random);
        return new Problem(x, start, dense, refiner.outputs(forward, true, x, dense, WIDTH));
    }

    private static double relativeError(ImageValues y, ImageValues t, List<Integer> images) {
        double num = 0;
        double den = 0;
        int per = TOKENS * WIDTH;
        for (int i : images) {
            for (int k = 0; k < per; k++) {
                double d = y.data()[i * per + k] - t.data()[i * per + k];
                num += d * d;
                den += (double) t.data()[i * per + k] * t.data()[i * per + k];
            }
        }
        return num / den;
    }

    private static float[][] parameters(SubBlockGraph g, SplittableRandom random) {
        float[][] p = new float[g.parameters().size()][];
        for (int i = 0; i < p.length; i++) {
            long n = 1;
            for (long d : g.parameterShapes().get(i)) {
                n *= d;
            }
            p[i] = gaussian(random, (int) n);
        }
        return p;
    }

    private static float[] gaussian(SplittableRandom random, int n) {
        float[] a = new float[n];
        for (int k = 0; k < n; k++) {
            a[k] = (float) (random.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static double[] ones(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }
}
