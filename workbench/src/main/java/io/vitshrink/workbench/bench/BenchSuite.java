package io.vitshrink.workbench.bench;

import io.vitshrink.data.cache.TensorCache;
import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.loader.Batch;
import io.vitshrink.data.loader.BatchLoader;
import io.vitshrink.data.loader.LoaderOptions;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.quant.PtqPipeline;
import io.vitshrink.quant.calibration.CalibrationInputs;
import io.vitshrink.quant.calibration.Calibrator;
import io.vitshrink.quant.nonuniform.QuantizerChoice;
import io.vitshrink.quant.observers.ObserverKind;
import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.scheme.SchemePresets;
import io.vitshrink.workbench.eval.Evaluator;
import io.vitshrink.workbench.output.HeapWatch;
import io.vitshrink.workbench.output.Folders;
import io.vitshrink.workbench.output.JsonResult;
import io.vitshrink.workbench.quantize.LoaderCalibrationInputs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code bench --suite}: how much the workbench costs on top of ONNX Runtime, measured in one run on
 * the same images and reported as ratios (the machines are shared and noisy; a ratio of two things
 * timed side by side survives that, an absolute time does not).
 *
 * <p>Every repeated measurement is interleaved — one repeat runs plain inference, the warm evaluation
 * and the calibration back to back — so that a noisy minute hits all of them alike. Medians with their
 * minimum and maximum are reported.
 */
public final class BenchSuite {
    /** How often the heap measurement forces a full collection to read the live set. */
    static final Duration HEAP_SAMPLE_INTERVAL = Duration.ofMillis(500);

    /**
     * @param images images of the timed passes (evaluation, inference, calibration)
     * @param heapImages the larger calibration of the heap comparison (against {@code images}); 0 skips it
     * @param repeats repeats of each timed pass
     * @param batchSize images per batch in every pass
     * @param latencyBatches batch sizes of the W8A8 latency comparison
     * @param latencyRuns timed runs per batch size
     * @param warmup untimed runs before them
     * @param imageSize spatial size for models whose input size is symbolic
     */
    public record Settings(int images, int heapImages, int repeats, int batchSize, List<Integer> latencyBatches,
            int latencyRuns, int warmup, int imageSize) {
    }

    /** What the suite runs on. */
    public record Subject(Model model, String modelName, ImageDataset dataset, PreprocessRecipe recipe) {
    }

    private final Settings settings;
    private final RunnerOptions runnerOptions;
    private final LoaderOptions loaderOptions;
    private final Consumer<String> log;

    /**
     * @param loaderOptions decoding threads and pixel budget (the suite sets batch size and its own caches)
     * @param log one line per step, for stderr
     */
    public BenchSuite(Settings settings, RunnerOptions runnerOptions, LoaderOptions loaderOptions, Consumer<String> log) {
        this.settings = settings;
        this.runnerOptions = runnerOptions;
        this.loaderOptions = loaderOptions.withBatchSize(settings.batchSize());
        this.log = log;
    }

    public JsonResult run(Subject subject, Path workDir) {
        // distinct images: a repeated one would come out of the cache in the cold passes
        ImageDataset images = cycle(subject.dataset(), Math.min(settings.images(), subject.dataset().size()), "suite");
        JsonResult out = new JsonResult().put("model", subject.modelName()).put("images", images.size())
                .put("batch_size", settings.batchSize()).put("repeats", settings.repeats());
        MachineInfo.current().putInto(out);
        try (Runner model = Runner.open(subject.model(), runnerOptions)) {
            Path warmCache = workDir.resolve("cache-warm");
            log.accept("filling the tensor cache (and warming ONNX Runtime up)");
            evaluate(model, images, subject.recipe(), TensorCache.at(warmCache));
            List<Batch> batches = readBatches(images, subject.recipe(), TensorCache.at(warmCache));
            inferSeconds(model, batches);

            // per repeat, back to back: every ratio below pairs two passes of the same repeat
            List<Double> infer = new ArrayList<>();
            List<Double> warm = new ArrayList<>();
            List<Double> cold = new ArrayList<>();
            List<Double> calib = new ArrayList<>();
            List<Double> calibPass = new ArrayList<>();
            List<Double> statsPass = new ArrayList<>();
            List<Double> passOrt = new ArrayList<>();
            List<Double> passObservers = new ArrayList<>();
            Model quantized = null;
            for (int r = 0; r < settings.repeats(); r++) {
                log.accept(String.format("repeat %d/%d: inference on cached tensors, warm and cold evaluation, "
                        + "W8A8 calibration", r + 1, settings.repeats()));
                infer.add(inferSeconds(model, batches));
                warm.add(evaluate(model, images, subject.recipe(), TensorCache.at(warmCache)));
                Path coldCache = workDir.resolve("cache-cold-" + r); // empty: every image is decoded again
                cold.add(evaluate(model, images, subject.recipe(), TensorCache.at(coldCache)));
                Folders.deleteTree(coldCache);
                Map<String, Calibrator.PassStats> passes = new LinkedHashMap<>();
                PtqPipeline.Result q = calibrate(subject, inMemory(batches), passes);
                calib.add(q.statisticsSeconds() + q.calibrationSeconds());
                calibPass.add(q.calibrationSeconds());
                statsPass.add(q.statisticsSeconds());
                passOrt.add(passes.get("calibration").inferenceSeconds());
                passObservers.add(passes.get("calibration").observerSeconds());
                quantized = q.quantized();
            }
            perSecond(images.size(), infer).putInto(out, "ort_images_per_s");
            perSecond(images.size(), warm).putInto(out, "eval_images_per_s");
            perSecond(images.size(), cold).putInto(out, "eval_cold_images_per_s");
            perSecond(images.size(), calib).putInto(out, "calib_images_per_s");
            // throughput ratios = inverse time ratios
            Spread.ratios(infer, warm).putInto(out, "eval_pipeline_over_ort");
            Spread.ratios(infer, cold).putInto(out, "eval_pipeline_over_ort_cold");
            Spread.ratios(calib, infer).putInto(out, "calib_over_infer");
            Spread.ratios(calibPass, infer).putInto(out, "calib_pass_over_infer");
            // where calibration time goes: the statistics pass RepQ-ViT needs first, then, inside the
            // observer pass, ONNX Runtime with the exposed outputs and the observers' reductions
            Spread.ratios(statsPass, infer).putInto(out, "calib_stats_pass_over_infer");
            Spread.ratios(passOrt, infer).putInto(out, "calib_pass_ort_over_infer");
            Spread.ratios(passObservers, infer).putInto(out, "calib_pass_observers_over_infer");

            // timed in turn: both sessions without spinning workers (RunnerOptions#withoutSpinning)
            RunnerOptions timing = runnerOptions.withoutSpinning();
            try (Runner q = Runner.open(quantized, timing); Runner f = Runner.open(subject.model(), timing)) {
                LatencyBench bench = new LatencyBench(settings.warmup(), settings.latencyRuns());
                int[] chw = {(int) batches.get(0).shape()[1], (int) batches.get(0).shape()[2], (int) batches.get(0).shape()[3]};
                for (int b : settings.latencyBatches()) {
                    log.accept("W8A8 against float latency, batch " + b);
                    LatencyBench.Pair p = bench.measurePair(q, f, b, chw[0], chw[1], chw[2]);
                    out.put("w8a8_latency_ratio_b" + b, p.ratio()).put("w8a8_latency_ms_p50_b" + b, p.model().p50())
                            .put("float_latency_ms_p50_b" + b, p.reference().p50());
                }
            }
        }
        if (settings.heapImages() > 0) {
            measureHeap(subject, images.size(), workDir.resolve("cache-warm"), out);
        }
        return out;
    }

    /**
     * Peak live heap of calibrating on {@code images} against {@code heapImages} images (read from the
     * tensor cache), each the largest live set seen by {@link HeapWatch#forcingCollections} (a full
     * collection every {@link #HEAP_SAMPLE_INTERVAL}): "after the collector's last collection" depends on
     * when G1 happens to collect its old regions, and moved this ratio between 0.84 and 1.16 for the
     * same work.
     */
    private void measureHeap(Subject subject, int smallCount, Path warmCache, JsonResult out) {
        HeapPeak small = peakHeap(subject, smallCount, warmCache);
        HeapPeak large = peakHeap(subject, settings.heapImages(), warmCache);
        out.put("calib_peak_heap_bytes_small", small.bytes()).put("calib_peak_heap_bytes_large", large.bytes())
                .put("calib_heap_images_small", smallCount).put("calib_heap_images_large", settings.heapImages())
                .put("calib_heap_samples_small", small.samples()).put("calib_heap_samples_large", large.samples())
                .put("calib_heap_method", "largest live set, full collection every " + HEAP_SAMPLE_INTERVAL.toMillis() + " ms")
                .put("calib_heap_ratio", (double) large.bytes() / small.bytes());
    }

    /** A peak live heap and the number of live-set samples it is the maximum of. */
    private record HeapPeak(long bytes, int samples) {
    }

    private HeapPeak peakHeap(Subject subject, int count, Path warmCache) {
        log.accept("calibration heap with " + count + " images");
        // the images cycle through the ones already in the cache: what is measured is what calibration keeps,
        // not decoding; the inputs stream from disk, so they are not part of the live heap
        ImageDataset cycled = cycle(subject.dataset(), count, "heap-" + count);
        LoaderCalibrationInputs inputs = new LoaderCalibrationInputs(cycled, subject.recipe(),
                loaderOptions.withCache(TensorCache.at(warmCache)));
        try (HeapWatch heap = HeapWatch.forcingCollections(HEAP_SAMPLE_INTERVAL)) {
            calibrate(subject, inputs, new LinkedHashMap<>());
            long peak = heap.peakBytes();
            return new HeapPeak(peak, heap.samples());
        }
    }

    /** The default W8A8 pipeline of {@code quantize} (vit-all, percentile, MSE weights, RepQ, QDQ). */
    private PtqPipeline.Result calibrate(Subject subject, CalibrationInputs inputs, Map<String, Calibrator.PassStats> passes) {
        PtqPipeline.Settings s = new PtqPipeline.Settings(SchemePresets.get("vit-all", 8, 8), ObserverKind.PERCENTILE,
                WeightRangeMethod.MSE, PtqPipeline.Reparam.REPQ, "qdq", false, settings.imageSize(), QuantizerChoice.UNIFORM,
                QuantizerChoice.UNIFORM);
        PtqPipeline.Listener quiet = new PtqPipeline.Listener() {
            @Override
            public void passStarted(String what, int passes) {
            }

            @Override
            public void imagesDone(int images) {
            }

            @Override
            public void passFinished(String what, Calibrator.PassStats stats) {
                passes.put(what, stats);
            }
        };
        return new PtqPipeline(runnerOptions, quiet).run(subject.model(), subject.modelName(), "", "bench", inputs, s);
    }

    private static Spread perSecond(int images, List<Double> seconds) {
        return Spread.of(seconds.stream().map(t -> images / t).toList());
    }

    /** Wall time of a whole evaluation, the loader's start-up (its first decodes) included. */
    private double evaluate(Runner model, ImageDataset images, PreprocessRecipe recipe, TensorCache cache) {
        long t0 = System.nanoTime();
        try (BatchLoader loader = BatchLoader.open(images, recipe, loaderOptions.withCache(cache))) {
            Evaluator.run(model, null, loader);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private List<Batch> readBatches(ImageDataset images, PreprocessRecipe recipe, TensorCache cache) {
        List<Batch> batches = new ArrayList<>();
        try (BatchLoader loader = BatchLoader.open(images, recipe, loaderOptions.withCache(cache))) {
            loader.forEachRemaining(batches::add);
        }
        return batches;
    }

    /** Wall time of plain inference over the batches: the floor every other pass is compared with. */
    private static double inferSeconds(Runner model, List<Batch> batches) {
        long t0 = System.nanoTime();
        for (Batch b : batches) {
            model.runBatch(b.pixels(), b.shape());
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static CalibrationInputs inMemory(List<Batch> batches) {
        return CalibrationInputs.of(batches.stream().map(b -> new CalibrationInputs.Batch(b.pixels(), b.shape())).toList());
    }

    /** The first {@code count} images of the dataset, starting over from the first when it has fewer. */
    static ImageDataset cycle(ImageDataset dataset, int count, String name) {
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = i % dataset.size();
        }
        return dataset.select(indices, dataset.name() + "/" + name);
    }
}
