package io.vitshrink.workbench.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.testkit.ImageLayout;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vitshrink only reads its inputs: after {@code inspect}, {@code eval}, {@code quantize} (calibrated and
 * from a plan) and {@code bench} on a model, a reference, a data folder, a manifest, a recipe and a
 * scheme, every input file has the same bytes and the same modification time, and no file appeared
 * among them (outputs, caches and temporary files all go elsewhere).
 */
class InputsUntouchedTest {
    @TempDir
    Path dir;

    @Test
    void noCommandWritesAnInputFile() throws Exception {
        Path in = dir.resolve("inputs");
        TinyVitBuilder b = TinyVitBuilder.deitLike().depth(2).width(32).heads(2).imageSize(32).patchSize(8).classes(10).seed(8);
        Path model = b.writeTo(in.resolve("tiny.onnx"));
        Path reference = b.seed(9).writeTo(in.resolve("reference.onnx"));
        Path images = in.resolve("images");
        SyntheticImages.write(images, b.config(), 5, 12, ImageLayout.FLAT_WITH_LABELS);
        SyntheticImages.write(in.resolve("eval-images"), b.config(), 6, 12, ImageLayout.FLAT_WITH_LABELS);
        Path recipe = Files.writeString(in.resolve("recipe.yaml"), "base: imagenet-deit\nname: tiny\nresize: 32\ncrop: 32\n");
        Path manifest = Files.writeString(in.resolve("set.yaml"), "folder: eval-images\nlabels: eval-images/labels.txt\npreset: "
                + "{base: imagenet-deit, resize: 32, crop: 32}\n");
        Path scheme = Files.writeString(in.resolve("scheme.yaml"), "base: vit-paper\nw_bits: 8\na_bits: 8\n");
        Path outDir = Files.createDirectories(dir.resolve("outputs"));
        String cache = outDir.resolve("cache").toString();
        // old timestamps, so that a rewrite with the same bytes would still show
        try (Stream<Path> s = Files.walk(in)) {
            for (Path p : s.toList()) {
                Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(1_600_000_000_000L));
            }
        }
        Map<String, String> before = fingerprint(in);

        List<String[]> commands = List.of(
                new String[] {"inspect", model.toString(), "--image-size", "32", "--json", outDir.resolve("i.json").toString()},
                new String[] {"eval", "--model", model.toString(), "--reference", reference.toString(), "--data",
                    manifest.toString(), "--cache-dir", cache, "--quiet", "--json", outDir.resolve("e.json").toString()},
                new String[] {"eval", "--model", model.toString(), "--data", images.toString(), "--preset", recipe.toString(),
                    "--cache-dir", cache, "--limit", "8", "--quiet"},
                new String[] {"quantize", "--model", model.toString(), "--calib", images.toString(), "--eval",
                    manifest.toString(), "--preset", recipe.toString(), "--scheme", scheme.toString(), "--calib-size", "8",
                    "--image-size", "32", "--cache-dir", cache, "--quiet", "--out", outDir.resolve("q.onnx").toString(),
                    "--json", outDir.resolve("q.json").toString()},
                new String[] {"quantize", "--model", model.toString(), "--from-plan", outDir.resolve("q.plan.json").toString(),
                    "--image-size", "32", "--out", outDir.resolve("q2.onnx").toString()},
                new String[] {"bench", "--model", outDir.resolve("q.onnx").toString(), "--reference", model.toString(),
                    "--batch", "1,2", "--runs", "2", "--warmup", "1", "--data", images.toString(), "--preset",
                    recipe.toString(), "--limit", "4", "--quiet", "--json", outDir.resolve("b.json").toString()});
        for (String[] args : commands) {
            Cli r = Cli.run(args);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(fingerprint(in)).as("inputs after " + args[0]).isEqualTo(before);
        }
        assertThat(Files.readAllBytes(outDir.resolve("q2.onnx"))).isEqualTo(Files.readAllBytes(outDir.resolve("q.onnx")));
        try (Stream<Path> s = Files.list(outDir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    /** Relative path → SHA-256 and modification time of every file (and folder) under {@code root}. */
    static Map<String, String> fingerprint(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String time = Files.getLastModifiedTime(p).toString();
                out.put(root.relativize(p).toString(), Files.isDirectory(p) ? "folder @" + time : sha256(p) + " @" + time);
            }
        }
        return out;
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(in.readAllBytes());
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
