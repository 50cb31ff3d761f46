package io.vitshrink.workbench.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch folders the workbench makes for itself (never a user's folder). */
public final class Folders {
    private Folders() {
    }

    /** Deletes a folder the workbench created, with everything in it; nothing happens when it is absent. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the scratch folder " + dir, e);
        }
    }
}
