package io.vitshrink.onnx.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leftovers of killed writers are removed by the next write; live or recent ones are left alone. */
class AtomicFilesCleanupTest {
    @TempDir
    Path dir;

    private Path leftover(String name, Instant modified) throws IOException {
        Path p = Files.writeString(dir.resolve(name), "partial");
        Files.setLastModifiedTime(p, FileTime.from(modified));
        return p;
    }

    @Test
    void staleTempFilesOfDeadWritersGoAndTheRestStays() throws IOException {
        long dead = 4_000_000_000L; // above Linux's pid_max: no such process
        Instant old = Instant.now().minusSeconds(600);
        Path stale = leftover(".model.onnx." + dead + ".123.tmp", old);
        Path recent = leftover(".model.onnx." + dead + ".456.tmp", Instant.now());
        Path mine = leftover(".model.onnx." + ProcessHandle.current().pid() + ".789.tmp", old);
        Path otherTarget = leftover(".model.onnx.data." + dead + ".1.tmp", old);
        Path foreignLayout = leftover(".model.onnx.abc.tmp", old);

        AtomicFiles.writeString(dir.resolve("model.onnx"), "complete");

        assertThat(Files.readString(dir.resolve("model.onnx"))).isEqualTo("complete");
        assertThat(stale).doesNotExist();
        assertThat(recent).exists();
        assertThat(mine).exists();
        assertThat(otherTarget).exists();
        assertThat(foreignLayout).exists();
        try (var files = Files.list(dir)) {
            // the write's own temporary file is gone after the rename
            assertThat(files.filter(p -> p.getFileName().toString().contains("." + ProcessHandle.current().pid() + "."))
                    .toList()).containsExactly(mine);
        }
    }

    @Test
    void aDeviceIsNotAModel() {
        Path device = Path.of("/dev/null");
        assumeTrue(Files.exists(device) && !Files.isRegularFile(device), "no /dev/null here");
        assertThatThrownBy(() -> ModelIO.load(device)).isInstanceOf(UserException.class)
                .hasMessage("'/dev/null' is not a regular file (a device or a pipe?); give the path of an ONNX file");
    }
}
