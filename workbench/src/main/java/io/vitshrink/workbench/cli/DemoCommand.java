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
        description = "Write a tiny ViT and generated images, then inspect, evaluate and benchmark it "
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
        DemoWorkspace ws = DemoWorkspace.create(out, images, seed);
        String model = ws.model().toString();
        String data = ws.images().toString();
        String preset = ws.recipe().toString();
        section("1/3 inspect: what the model is and what it costs");
        int rc = VitshrinkCli.run("inspect", model, "--image-size", Integer.toString(ws.config().imageSize()),
                "--json", out.resolve("inspect.json").toString());
        if (rc != 0) {
            return rc;
        }
        section("2/3 eval: accuracy on " + ws.imageCount() + " generated images (labels = the float model's own predictions)");
        rc = VitshrinkCli.run("eval", "--model", model, "--data", data, "--preset", preset, "--no-cache", "--quiet",
                "--reference", model, "--json", out.resolve("eval.json").toString());
        if (rc != 0) {
            return rc;
        }
        section("3/3 bench: ONNX Runtime latency");
        rc = VitshrinkCli.run("bench", "--model", model, "--batch", "1,8", "--runs", "20", "--image-size",
                Integer.toString(ws.config().imageSize()), "--quiet", "--json", out.resolve("bench.json").toString());
        if (rc != 0) {
            return rc;
        }
        section("done: results in " + out + "/{inspect,eval,bench}.json; run the steps yourself with");
        System.out.println("  bin/vitshrink inspect " + model);
        System.out.println("  bin/vitshrink eval --model " + model + " --data " + data + " --preset " + preset);
        System.out.println("  bin/vitshrink bench --model " + model + " --image-size " + ws.config().imageSize());
        return 0;
    }

    private static void section(String title) {
        System.out.println();
        System.out.println("== " + title);
    }
}
