package io.vitshrink.workbench.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweep files: grid expansion, canonical keys, chains, shards, and one-line errors. */
class SweepFileTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void model() {
        TinyVitBuilder.deitLike().depth(1).width(32).heads(2).imageSize(32).patchSize(8).classes(10).seed(1)
                .writeTo(dir.resolve("m.onnx"));
    }

    static SweepFile read(String yaml) throws Exception {
        Path f = Files.createTempFile(dir, "sweep", ".yaml");
        Files.writeString(f, yaml);
        return SweepFile.read(f);
    }

    @Test
    void listsAreGridAxesAndChainsMultiplyTheirSteps() throws Exception {
        SweepFile s = read("""
                models: [m.onnx]
                data: {calib: c, eval: e}
                points:
                  - eval
                  - quantize: {bits: [W8A8, W6A6, W4A4], quantizer: [uniform, adalog], format: simulated}
                  - [quantize: {bits: W8A8, observer: [minmax, mse]}, bench: {batch: [1, 8]}]
                """);
        assertThat(s.points()).hasSize(1 + 6 + 4);
        assertThat(s.points().get(0).method()).isEqualTo("float");
        SweepPoint q = s.points().get(2);
        assertThat(q.steps().get(0).settings()).containsEntry("w_bits", "8").containsEntry("a_bits", "8")
                .containsEntry("softmax_quantizer", "adalog").containsEntry("gelu_quantizer", "adalog").doesNotContainKey("bits");
        assertThat(q.method()).isEqualTo("PTQ adalog");
        assertThat(q.label()).isEqualTo("W8A8 adalog format=simulated");
        assertThat(s.points().get(7).command()).isEqualTo("quantize+bench");
        assertThat(s.points().stream().map(SweepPoint::key).distinct()).hasSize(11);
    }

    @Test
    void shorthandsAndTheirLongFormsGiveTheSameKeyAndDuplicatesCollapse() throws Exception {
        SweepFile s = read("""
                models: [m.onnx, ./m.onnx]
                data: {calib: c}
                points:
                  - quantize: {bits: W6A4, quantizer: log2}
                  - quantize: {a_bits: 4, w_bits: 6, gelu_quantizer: log2, softmax_quantizer: log2}
                """);
        assertThat(s.points()).hasSize(1);
        SweepFile other = read("""
                models: [m.onnx]
                data: {calib: c, eval_limit: 50}
                points: [quantize: {bits: W6A4, quantizer: log2}]
                """);
        assertThat(other.points().get(0).key()).as("the data is part of the key").isNotEqualTo(s.points().get(0).key());
    }

    @Test
    void shardsSplitThePointsDeterministicallyAndCompletely() throws Exception {
        SweepFile s = read("""
                models: [m.onnx]
                points:
                  - quantize: {bits: [W8A8, W7A7, W6A6, W5A5, W4A4], observer: [minmax, mse]}
                """);
        List<SweepPoint> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<SweepPoint> part = Shard.parse(i + "/3").select(s.points());
            assertThat(part.size()).isBetween(3, 4);
            List<SweepPoint> reversed = new ArrayList<>(s.points());
            java.util.Collections.reverse(reversed);
            assertThat(Shard.parse(i + "/3").select(reversed))
                    .as("independent of the file's order").containsExactlyInAnyOrderElementsOf(part);
            seen.addAll(part);
        }
        Set<String> keys = new HashSet<>();
        seen.forEach(p -> keys.add(p.key()));
        assertThat(seen).hasSize(10);
        assertThat(keys).hasSize(10);
        assertThatThrownBy(() -> Shard.parse("3/3")).isInstanceOf(UserException.class).hasMessageContaining("0 ≤ i < n");
        assertThatThrownBy(() -> Shard.parse("a/b")).isInstanceOf(UserException.class);
    }

    @Test
    void mistakesAreNamedOnOneLine() {
        assertThatThrownBy(() -> read("models: [m.onnx]\npoints: [quantise: {bits: W8A8}]\n"))
                .isInstanceOf(UserException.class).hasMessageContaining("unknown sweep step 'quantise'");
        assertThatThrownBy(() -> read("models: [m.onnx]\npoints: [quantize: {bitz: W8A8}]\n"))
                .isInstanceOf(UserException.class).hasMessageContaining("no setting 'bitz'");
        assertThatThrownBy(() -> read("models: [m.onnx]\npoints: [quantize: {bits: 8bit}]\n"))
                .isInstanceOf(UserException.class).hasMessageContaining("W8A8");
        assertThatThrownBy(() -> read("models: [missing.onnx]\npoints: [eval]\n"))
                .isInstanceOf(UserException.class).hasMessageContaining("missing.onnx");
        assertThatThrownBy(() -> read("models: [m.onnx]\n")).isInstanceOf(UserException.class).hasMessageContaining("no points");
        assertThatThrownBy(() -> read("models: [m.onnx]\npoints: [eval]\nextra: 1\n"))
                .isInstanceOf(UserException.class).hasMessageContaining("unknown key 'extra'");
        assertThatThrownBy(() -> read("models: [m.onnx\n")).isInstanceOf(UserException.class).hasMessageContaining("not valid YAML");
    }
}
