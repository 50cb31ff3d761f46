package io.vitshrink.workbench.store;

import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * Run folders beside a results database ({@code results.db.runs/<point key>/}). A run writes into a
 * hidden staging folder; {@link #publish} renames it into place just before the database row is
 * committed. A process killed before the commit leaves a staging folder or a folder without a row —
 * never a row without its files — and the next run of the point replaces it.
 */
public final class RunFolders {

    private RunFolders() {
    }

    /** A fresh staging folder for a point (hidden, named after the point and this process). */
    public static Path stage(RunStore store, String key) {
        Path dir = store.runsFolder().resolve(".staging-" + key + "-" + ProcessHandle.current().pid());
        try {
            deleteTree(dir);
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new UserException("cannot create the run folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves a staging folder to {@code runs/<key>} (an older folder of the point is removed) and returns
     * the path relative to the database's folder, as stored in the run's row.
     */
    public static String publish(RunStore store, String key, Path staging) {
        Path target = store.runsFolder().resolve(key);
        try {
            if (Files.exists(target)) {
                Path old = store.runsFolder().resolve(".old-" + key + "-" + ProcessHandle.current().pid());
                deleteTree(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserException("cannot move the run folder into " + target + ": " + e.getMessage(), e);
        }
        return store.file().toAbsolutePath().getParent().relativize(target).toString();
    }

    /** Copies a published run folder from another database's runs folder (merge); returns the relative path. */
    public static String copy(Path sourceFolder, RunStore into, String key) {
        Path staging = stage(into, key);
        try (Stream<Path> files = Files.walk(sourceFolder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = staging.resolve(sourceFolder.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UserException("cannot copy the run folder " + sourceFolder + ": " + e.getMessage(), e);
        }
        return publish(into, key, staging);
    }

    /** Removes staging and replaced folders left by processes that no longer run (killed ones). */
    public static void removeLeftovers(RunStore store) {
        Path runs = store.runsFolder();
        if (!Files.isDirectory(runs)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String n = d.getFileName().toString();
                if ((n.startsWith(".staging-") || n.startsWith(".old-")) && !alive(n)) {
                    deleteTree(d);
                }
            }
        } catch (IOException e) {
            throw new UserException("cannot clean the run folders in " + runs + ": " + e.getMessage(), e);
        }
    }

    private static boolean alive(String folderName) {
        try {
            long pid = Long.parseLong(folderName.substring(folderName.lastIndexOf('-') + 1));
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
