package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.AtomicFiles;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.workbench.bench.LatencyBench;
import io.vitshrink.workbench.bench.OrtProfile;
import io.vitshrink.workbench.output.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code bench --profile DIR}: where each model spends its time, per operator type after ORT's fusions
 * (does the W8A8 model really run int8 kernels, and what stays float?). Profiling slows ORT down, so it
 * runs in separate sessions after the timed runs and never touches the reported latencies.
 */
final class OperatorProfiles {
    private final Path dir;
    private final RunnerOptions options;
    private final int warmup;
    private final int runs;
    private final boolean quiet;

    OperatorProfiles(Path dir, RunnerOptions options, int warmup, int runs, boolean quiet) {
        this.dir = dir;
        this.options = options;
        this.warmup = warmup;
        this.runs = runs;
        this.quiet = quiet;
    }

    void write(Model model, Model reference, List<Integer> batches, int[] chw) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserException("--profile '" + dir + "' is a file; give a folder for the profiles");
        }
        Files.createDirectories(dir);
        for (int b : batches) {
            OrtProfile m = profile(model, "model-b" + b, b, chw);
            OrtProfile r = reference == null ? null : profile(reference, "reference-b" + b, b, chw);
            Set<String> ops = new LinkedHashSet<>(m.perOp().keySet());
            if (r != null) {
                ops.addAll(r.perOp().keySet());
            }
            Table t = r == null ? new Table("operator", "ms/run", "share") : new Table("operator", "model ms/run", "share",
                    "reference ms/run", "share");
            StringBuilder csv = new StringBuilder(r == null ? "operator,model_ms_per_run\n"
                    : "operator,model_ms_per_run,reference_ms_per_run\n");
            for (String op : ops) {
                if (r == null) {
                    t.row(op, f(m.millisPerRun(op)), share(m, op));
                    csv.append(op).append(',').append(m.millisPerRun(op)).append('\n');
                } else {
                    t.row(op, f(m.millisPerRun(op)), share(m, op), f(r.millisPerRun(op)), share(r, op));
                    csv.append(op).append(',').append(m.millisPerRun(op)).append(',').append(r.millisPerRun(op)).append('\n');
                }
            }
            AtomicFiles.writeString(dir.resolve("operators-b" + b + ".csv"), csv.toString());
            System.out.printf("operator time at batch %d (ONNX Runtime profiler, %d runs; kernels only)%n", b, runs);
            System.out.print(t.render());
        }
    }

    private OrtProfile profile(Model model, String name, int batch, int[] chw) throws IOException {
        if (!quiet) {
            System.err.printf("bench: profiling %s (%d runs)%n", name, runs);
        }
        Path trace;
        try (Runner runner = Runner.open(model, options.withProfiling(dir.resolve(name)))) {
            LatencyBench bench = new LatencyBench(warmup, runs);
            bench.measure(runner, batch, chw[0], chw[1], chw[2]);
            trace = runner.endProfiling();
        }
        Path stable = dir.resolve(name + ".json");
        Files.move(trace, stable, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return OrtProfile.read(stable);
    }

    private static String f(double ms) {
        return String.format("%.2f", ms);
    }

    private static String share(OrtProfile p, String op) {
        long total = p.totalMicros();
        return total == 0 ? "" : String.format("%.1f%%", 100.0 * p.perOp().getOrDefault(op, 0L) / total);
    }
}
