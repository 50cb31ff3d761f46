package io.vitshrink.onnx;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared (the real models and images); tests that need it skip themselves without it. */
public final class SharedData {

    private SharedData() {
    }

    public static Path root() {
        String prop = System.getProperty("vitshrink.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        if (!Files.isDirectory(p)) {
            p = Path.of("..", "..", "shared");
        }
        return p.toAbsolutePath().normalize();
    }

    /** A file under ../shared, or skips the calling test when it is not there. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), "../shared is absent (" + p + "); skipping a test that needs the real data");
        return p;
    }

    public static Path deitTiny17() {
        return require("models/deit-tiny/deit_tiny_patch16_224_in1k.onnx");
    }

    public static Path deitTiny13() {
        return require("models/deit-tiny/deit_tiny_patch16_224_in1k_opset13.onnx");
    }
}
