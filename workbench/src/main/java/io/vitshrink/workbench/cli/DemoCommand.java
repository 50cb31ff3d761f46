package io.vitshrink.workbench.cli;

import io.vitshrink.workbench.demo.DemoWorkspace;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vitshrink demo}: runs the workbench end to end on a bundled tiny ViT and generated images,
 * then prints the commands to run each step by hand.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Write a tiny ViT and generated images, then inspect, evaluate, quantize (W8A8) and benchmark it "
                + "(no network, no downloads).")
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
        Path quantized = out.resolve("tiny-vit-w8a8.onnx");
        section("1/4 inspect: what the model is and what it costs");
        int rc = VitshrinkCli.run("inspect", model, "--image-size", size,
                "--json", out.resolve("inspect.json").toString());
        if (rc != 0) {
            return rc;
        }
        section("2/4 eval: accuracy on " + ws.imageCount() + " generated images (labels = the float model's own predictions)");
        rc = VitshrinkCli.run("eval", "--model", model, "--data", data, "--preset", preset, "--no-cache", "--quiet",
                "--reference", model, "--json", out.resolve("eval.json").toString());
        if (rc != 0) {
            return rc;
        }
        section("3/4 quantize: W8A8 (int8 QDQ), calibrated on 32 other images, evaluated against the float model");
        rc = VitshrinkCli.run("quantize", "--model", model, "--calib", ws.calibration().toString(), "--eval", data,
                "--preset", preset, "--image-size", size, "--no-cache", "--quiet", "--out", quantized.toString(),
                "--json", out.resolve("quantize.json").toString());
        if (rc != 0) {
            return rc;
        }
        section("4/4 bench: ONNX Runtime latency of the W8A8 model against the float model, in one run");
        rc = VitshrinkCli.run("bench", "--model", quantized.toString(), "--reference", model, "--batch", "1,8", "--runs", "20",
                "--image-size", size, "--quiet", "--json", out.resolve("bench.json").toString());
        if (rc != 0) {
            return rc;
        }
        section("done: results in " + out + "/{inspect,eval,quantize,bench}.json; run the steps yourself with");
        System.out.println("  bin/vitshrink inspect " + model);
        System.out.println("  bin/vitshrink eval --model " + model + " --data " + data + " --preset " + preset);
        System.out.println("  bin/vitshrink quantize --model " + model + " --calib " + ws.calibration() + " --eval " + data
                + " --preset " + preset + " --image-size " + size + " --out " + quantized);
        System.out.println("  bin/vitshrink bench --model " + quantized + " --reference " + model + " --image-size " + size);
        return 0;
    }

    private static void section(String title) {
        System.out.println();
        System.out.println("== " + title);
    }
}
