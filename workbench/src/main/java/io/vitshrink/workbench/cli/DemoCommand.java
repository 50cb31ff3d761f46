package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.io.AtomicFiles;
import io.vitshrink.workbench.demo.DemoSweep;
import io.vitshrink.workbench.demo.DemoWorkspace;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vitshrink demo}: runs the workbench end to end on a bundled tiny ViT and generated images —
 * inspect, eval, a sweep into a results database, a report folder — then prints the commands to run
 * each step by hand.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Write a tiny ViT and generated images, inspect and evaluate it, run a small sweep (float, W8A8, "
                + "W6A6, W4A4 with uniform and log2 quantizers, token merging, pruning, benchmarked) and a mixed-precision "
                + "search into a results database and write a report folder (no network, no downloads).")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "vitshrink-demo", paramLabel = "DIR",
            description = "folder for the demo files (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--images", defaultValue = "64", description = "generated images (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--seed", defaultValue = "7", description = "seed of the model weights and images")
    long seed;

    @Override
    public Integer call() {
        if (images < 1 || images > 10_000) {
            throw new io.vitshrink.onnx.UserException("--images must be between 1 and 10000, not " + images);
        }
        if (out.toString().isBlank() || java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
            throw new io.vitshrink.onnx.UserException("--out '" + out + "' is " + (out.toString().isBlank() ? "empty"
                    : "a file") + "; the demo writes a folder of files: give a folder path");
        }
        new io.vitshrink.workbench.output.OutputPaths().output("--out", out.resolve("tiny-vit.onnx"));
        DemoWorkspace ws = DemoWorkspace.create(out, images, seed);
        String model = ws.model().toString();
        String data = ws.images().toString();
        String preset = ws.recipe().toString();
        String size = Integer.toString(ws.config().imageSize());
        section("1/5 inspect: what the model is and what it costs");
        int rc = VitshrinkCli.run("inspect", model, "--image-size", size,
                "--json", out.resolve("inspect.json").toString());
        if (rc != 0) {
            return rc;
        }
        section("2/5 eval: accuracy on " + ws.imageCount() + " generated images (labels = the float model's own predictions)");
        rc = VitshrinkCli.run("eval", "--model", model, "--data", data, "--preset", preset, "--no-cache", "--quiet",
                "--reference", model, "--json", out.resolve("eval.json").toString());
        if (rc != 0) {
            return rc;
        }
        Path sweep = out.resolve("sweep.yaml");
        AtomicFiles.writeString(sweep, DemoSweep.yaml(ws.config().imageSize()));
        Path db = out.resolve("results.db");
        section("3/5 sweep: float, W8A8/W6A6/W4A4 × uniform/log2 (simulated) and W8A8 int8 QDQ, each benchmarked "
                + "against float (" + sweep + "; rerun it: recorded points are skipped)");
        rc = VitshrinkCli.run("sweep", sweep.toString(), "--db", db.toString());
        if (rc != 0) {
            return rc;
        }
        Path search = out.resolve("search");
        section("4/5 search: mixed precision at an average of 5 bits — which layers hurt, and the best plan within the budget");
        // evaluated on the same images as the sweep, so that the report compares like with like
        rc = VitshrinkCli.run("search", "--model", model, "--calib", ws.calibration().toString(), "--eval", data, "--preset", preset,
                "--image-size", size, "--no-cache", "--quiet", "--budget", "avg_bits=5", "--bits", "4,6,8", "--holdout", "8",
                "--calib-size", "24", "--out", search.toString(), "--db", db.toString());
        if (rc != 0) {
            return rc;
        }
        Path report = out.resolve("report");
        section("5/5 report: trade-off charts, tables and a Markdown summary");
        rc = VitshrinkCli.run("report", "--db", db.toString(), "--out", report.toString(), "--title", "vitshrink demo: tiny ViT",
                "--activations", model, "--calib", ws.calibration().toString(), "--preset", preset, "--image-size", size,
                "--no-cache");
        if (rc != 0) {
            return rc;
        }
        section("done: open " + report.resolve("index.html") + "; run the steps yourself with");
        System.out.println("  bin/vitshrink inspect " + model);
        System.out.println("  bin/vitshrink eval --model " + model + " --data " + data + " --preset " + preset);
        System.out.println("  bin/vitshrink sweep " + sweep + " --db " + db);
        System.out.println("  bin/vitshrink search --model " + model + " --calib " + ws.calibration() + " --preset " + preset
                + " --eval " + data + " --image-size " + size + " --budget avg_bits=5 --out " + search + " --db " + db);
        System.out.println("  bin/vitshrink report --db " + db + " --out " + report + " --activations " + model + " --calib "
                + ws.calibration() + " --preset " + preset + " --image-size " + size);
        return 0;
    }

    private static void section(String title) {
        System.out.println();
        System.out.println("== " + title);
    }
}
