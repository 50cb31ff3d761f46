package io.vitshrink.workbench.sweep;

import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.workbench.cli.TinyWorkspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A tiny model, generated images and a sweep file over them, for sweep tests (a point takes about a second). */
final class TinySweep {

    private TinySweep() {
    }

    /** Writes the workspace into {@code dir} and a sweep file with the given points; returns the sweep file. */
    static Path write(Path dir, String points) throws IOException {
        TinyVitBuilder b = TinyVitBuilder.deitLike().depth(2).width(32).heads(2).imageSize(32).patchSize(8).classes(10).seed(3);
        if (!Files.exists(dir.resolve("tiny.onnx"))) {
            TinyWorkspace.write(dir, b, 100, 16, 200, 32);
        }
        Path sweep = dir.resolve("sweep.yaml");
        Files.writeString(sweep, """
                name: tiny
                models: [tiny.onnx]
                data: {calib: calib, calib_size: 16, eval: eval, preset: recipe.yaml, image_size: 32, cache: false}
                points:
                """ + points);
        return sweep;
    }
}
