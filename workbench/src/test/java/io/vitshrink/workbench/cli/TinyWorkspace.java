package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.testkit.ImageLayout;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a command-line test works on: a tiny ViT, generated calibration and evaluation images (labelled
 * with the model's own predictions) and the 32×32 preprocessing recipe they need.
 */
public record TinyWorkspace(Path model, Path calib, Path eval, Path recipe) {
    public static final String RECIPE = "base: imagenet-deit\nname: tiny\nresize: 32\ncrop: 32\n";

    /** Writes {@code tiny.onnx}, {@code calib/}, {@code eval/} and {@code recipe.yaml} into {@code dir}. */
    public static TinyWorkspace write(Path dir, TinyVitBuilder b, long calibSeed, int calibImages, long evalSeed, int evalImages)
            throws IOException {
        Path model = b.writeTo(dir.resolve("tiny.onnx"));
        Path calib = dir.resolve("calib");
        Path eval = dir.resolve("eval");
        SyntheticImages.write(calib, b.config(), calibSeed, calibImages, ImageLayout.FLAT_WITH_LABELS);
        SyntheticImages.write(eval, b.config(), evalSeed, evalImages, ImageLayout.FLAT_WITH_LABELS);
        Path recipe = Files.writeString(dir.resolve("recipe.yaml"), RECIPE);
        return new TinyWorkspace(model, calib, eval, recipe);
    }
}
