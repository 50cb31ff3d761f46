package io.vitshrink.onnx.io;

import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files so that readers see either the old file or the complete new one, never a partial
 * one: data goes to a temporary file in the same folder, is forced to disk, then renamed over the
 * target. A failure removes the temporary file.
 */
public final class AtomicFiles {

    /** Writes the content of one file. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void write(Path target, Writer writer) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UserException("cannot create folder '" + dir + "': " + e.getMessage(), e);
        }
        Path tmp = null;
        try {
            tmp = createTempFile(dir, absolute);
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writer.write(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UserException("cannot write '" + target + "': " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }

    /**
     * A temporary file beside the target. {@code createTempFile} makes owner-only files; the renamed
     * file must instead get the mode of the file it replaces, or that of any new file (0666 less the
     * umask).
     */
    private static Path createTempFile(Path dir, Path target) throws IOException {
        removeStaleTempFiles(dir, target);
        // the writer's process id in the name lets a later write tell a dead writer's leftovers apart
        String prefix = tempPrefix(target) + ProcessHandle.current().pid() + ".";
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempFile(dir, prefix, ".tmp");
        }
        Path tmp = Files.createTempFile(dir, prefix, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-")));
        if (Files.isRegularFile(target)) {
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
        }
        return tmp;
    }

    private static String tempPrefix(Path target) {
        return "." + target.getFileName() + ".";
    }

    /**
     * Deletes temporary files a killed writer left for the same target: named
     * {@code .<name>.<pid>.<n>.tmp}, written by a process that no longer runs (or whose id was reused by
     * a process started after the file), and untouched for a minute — the last rule keeps a writer on
     * another host sharing the folder safe. Best effort: failures are ignored.
     */
    static void removeStaleTempFiles(Path dir, Path target) {
        String prefix = tempPrefix(target);
        long self = ProcessHandle.current().pid();
        java.time.Instant recent = java.time.Instant.now().minusSeconds(60);
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (!name.startsWith(prefix) || !name.endsWith(".tmp")) {
                    continue;
                }
                String[] parts = name.substring(prefix.length(), name.length() - 4).split("\\.");
                if (parts.length != 2 || !parts[0].matches("[0-9]{1,18}")) {
                    continue; // another layout, or another target whose name extends this one
                }
                long pid = Long.parseLong(parts[0]);
                if (pid == self || !Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                java.time.Instant modified = Files.getLastModifiedTime(f).toInstant();
                boolean writerGone = ProcessHandle.of(pid).map(p -> !p.isAlive()
                        || p.info().startInstant().map(modified::isBefore).orElse(false)).orElse(true);
                if (writerGone && modified.isBefore(recent)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // cleaning up is a courtesy; the write itself must not fail because of it
        }
    }

    public static void writeBytes(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    public static void writeString(Path target, String text) {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }
}
