package io.vitshrink.prune.refine;

import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fits the parameters of one sub-block to targets on the calibration images by masked Adam
 * ({@link MaskedAdam}), its gradients computed by ONNX Runtime on a {@link SubBlockGraph}. Every
 * {@link RefineSettings#holdoutEvery()}-th image (by default the eighth) is held out: the parameters
 * kept are those with the lowest held-out error seen (checked before the first step too), so
 * refinement never leaves a sub-block worse on images it did not fit than the reconstruction it
 * started from. Without a hold-out every image is fitted and the lowest error on them decides.
 */
public final class SubBlockRefiner {
    private final RunnerOptions options;

    public SubBlockRefiner(RunnerOptions options) {
        this.options = options;
    }

    /**
     * What a refinement did.
     *
     * @param startError held-out Σ(y − t)² / Σ t² before the first step
     * @param bestError the same for the parameters kept
     * @param bestStep the step after which they were seen (0 = the starting parameters)
     * @param exchanged weights pruned (and as many grown) by mask exchanges before the kept step
     */
    public record Result(double startError, double bestError, int bestStep, int steps, double seconds, long exchanged) {
    }

    /**
     * What labels inputs the calibration set does not hold ({@link InputMixer}): the graph whose output
     * the loss measures, with the dense model's parameters.
     *
     * @param tokens rows of its output per image
     * @param width features of each row
     */
    public record Teacher(SubBlockGraph graph, float[][] params, int tokens, int width) {
    }

    /**
     * @param train the training graph (with gradients); {@code forward} the same sub-block without them
     * @param rows feed x and target as {@code [images·tokens, width]} (token-wise sub-blocks) instead of
     *     {@code [images, tokens, width]}
     * @param params in the graphs' parameter order, updated in place
     * @param frozen per parameter, true where it stays (pruned weights), or null
     * @param relativeStep per parameter, the Adam step size is this times {@code settings.learningRate()}
     * @param tokenWeights each token position's weight in the loss (and the held-out error), or null for 1
     */
    public Result refine(SubBlockGraph train, SubBlockGraph forward, boolean rows, ImageValues x, ImageValues target,
            float[][] params, boolean[][] frozen, double[] relativeStep, RefineSettings settings, float[] tokenWeights) {
        return refine(train, forward, rows, x, target, params, frozen, relativeStep, settings, tokenWeights, null, null);
    }

    /**
     * As {@link #refine(SubBlockGraph, SubBlockGraph, boolean, ImageValues, ImageValues, float[][], boolean[][], double[],
     * RefineSettings, float[])}, for windows: with {@link RefineSettings#regrow()} above 0 the masks of
     * the weights move too ({@link MaskRegrowth}; {@code frozen} then ends as the kept parameters'
     * masks), and with {@link RefineSettings#mixup()} above 0 and a {@code teacher} a share of every
     * step's images are blends of two fitted images ({@link InputMixer}) whose targets the teacher
     * computes; the error that decides which parameters are kept is measured on the images themselves.
     * With {@link RefineSettings#sharpness()} above 0 every step's gradient is sharpness-aware
     * ({@link SharpnessAware}; two gradient runs per step). A training graph with a noise input
     * ({@link SubBlockGraph#noiseSlices()}) is fed fresh unit noise at every step from a random
     * stream of its own.
     *
     * @param outFeatures per parameter, its output features when its mask may change (weights
     *     {@code [in, out]}), 0 when it may not; null = every mask stays
     * @param teacher labels the blends; null = no blends
     */
    public Result refine(SubBlockGraph train, SubBlockGraph forward, boolean rows, ImageValues x, ImageValues target,
            float[][] params, boolean[][] frozen, double[] relativeStep, RefineSettings settings, float[] tokenWeights,
            int[] outFeatures, Teacher teacher) {
        long t0 = System.nanoTime();
        List<Integer> fit = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        int every = settings.holdoutEvery();
        for (int i = 0; i < x.images(); i++) {
            (every > 0 && x.images() >= every && i % every == every - 1 ? held : fit).add(i);
        }
        if (held.isEmpty()) {
            held = fit; // no hold-out asked for, or too few images to hold any out: the error is measured on the fitted ones
        }
        double[] step = new double[params.length];
        for (int i = 0; i < step.length; i++) {
            step[i] = relativeStep[i] * settings.learningRate();
        }
        MaskedAdam adam = new MaskedAdam(params, frozen, step);
        MaskRegrowth regrowth = outFeatures == null || settings.regrow() == 0 ? null
                : new MaskRegrowth(params, frozen, outFeatures, settings.regrow(), settings.steps());
        SharpnessAware sharpness = settings.sharpness() == 0 ? null : new SharpnessAware(settings.sharpness(), frozen, relativeStep);
        SplittableRandom random = new SplittableRandom(settings.seed());
        SplittableRandom noiseRandom = new SplittableRandom(settings.seed() ^ 0x6E6F697365L); // its own stream: batches as without noise
        int batch = Math.min(settings.imagesPerStep(), fit.size());
        int checkEvery = Math.max(10, settings.steps() / 10);
        InputMixer mixer = teacher == null || settings.mixup() == 0 || fit.size() < 2 ? null
                : new InputMixer(settings.mixup(), settings.seed());
        int[] pool = fit.stream().mapToInt(Integer::intValue).toArray();
        try (Runner trainRun = Runner.open(train.model(), options); Runner forwardRun = Runner.open(forward.model(), options);
                Runner teacherRun = mixer == null ? null : Runner.open(teacher.graph().model(), options)) {
            double heldEnergy = energy(target, held, tokenWeights);
            double start = error(forwardRun, forward, rows, x, target, params, held, tokenWeights, heldEnergy);
            double best = start;
            int bestStep = 0;
            float[][] bestParams = copy(params);
            boolean[][] bestMasks = regrowth == null ? null : copy(frozen);
            long bestExchanged = 0;
            int[] order = shuffled(fit, random);
            int cursor = 0;
            for (int s = 1; s <= settings.steps(); s++) {
                int[] images = new int[batch];
                for (int i = 0; i < batch; i++) {
                    if (cursor == order.length) {
                        order = shuffled(fit, random);
                        cursor = 0;
                    }
                    images[i] = order[cursor++];
                }
                Map<String, Tensor> feed = mixer == null ? feeds(train, rows, x, target, params, images, tokenWeights)
                        : mixedFeeds(train, teacherRun, teacher, mixer, rows, x, target, params, images, pool, tokenWeights);
                if (train.noiseSlices() > 0) {
                    feed.put(SubBlockGraph.NOISE, noise(noiseRandom, train.noiseSlices(), images.length, x.tokens(), x.width()));
                }
                float[][] grads = gradients(trainRun, train, feed);
                if (sharpness != null) {
                    grads = sharpness.gradient(params, grads, at -> gradients(trainRun, train, withParams(feed, train, at)));
                }
                if (regrowth != null) {
                    regrowth.observe(grads);
                }
                adam.step(grads, settings.schedule().factor(s, settings.steps()));
                if (s % checkEvery == 0 || s == settings.steps()) {
                    double e = error(forwardRun, forward, rows, x, target, params, held, tokenWeights, heldEnergy);
                    if (e < best) {
                        best = e;
                        bestStep = s;
                        bestParams = copy(params);
                        if (regrowth != null) {
                            bestMasks = copy(frozen);
                            bestExchanged = regrowth.exchanged();
                        }
                    }
                }
                // after the check: an exchange costs error until the grown weights have moved
                if (regrowth != null && regrowth.due(s)) {
                    regrowth.exchange(s, adam);
                }
            }
            for (int i = 0; i < params.length; i++) {
                System.arraycopy(bestParams[i], 0, params[i], 0, params[i].length);
                if (bestMasks != null && frozen[i] != null) {
                    System.arraycopy(bestMasks[i], 0, frozen[i], 0, frozen[i].length);
                }
            }
            return new Result(start, best, bestStep, settings.steps(), (System.nanoTime() - t0) / 1e9, bestExchanged);
        }
    }

    /** {@code [slices, images, tokens, width]} uniform noise of mean 0 and variance 1. */
    static Tensor noise(SplittableRandom random, int slices, int images, int tokens, int width) {
        float[] z = new float[slices * images * tokens * width];
        float half = (float) Math.sqrt(3); // uniform on [−√3, √3) has variance 1
        for (int k = 0; k < z.length; k++) {
            z[k] = (2 * (float) random.nextDouble() - 1) * half;
        }
        return Tensor.ofFloats(SubBlockGraph.NOISE, new long[] {slices, images, tokens, width}, z);
    }

    /** The loss's gradient for every parameter, in the graph's parameter order. */
    private static float[][] gradients(Runner run, SubBlockGraph train, Map<String, Tensor> feed) {
        Map<String, Runner.FloatOutput> out = run.runFloats(feed, train.gradients());
        float[][] grads = new float[train.gradients().size()][];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = out.get(train.gradients().get(i)).data();
        }
        return grads;
    }

    /** {@code feed} with the parameters replaced by {@code params} (the same images and targets). */
    private static Map<String, Tensor> withParams(Map<String, Tensor> feed, SubBlockGraph graph, float[][] params) {
        Map<String, Tensor> f = new HashMap<>(feed);
        for (int i = 0; i < params.length; i++) {
            String name = graph.parameters().get(i);
            f.put(name, Tensor.ofFloats(name, graph.parameterShapes().get(i), params[i])); // copied
        }
        return f;
    }

    /** Σ w·(y − t)² / {@code energy} over the given images, in batches of 16. */
    private static double error(Runner run, SubBlockGraph graph, boolean rows, ImageValues x, ImageValues target, float[][] params,
            List<Integer> images, float[] tokenWeights, double energy) {
        double loss = 0;
        for (int from = 0; from < images.size(); from += 16) {
            int[] part = images.subList(from, Math.min(images.size(), from + 16)).stream().mapToInt(Integer::intValue).toArray();
            loss += run.runFloats(feeds(graph, rows, x, target, params, part, tokenWeights), List.of(SubBlockGraph.LOSS))
                    .get(SubBlockGraph.LOSS).data()[0];
        }
        return energy == 0 ? loss : loss / energy;
    }

    /** Σ w·t² of the target on the given images (the held-out error's denominator, the same at every check). */
    private static double energy(ImageValues target, List<Integer> images, float[] tokenWeights) {
        double energy = 0;
        int per = target.tokens() * target.width();
        for (int img : images) {
            for (int k = 0; k < per; k++) {
                double w = tokenWeights == null ? 1 : tokenWeights[k / target.width()];
                double v = target.data()[img * per + k];
                energy += w * v * v;
            }
        }
        return energy;
    }

    /** The sub-block's output y on every image with the given parameters ({@code outWidth} features per token). */
    public ImageValues outputs(SubBlockGraph forward, boolean rows, ImageValues x, float[][] params, int outWidth) {
        return outputs(forward, rows, x, params, x.tokens(), outWidth);
    }

    /**
     * The graph's output y on every image, {@code outTokens × outWidth} per image (a deep window's
     * output holds more token rows than its input).
     */
    public ImageValues outputs(SubBlockGraph forward, boolean rows, ImageValues x, float[][] params, int outTokens, int outWidth) {
        int per = outTokens * outWidth;
        float[] y = new float[x.images() * per];
        try (Runner run = Runner.open(forward.model(), options)) {
            for (int from = 0; from < x.images(); from += 16) {
                int[] part = new int[Math.min(16, x.images() - from)];
                for (int i = 0; i < part.length; i++) {
                    part[i] = from + i;
                }
                // the loss is not fetched: a zero target of the batch's size only fills the input
                float[] out = run.runFloats(feeds(forward, rows, x, new float[part.length * per], outTokens, outWidth, params, part, null),
                        List.of(SubBlockGraph.Y)).get(SubBlockGraph.Y).data();
                System.arraycopy(out, 0, y, from * per, out.length);
            }
        }
        return new ImageValues(y, x.images(), outTokens, outWidth);
    }

    /** Feeds of a sub-block graph for the given images, every token weighted 1. */
    static Map<String, Tensor> feeds(SubBlockGraph graph, boolean rows, ImageValues x, ImageValues target, float[][] params,
            int[] images) {
        return feeds(graph, rows, x, target, params, images, null);
    }

    /**
     * Feeds of a sub-block graph for the given images.
     *
     * @param tokenWeights each token position's weight in the loss, or null for 1
     */
    static Map<String, Tensor> feeds(SubBlockGraph graph, boolean rows, ImageValues x, ImageValues target, float[][] params,
            int[] images, float[] tokenWeights) {
        return feeds(graph, rows, x, target.gather(images), target.tokens(), target.width(), params, images, tokenWeights);
    }

    /**
     * Feeds of a training step whose last images are blends ({@link InputMixer}): their targets are the
     * teacher's outputs on the blends, the others' the calibration targets.
     */
    static Map<String, Tensor> mixedFeeds(SubBlockGraph graph, Runner teacherRun, Teacher teacher, InputMixer mixer,
            boolean rows, ImageValues x, ImageValues target, float[][] params, int[] images, int[] pool, float[] tokenWeights) {
        float[] xBatch = mixer.inputs(x, images, pool);
        float[] targetBatch = target.gather(images);
        int mixed = mixer.mixed(images.length);
        if (mixed > 0) {
            int perX = x.tokens() * x.width();
            int perTarget = target.tokens() * target.width();
            float[] blends = new float[mixed * perX];
            System.arraycopy(xBatch, (images.length - mixed) * perX, blends, 0, blends.length);
            Map<String, Tensor> teach = feeds(teacher.graph(), rows, blends, mixed, x.tokens(), x.width(),
                    new float[mixed * perTarget], teacher.tokens(), teacher.width(), teacher.params(), null);
            float[] labels = teacherRun.runFloats(teach, List.of(SubBlockGraph.Y)).get(SubBlockGraph.Y).data();
            System.arraycopy(labels, 0, targetBatch, (images.length - mixed) * perTarget, labels.length);
        }
        return feeds(graph, rows, xBatch, images.length, x.tokens(), x.width(), targetBatch, target.tokens(), target.width(), params,
                tokenWeights);
    }

    /** @param tokenWeights one weight per target token position (the target may hold more tokens than x), or null */
    private static Map<String, Tensor> feeds(SubBlockGraph graph, boolean rows, ImageValues x, float[] targetBatch, int targetTokens,
            int targetWidth, float[][] params, int[] images, float[] tokenWeights) {
        return feeds(graph, rows, x.gather(images), images.length, x.tokens(), x.width(), targetBatch, targetTokens, targetWidth,
                params, tokenWeights);
    }

    /** Feeds of {@code n} images' inputs {@code xBatch} ({@code xTokens × xWidth} each) and targets. */
    private static Map<String, Tensor> feeds(SubBlockGraph graph, boolean rows, float[] xBatch, int n, int xTokens, int xWidth,
            float[] targetBatch, int targetTokens, int targetWidth, float[][] params, float[] tokenWeights) {
        Map<String, Tensor> feed = new HashMap<>();
        float[] w = new float[n * targetTokens];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < targetTokens; t++) {
                w[i * targetTokens + t] = tokenWeights == null ? 1f : tokenWeights[t];
            }
        }
        long[] wShape = rows ? new long[] {w.length, 1} : new long[] {n, targetTokens, 1};
        feed.put(SubBlockGraph.TOKEN_WEIGHT, Tensor.ofFloats(SubBlockGraph.TOKEN_WEIGHT, wShape, w));
        feed.put(SubBlockGraph.X, Tensor.ofFloats(SubBlockGraph.X, shape(rows, n, xTokens, xWidth), xBatch));
        feed.put(SubBlockGraph.TARGET, Tensor.ofFloats(SubBlockGraph.TARGET, shape(rows, n, targetTokens, targetWidth), targetBatch));
        feed.put(SubBlockGraph.GRAD_SCALE, Tensor.ofFloats(SubBlockGraph.GRAD_SCALE, new long[0],
                new float[] {2f / ((float) n * xTokens)}));
        for (int i = 0; i < params.length; i++) {
            String name = graph.parameters().get(i);
            feed.put(name, Tensor.ofFloats(name, graph.parameterShapes().get(i), params[i]));
        }
        return feed;
    }

    private static long[] shape(boolean rows, int images, int tokens, int width) {
        return rows ? new long[] {(long) images * tokens, width} : new long[] {images, tokens, width};
    }
    private static int[] shuffled(List<Integer> items, SplittableRandom random) {
        int[] a = items.stream().mapToInt(Integer::intValue).toArray();
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
        return a;
    }

    static float[][] copy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private static boolean[][] copy(boolean[][] a) {
        boolean[][] c = new boolean[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] == null ? null : a[i].clone();
        }
        return c;
    }
}
