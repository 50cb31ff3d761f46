package io.vitshrink.onnx.io;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import io.vitshrink.onnx.model.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Helpers shared by the io tests: proto round trips and folder snapshots. */
final class IoFixtures {

    private IoFixtures() {
    }

    static OnnxMl.ModelProto proto(Model model) {
        try {
            return OnnxMl.ModelProto.parseFrom(ModelIO.toBytes(model));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path file, OnnxMl.ModelProto proto) {
        return write(file, proto.toByteArray());
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file under a folder (not following links) with its content and modification time. */
    static Map<String, String> snapshot(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(p -> {
                try {
                    String what;
                    if (Files.isSymbolicLink(p)) {
                        what = "link->" + Files.readSymbolicLink(p);
                    } else if (Files.isDirectory(p)) {
                        what = "dir";
                    } else {
                        what = Arrays.hashCode(Files.readAllBytes(p)) + "/" + Files.size(p) + "@"
                                + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
                    }
                    out.put(dir.relativize(p).toString(), what);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static void assertNoTempFiles(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            assertThat(list.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".tmp") || n.startsWith("."));
        }
    }
}
