package io.vitshrink.workbench.cli;

import io.vitshrink.data.dataset.DatasetResolver;
import io.vitshrink.data.dataset.ResolvedDataset;
import io.vitshrink.data.loader.LoaderOptions;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import io.vitshrink.data.preprocess.RecipePresets;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.workbench.bench.BenchSuite;
import io.vitshrink.workbench.demo.DemoWorkspace;
import io.vitshrink.workbench.output.Folders;
import io.vitshrink.workbench.output.JsonResult;
import io.vitshrink.workbench.output.OutputPaths;
import io.vitshrink.workbench.output.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code bench --suite}: option checks, the subject (the given model or the bundled tiny ViT), the table. */
final class BenchSuiteRun {
    private final BenchCommand o;

    BenchSuiteRun(BenchCommand options) {
        this.o = options;
    }

    Integer call() throws IOException {
        check(o.suiteImages >= 1 && o.suiteImages <= 100_000, "--images must be between 1 and 100000, not " + o.suiteImages);
        check(o.heapImages >= 0 && o.heapImages <= 1_000_000, "--heap-images must be between 0 and 1000000, not " + o.heapImages);
        check(o.repeats >= 1 && o.repeats <= 100, "--repeats must be between 1 and 100, not " + o.repeats);
        check(o.batchSize >= 1 && o.batchSize <= 4096, "--batch-size must be between 1 and 4096, not " + o.batchSize);
        check(o.runs >= 1 && o.warmup >= 0, "--runs must be ≥ 1 and --warmup ≥ 0");
        check(o.workers >= 0 && o.workers <= OptionRanges.MAX_THREADS, "--workers must be 0 (one per core) or a count up to "
                + OptionRanges.MAX_THREADS + ", not " + o.workers);
        for (int b : o.batches) {
            check(b >= 1 && b <= 4096, "--batch sizes must be between 1 and 4096, not " + b);
        }
        OptionRanges.imageSize(o.imageSize);
        check(o.reference == null, "--reference does not apply to --suite (it compares the W8A8 model with the float one itself)");
        check(o.recorder.db == null || o.model != null,
                "--db with --suite needs --model (the bundled tiny ViT is written anew each time, so there is nothing to key the run on)");
        new OutputPaths().input("the input model (--model)", o.model)
                .input("the preprocessing recipe (--preset)", o.preset != null && Files.isRegularFile(Path.of(o.preset))
                        ? Path.of(o.preset) : null)
                .input("the dataset manifest (--data)", DataOptions.manifestFile(o.data))
                .output("--json", o.output.json).output("--db", o.recorder.db);
        Path work = Files.createTempDirectory("vitshrink-bench-suite");
        try {
            BenchSuite.Subject subject = subject(work);
            int imageSize = o.model == null ? subjectImageSize : o.imageSize;
            LoaderOptions loader = LoaderOptions.defaults();
            if (o.workers > 0) {
                loader = loader.withThreads(o.workers);
            }
            BenchSuite.Settings settings = new BenchSuite.Settings(o.suiteImages, o.heapImages, o.repeats, o.batchSize,
                    o.batches, o.runs, o.warmup, imageSize);
            JsonResult result = new BenchSuite(settings, o.runtime.toRunnerOptions(), loader,
                    line -> {
                        if (!o.output.quiet) {
                            System.err.println("bench --suite: " + line);
                        }
                    }).run(subject, work);
            result.put("data", dataName);
            System.out.print(table(result).render());
            result.writeTo(o.output.json);
            if (o.model != null) {
                o.recorder.record(o.model, result);
            }
            return 0;
        } finally {
            Folders.deleteTree(work);
        }
    }

    private int subjectImageSize;
    private String dataName;

    private BenchSuite.Subject subject(Path work) {
        if (o.model == null) {
            check(o.data == null, "--data needs --model (without --model the suite runs the bundled tiny ViT on generated images)");
            DemoWorkspace ws = DemoWorkspace.create(work.resolve("tiny"), Math.max(o.suiteImages, 1), 7);
            subjectImageSize = ws.config().imageSize();
            dataName = "generated (" + ws.imageCount() + " images)";
            ResolvedDataset d = DatasetResolver.resolve(ws.images().toString());
            return new BenchSuite.Subject(ModelIO.load(ws.model()), "bundled tiny ViT", d.dataset(),
                    DataOptions.recipe(ws.recipe().toString()));
        }
        check(o.data != null, "--suite with --model needs --data DIR (images to calibrate and evaluate on)");
        Model m = ModelIO.load(o.model);
        ResolvedDataset d = DatasetResolver.resolve(o.data);
        PreprocessRecipe recipe = o.preset != null ? DataOptions.recipe(o.preset) : d.recipe().orElse(RecipePresets.IMAGENET_DEIT);
        DataOptions.checkFits(m, recipe);
        dataName = d.source();
        return new BenchSuite.Subject(m, o.model.getFileName().toString(), d.dataset(), recipe);
    }

    private static Table table(JsonResult r) {
        Table t = new Table("measure", "value", "min", "max", "goal");
        row(t, r, "calib_over_infer", "≤ 1.2");
        row(t, r, "calib_stats_pass_over_infer", "");
        row(t, r, "calib_pass_over_infer", "");
        row(t, r, "calib_pass_ort_over_infer", "");
        row(t, r, "calib_pass_observers_over_infer", "");
        row(t, r, "eval_pipeline_over_ort", "≥ 0.9 (warm cache)");
        row(t, r, "eval_pipeline_over_ort_cold", "");
        for (String k : r.values().keySet()) {
            if (k.startsWith("w8a8_latency_ratio_b")) {
                row(t, r, k, k.endsWith("_b8") ? "≤ 0.45 (int8 dot products)" : "");
            }
        }
        row(t, r, "calib_heap_ratio", "≤ 1.1");
        row(t, r, "ort_images_per_s", "");
        row(t, r, "eval_images_per_s", "");
        row(t, r, "eval_cold_images_per_s", "");
        row(t, r, "calib_images_per_s", "");
        return t;
    }

    private static void row(Table t, JsonResult r, String key, String goal) {
        Object v = r.get(key);
        if (v == null) {
            return;
        }
        t.row(key, fmt(v), fmt(r.get(key + "_min")), fmt(r.get(key + "_max")), goal);
    }

    private static String fmt(Object v) {
        return v == null ? "" : v instanceof Double d ? String.format("%.3f", d) : String.valueOf(v);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new UserException(message);
        }
    }

}
