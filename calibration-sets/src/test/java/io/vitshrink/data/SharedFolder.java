package io.vitshrink.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds {@code ../shared} for tests that need the real data, skipping them when it is absent. */
public final class SharedFolder {
    private SharedFolder() {
    }

    /** The shared folder (system property {@code vitshrink.shared}, else {@code ../shared}), or skip the test. */
    public static Path require(String... relativeParts) {
        String configured = System.getProperty("vitshrink.shared");
        Path root = configured != null ? Path.of(configured) : Path.of("..", "shared");
        Path target = root.resolve(String.join("/", relativeParts));
        assumeTrue(Files.exists(target), "shared data not available at " + target.toAbsolutePath().normalize());
        return root.toAbsolutePath().normalize();
    }
}
