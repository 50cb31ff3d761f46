package io.vitshrink.workbench.demo;

import io.vitshrink.onnx.io.AtomicFiles;
import io.vitshrink.onnx.testkit.ImageLayout;
import io.vitshrink.onnx.testkit.LabeledImage;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.onnx.testkit.SyntheticImages;
import java.nio.file.Path;
import java.util.List;

/**
 * The files the demo works on, made without network or ../shared: a tiny DeiT-like ViT written by
 * the test kit, generated images labelled with the model's own predictions, and a preprocessing
 * recipe for their size.
 *
 * @param model the tiny ViT
 * @param images the evaluation image folder (flat, with labels.txt)
 * @param calibration calibration images (another seed: disjoint from the evaluation images)
 * @param recipe the preprocessing recipe file
 * @param imageCount how many images were written
 * @param config the tiny ViT's configuration
 */
public record DemoWorkspace(Path model, Path images, Path calibration, Path recipe, int imageCount, TinyVitConfig config) {

    /** Writes the workspace into {@code dir} (files are replaced atomically). */
    public static DemoWorkspace create(Path dir, int images, long seed) {
        TinyVitBuilder builder = TinyVitBuilder.deitLike().depth(4).width(64).heads(4).imageSize(32).patchSize(8)
                .classes(10).seed(seed);
        TinyVitConfig config = builder.config();
        Path model = builder.writeTo(dir.resolve("tiny-vit.onnx"));
        Path imageDir = dir.resolve("images");
        List<LabeledImage> written = SyntheticImages.write(imageDir, config, seed, images, ImageLayout.FLAT_WITH_LABELS);
        Path calibDir = dir.resolve("calibration");
        SyntheticImages.write(calibDir, config, seed + 1000, 32, ImageLayout.FLAT_WITH_LABELS);
        Path recipe = dir.resolve("preset.yaml");
        // Images are already the model's size: resize and crop are identities; only normalization remains.
        AtomicFiles.writeString(recipe, "# preprocessing of the demo images (see README: preprocessing recipes)\n"
                + "base: imagenet-deit\nname: tiny-demo\nresize: " + config.imageSize() + "\ncrop: " + config.imageSize() + "\n");
        return new DemoWorkspace(model, imageDir, calibDir, recipe, written.size(), config);
    }
}
