package io.vitshrink.data.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.data.TestImages;
import io.vitshrink.data.dataset.DatasetResolver;
import io.vitshrink.data.dataset.ManifestReader;
import io.vitshrink.data.dataset.ResolvedDataset;
import io.vitshrink.data.preprocess.RecipeReader;
import io.vitshrink.onnx.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Preprocessing recipes and dataset manifests with unknown keys, wrong types and out-of-range values:
 * each is refused with one line naming the file and the field.
 */
class HostileConfigsTest {
    private static final String KNOWN = "(known fields: antialias, base, channel_order, crop, crop_fraction, interpolation,"
            + " mean, name, resize, std)";

    @TempDir
    Path dir;

    static Stream<Arguments> badRecipes() {
        String deit = "base: imagenet-deit\n";
        String recipe = "preprocessing recipe 'imagenet-deit': ";
        return Stream.of(
                Arguments.of(deit + "zoom: 2", "r.yaml: unknown field 'zoom' " + KNOWN),
                Arguments.of(deit + "crop: \"224\"", "r.yaml: field 'crop' must be a whole number, got \"224\""),
                Arguments.of(deit + "crop: 22.5", "r.yaml: field 'crop' must be a whole number, got 22.5"),
                Arguments.of(deit + "crop: 4294967520", "r.yaml: field 'crop' is out of range, got 4294967520"),
                Arguments.of(deit + "crop: 9000", "r.yaml: " + recipe + "field 'crop' must be between 1 and 8192, got 9000"),
                Arguments.of(deit + "resize: -1", "r.yaml: " + recipe + "field 'resize' must be between 1 and 8192, got -1"),
                Arguments.of(deit + "crop_fraction: 1.5", "r.yaml: field 'crop_fraction' must be in (0, 1], got 1.5"),
                Arguments.of(deit + "crop_fraction: 0", "r.yaml: field 'crop_fraction' must be in (0, 1], got 0.0"),
                Arguments.of(deit + "crop_fraction: .nan", "cannot parse r.yaml (line 2): Malformed numeric value '.nan'"),
                Arguments.of(deit + "crop: -1", "r.yaml: " + recipe + "field 'crop' must be between 1 and 8192, got -1"),
                Arguments.of(deit + "crop_fraction: [0.9]", "r.yaml: field 'crop_fraction' must be a number, got [0.9]"),
                Arguments.of(deit + "antialias: 1", "r.yaml: field 'antialias' must be true or false, got 1"),
                Arguments.of(deit + "mean: [0.5, 0.5, 1.5]",
                        "r.yaml: " + recipe + "field 'mean' values must be in [0, 1], got [0.5, 0.5, 1.5]"),
                Arguments.of(deit + "std: [0.5, 0, 0.5]",
                        "r.yaml: " + recipe + "field 'std' values must be in (0, 1], got [0.5, 0.0, 0.5]"),
                Arguments.of(deit + "mean: [0.5, 0.5, x]", "r.yaml: field 'mean' must be a list of 3 numbers, got [0.5,0.5,\"x\"]"),
                Arguments.of(deit + "std: 0.5", "r.yaml: field 'std' must be a list of 3 numbers (R, G, B), got 0.5"),
                Arguments.of(deit + "interpolation: lanczos",
                        "r.yaml: field 'interpolation': unknown interpolation 'lanczos': use bicubic or bilinear"),
                Arguments.of(deit + "interpolation: 3", "r.yaml: field 'interpolation' must be text, got 3"),
                Arguments.of(deit + "channel_order: gbr", "r.yaml: field 'channel_order': unknown channel order 'gbr': use RGB or BGR"),
                Arguments.of("base: imagenet-vgg", "r.yaml: field 'base': unknown preprocessing preset 'imagenet-vgg': "
                        + "known presets are imagenet-deit, imagenet-inception"),
                Arguments.of("base: [imagenet-deit]", "r.yaml: field 'base' must be text, got [\"imagenet-deit\"]"),
                Arguments.of("- crop: 224", "r.yaml must be a mapping of fields, got array"),
                Arguments.of("# nothing", "r.yaml is empty"),
                Arguments.of("crop: 224\nresize: 256\nstd: [0.5, 0.5, 0.5]", "r.yaml: field 'mean' is missing"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badRecipes")
    void recipeErrorsNameTheFileAndTheField(String text, String message) {
        assertThatThrownBy(() -> RecipeReader.parse(text, "r.yaml")).isInstanceOf(UserException.class).hasMessage(message);
    }

    @Test
    void parserLevelAttacksAreOneLineErrors() {
        // a key given twice must not silently take the last value
        assertThatThrownBy(() -> RecipeReader.parse("base: imagenet-deit\ncrop: 224\ncrop: 32", "r.yaml"))
                .isInstanceOf(UserException.class).hasMessageStartingWith("cannot parse r.yaml (line 3): Duplicate field 'crop'");
        // "billion laughs": Jackson's YAML reader does not expand aliases (an alias reads as its anchor's
        // name), so nine levels of nine-fold aliases stay a few hundred bytes and fail as a type error
        StringBuilder bomb = new StringBuilder("name: &a [x, x, x, x, x, x, x, x, x]\n");
        String[] keys = {"base", "resize", "crop", "interpolation", "antialias", "channel_order", "std", "mean"};
        char anchor = 'a';
        for (String key : keys) {
            bomb.append(key).append(": &").append((char) (anchor + 1)).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ", ").append('*').append(anchor);
            }
            bomb.append("]\n");
            anchor++;
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> RecipeReader.parse(bomb.toString(), "r.yaml"))
                .isInstanceOf(UserException.class)
                .hasMessage("r.yaml: field 'base' must be text, got [\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\"]");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0);
        // deep nesting
        assertThatThrownBy(() -> RecipeReader.parse("[".repeat(5000), "r.json"))
                .isInstanceOf(UserException.class).hasMessageStartingWith("cannot parse r.json");
    }

    @Test
    void manifestErrorsNameTheManifestAndTheField() throws Exception {
        Path images = Files.createDirectories(dir.resolve("data/images"));
        TestImages.writePng(images.resolve("a.png"), TestImages.gradient(4, 4));
        Files.createSymbolicLink(dir.resolve("data/zero.txt"), Path.of("/dev/zero"));

        String[][] cases = {
            {"folder: images\nlables: labels.txt", "unknown field 'lables' (known fields: description, folder, labels,"
                    + " layout, name, preset, synsets)"},
            {"folder: 42", "field 'folder' must be text, got 42"},
            {"folder: [images]", "field 'folder' must be text, got [\"images\"]"},
            {"name: x", "field 'folder' is missing"},
            {"folder: images\nlayout: flat", "field 'layout': unknown dataset layout 'flat': use auto, wnid-prefixed, labels-file,"
                    + " class-folders, unlabeled"},
            {"folder: images\npreset: imagenet-vgg", "(field 'preset'): unknown preprocessing preset 'imagenet-vgg': "
                    + "known presets are imagenet-deit, imagenet-inception"},
            {"folder: images\npreset: {base: imagenet-deit, crop: 0}", "(field 'preset'): preprocessing recipe "
                    + "'imagenet-deit': field 'crop' must be between 1 and 8192, got 0"},
            {"folder: images\npreset: 7", "(field 'preset') must be a mapping of fields, got number"},
        };
        for (String[] c : cases) {
            Path m = Files.writeString(dir.resolve("data/set.yaml"), c[0]);
            assertThatThrownBy(() -> ManifestReader.read(m)).as(c[0]).isInstanceOf(UserException.class)
                    .hasMessage(m + (c[1].startsWith("(") ? " " : ": ") + c[1]);
        }

        // paths that lead nowhere, or to something that is not a file, are named with the manifest and field
        String[][] opened = {
            {"folder: missing", "field 'folder': " + dir.resolve("data/missing") + " does not exist"},
            {"folder: set.yaml", "field 'folder': " + dir.resolve("data/set.yaml") + " is not a folder"},
            {"folder: images\nlabels: nope.txt", "field 'labels': " + dir.resolve("data/nope.txt") + " does not exist"},
            {"folder: images\nsynsets: images", "field 'synsets': " + images + " is a folder, not a file"},
        };
        for (String[] c : opened) {
            Path m = Files.writeString(dir.resolve("data/set.yaml"), c[0]);
            assertThatThrownBy(() -> DatasetResolver.resolve(m.toString())).as(c[0]).isInstanceOf(UserException.class)
                    .hasMessage(m + ": " + c[1]);
        }
        // endless "files" (devices, pipes) are refused instead of being read until memory runs out
        Path zeroLabels = Files.writeString(dir.resolve("data/set.yaml"), "folder: images\nlabels: zero.txt\n");
        assertThatThrownBy(() -> DatasetResolver.resolve(zeroLabels.toString())).isInstanceOf(UserException.class)
                .hasMessage("labels file " + dir.resolve("data/zero.txt")
                        + " is not a regular file; give a text file of '<file> <class index>' lines");
        Path zeroSynsets = Files.writeString(dir.resolve("data/set.yaml"), "folder: images\nsynsets: zero.txt\n");
        assertThatThrownBy(() -> DatasetResolver.resolve(zeroSynsets.toString())).isInstanceOf(UserException.class)
                .hasMessage("synset file " + dir.resolve("data/zero.txt")
                        + " is not a regular file; give a text file of '<wnid> <names>' lines");
        Path zeroManifest = Files.createSymbolicLink(dir.resolve("data/zero.yaml"), Path.of("/dev/zero"));
        assertThatThrownBy(() -> DatasetResolver.resolve(zeroManifest.toString())).isInstanceOf(UserException.class)
                .hasMessage(zeroManifest + " is not a regular file; give the path of a .json or .yaml file");
    }

    @Test
    void manifestPathsOutsideItsFolderResolveAgainstItAsDocumented() throws Exception {
        TestImages.writePng(dir.resolve("elsewhere/pics/a.png"), TestImages.gradient(4, 4));
        Path m = Files.writeString(Files.createDirectories(dir.resolve("sets/one")).resolve("set.yaml"),
                "folder: ../../elsewhere/pics\nlayout: unlabeled\n");

        ResolvedDataset r = DatasetResolver.resolve(m.toString());

        assertThat(r.dataset().root()).isEqualTo(dir.resolve("elsewhere/pics").toAbsolutePath().normalize());
        assertThat(r.dataset().size()).isEqualTo(1);
    }
}
