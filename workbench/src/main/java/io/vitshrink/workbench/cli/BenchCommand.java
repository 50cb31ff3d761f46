package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.workbench.bench.LatencyBench;
import io.vitshrink.workbench.bench.LatencyStats;
import io.vitshrink.workbench.output.JsonResult;
import io.vitshrink.workbench.output.OutputPaths;
import io.vitshrink.workbench.output.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vitshrink bench}: ONNX Runtime latency and throughput of a model. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure ONNX Runtime latency (median and spread over repeated runs) and throughput.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "M",
            description = "ONNX model file (required, except with --suite, which defaults to the bundled tiny ViT)")
    Path model;

    @Option(names = "--suite", description = "run the performance suite instead: calibration and evaluation against plain "
            + "ONNX Runtime inference, W8A8 against float latency, calibration heap; ratios measured in one run")
    boolean suite;

    @Option(names = "--images", defaultValue = "64", description = "--suite: images of the timed passes (default: ${DEFAULT-VALUE})")
    int suiteImages;

    @Option(names = "--heap-images", defaultValue = "1024",
            description = "--suite: calibration images of the heap comparison against --images; 0 skips it (default: ${DEFAULT-VALUE})")
    int heapImages;

    @Option(names = "--repeats", defaultValue = "3", description = "--suite: repeats of each timed pass (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--batch-size", defaultValue = "16", description = "--suite: images per batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--workers", defaultValue = "0", description = "--suite: image decoding threads (default 0 = one per core)")
    int workers;

    @Option(names = "--batch", split = ",", defaultValue = "1,8", paramLabel = "B[,B…]",
            description = "batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--runs", defaultValue = "30", description = "timed runs per batch size (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", defaultValue = "5", description = "untimed warm-up runs (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--reference", paramLabel = "M0",
            description = "also time this model (usually the float original), interleaved run by run, and report latency ratios")
    Path reference;

    @Option(names = "--image-size", defaultValue = "224",
            description = "image size when the model leaves it symbolic (default: ${DEFAULT-VALUE})")
    int imageSize;

    @Option(names = "--data", paramLabel = "DIR",
            description = "also measure decode+preprocess throughput on these images (folder or manifest)")
    String data;

    @Option(names = "--preset", description = "preprocessing preset or recipe file for --data (default: the dataset's, "
            + "else imagenet-deit)")
    String preset;

    @Option(names = "--limit", defaultValue = "64", description = "images for the preprocessing measurement")
    int limit;

    @Option(names = "--profile", paramLabel = "DIR",
            description = "after timing, profile each model with ONNX Runtime's per-node profiler and write the traces "
                    + "and a per-operator summary (ms per run, model against reference) into DIR")
    Path profileDir;

    @Mixin
    OutputOptions output;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    RunRecorder recorder;

    @Override
    public Integer call() throws Exception {
        if (suite) {
            return new BenchSuiteRun(this).call();
        }
        if (model == null) {
            throw new UserException("bench needs --model M (or --suite, which defaults to the bundled tiny ViT)");
        }
        if (preset == null) {
            preset = "imagenet-deit";
        }
        if (runs < 1 || warmup < 0) {
            throw new UserException("--runs must be ≥ 1 and --warmup ≥ 0");
        }
        for (int b : batches) {
            if (b < 1 || b > 4096) {
                throw new UserException("--batch sizes must be between 1 and 4096, not " + b);
            }
        }
        OptionRanges.imageSize(imageSize);
        if (data != null && limit < 1) {
            throw new UserException("--limit must be at least 1, not " + limit);
        }
        new OutputPaths().input("the input model (--model)", model).input("the reference model (--reference)", reference)
                .input("the preprocessing recipe (--preset)", Files.isRegularFile(Path.of(preset)) ? Path.of(preset) : null)
                .input("the dataset manifest (--data)", DataOptions.manifestFile(data))
                .output("--json", output.json).output("--db", recorder.db);
        Model m = ModelIO.load(model);
        int[] chw = imageShape(m);
        JsonResult result = new JsonResult().put("model", model.getFileName().toString())
                .put("size_bytes", Files.size(model))
                .put("threads", runtime.threads)
                .put("cores", Runtime.getRuntime().availableProcessors());
        Table table = reference == null ? new Table("batch", "p50 ms", "p10 ms", "p90 ms", "min ms", "images/s")
                : new Table("batch", "p50 ms", "p10 ms", "p90 ms", "images/s", "reference p50 ms", "ratio");
        LatencyBench bench = new LatencyBench(warmup, runs);
        Model ref = reference == null ? null : ModelIO.load(reference);
        if (ref != null) {
            result.put("reference", reference.getFileName().toString()).put("reference_size_bytes", Files.size(reference))
                    .put("size_ratio", (double) Files.size(model) / Files.size(reference));
        }
        // two sessions timed in turn must not spin (RunnerOptions#withoutSpinning); a lone one keeps ORT's default
        RunnerOptions timing = ref == null ? runtime.toRunnerOptions() : runtime.toRunnerOptions().withoutSpinning();
        try (Runner runner = Runner.open(m, timing); Runner refRunner = ref == null ? null : Runner.open(ref, timing)) {
            boolean first = true;
            for (int b : batches) {
                if (!output.quiet) {
                    System.err.printf("bench: batch %d, %d warm-up + %d timed runs%s%n", b, warmup, runs,
                            ref == null ? "" : " of each model, interleaved");
                }
                String k = "_b" + b;
                LatencyStats s;
                if (refRunner == null) {
                    s = bench.measure(runner, b, chw[0], chw[1], chw[2]);
                    table.row(b, f(s.p50()), f(s.p10()), f(s.p90()), f(s.min()), f(s.imagesPerSecond()));
                } else {
                    LatencyBench.Pair pair = bench.measurePair(runner, refRunner, b, chw[0], chw[1], chw[2]);
                    s = pair.model();
                    table.row(b, f(s.p50()), f(s.p10()), f(s.p90()), f(s.imagesPerSecond()), f(pair.reference().p50()),
                            String.format("%.3f", pair.ratio()));
                    result.put("reference_latency_ms_p50" + k, pair.reference().p50()).put("latency_ratio" + k, pair.ratio());
                }
                result.put("latency_ms_p50" + k, s.p50()).put("latency_ms_p10" + k, s.p10())
                        .put("latency_ms_p90" + k, s.p90()).put("images_per_s" + k, s.imagesPerSecond());
                if (first) {
                    result.put("latency_ms_p50", s.p50()).put("images_per_s", s.imagesPerSecond()).put("batch", b);
                    first = false;
                }
            }
        }
        if (profileDir != null) {
            new OperatorProfiles(profileDir, runtime.toRunnerOptions(), warmup, Math.min(runs, 10), output.quiet)
                    .write(m, ref, batches, chw);
        }
        if (data != null) {
            PreprocessThroughput.Result p = PreprocessThroughput.measure(data, preset, limit, output.quiet);
            result.put("preprocess_images_per_s", p.imagesPerSecond()).put("preprocess_images", p.images());
            System.out.printf("preprocess  %d images, %.1f images/s (decode + resize + normalize, %d threads)%n",
                    p.images(), p.imagesPerSecond(), p.threads());
        }
        System.out.print(table.render());
        result.writeTo(output.json);
        recorder.record(model, result);
        return 0;
    }

    private static String f(double v) {
        return String.format("%.2f", v);
    }

    /** Channels, height, width of the image input (symbolic sizes become --image-size). */
    private int[] imageShape(Model m) {
        List<ValueInfo> feeds = m.graph().feedInputs();
        if (feeds.size() != 1 || !feeds.get(0).hasShape() || feeds.get(0).shape().size() != 4) {
            throw new UserException("bench expects one image input [batch, channels, height, width]; the model has "
                    + feeds.stream().map(v -> v.name() + v.shapeString()).toList());
        }
        List<Dim> s = feeds.get(0).shape();
        return new int[] {dim(s.get(1), 3), dim(s.get(2), imageSize), dim(s.get(3), imageSize)};
    }

    private static int dim(Dim d, int fallback) {
        return d.isFixed() ? (int) d.value() : fallback;
    }
}
