package io.vitshrink.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.data.TestImages;
import io.vitshrink.data.preprocess.Interpolation;
import io.vitshrink.data.preprocess.RecipePresets;
import io.vitshrink.onnx.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
    @TempDir
    Path dir;

    @BeforeEach
    void data() throws Exception {
        TestImages.writePng(dir.resolve("data/pics/b.png"), TestImages.solid(3, 3, 0));
        TestImages.writePng(dir.resolve("data/pics/a.png"), TestImages.solid(3, 3, 0));
        Files.writeString(dir.resolve("data/truth.txt"), "a.png 1\nb.png 0\n");
        Files.writeString(dir.resolve("classes.txt"), "n00000001 first\nn00000002 second\n");
    }

    @Test
    void yamlManifestResolvesPathsAgainstItsOwnFolder() throws Exception {
        Path manifest = Files.writeString(dir.resolve("data/set.yaml"), """
                name: tiny
                folder: pics
                labels: truth.txt
                synsets: ../classes.txt
                layout: labels-file
                preset: imagenet-inception
                """);

        DatasetManifest m = ManifestReader.read(manifest);
        ImageDataset ds = m.open();

        assertThat(m.folder()).isEqualTo(dir.resolve("data/pics").toAbsolutePath().normalize());
        assertThat(ds.name()).isEqualTo("tiny");
        assertThat(ds.entries()).extracting(DatasetEntry::fileName).containsExactly("a.png", "b.png");
        assertThat(ds.entries()).extracting(DatasetEntry::label).containsExactly(1, 0);
        assertThat(ds.classNames()).containsExactly("first", "second");
        assertThat(m.preprocessing()).contains(RecipePresets.IMAGENET_INCEPTION);
    }

    @Test
    void jsonManifestWithAnInlineRecipe() throws Exception {
        Path manifest = Files.writeString(dir.resolve("set.json"), """
                {"folder": "data/pics", "layout": "unlabeled",
                 "preset": {"base": "imagenet-deit", "interpolation": "bilinear", "name": "deit-bilinear"}}
                """);

        ResolvedDataset r = DatasetResolver.resolve(manifest.toString());

        assertThat(r.dataset().size()).isEqualTo(2);
        assertThat(r.dataset().name()).isEqualTo("set");
        assertThat(r.recipe()).hasValueSatisfying(recipe -> {
            assertThat(recipe.name()).isEqualTo("deit-bilinear");
            assertThat(recipe.interpolation()).isEqualTo(Interpolation.BILINEAR);
        });
    }

    @Test
    void manifestErrorsNameTheFileAndField() throws Exception {
        Path unknown = Files.writeString(dir.resolve("bad.yaml"), "folder: data/pics\nlabel: truth.txt\n");
        assertThatThrownBy(() -> ManifestReader.read(unknown))
                .isInstanceOf(UserException.class)
                .hasMessage(unknown + ": unknown field 'label' (known fields: description, folder, labels, layout, name, "
                        + "preset, synsets)");

        Path noFolder = Files.writeString(dir.resolve("nofolder.yaml"), "name: x\n");
        assertThatThrownBy(() -> ManifestReader.read(noFolder)).hasMessage(noFolder + ": field 'folder' is missing");

        Path badLayout = Files.writeString(dir.resolve("layout.yaml"), "folder: data/pics\nlayout: flat\n");
        assertThatThrownBy(() -> ManifestReader.read(badLayout)).hasMessageContaining("field 'layout': unknown dataset layout 'flat'");

        Path badPreset = Files.writeString(dir.resolve("preset.yaml"), "folder: data/pics\npreset: {crop: -3}\n");
        assertThatThrownBy(() -> ManifestReader.read(badPreset)).hasMessageContaining("(field 'preset')");
    }

    @Test
    void resolverHandlesFoldersAndRefusesOtherFiles() throws Exception {
        ResolvedDataset folder = DatasetResolver.resolve(dir.resolve("data/pics").toString());
        assertThat(folder.dataset().size()).isEqualTo(2);
        assertThat(folder.recipe()).isEmpty();

        assertThatThrownBy(() -> DatasetResolver.resolve(dir.resolve("missing").toString()))
                .isInstanceOf(UserException.class)
                .hasMessage("dataset path does not exist: " + dir.resolve("missing"));
        assertThatThrownBy(() -> DatasetResolver.resolve(dir.resolve("data/truth.txt").toString()))
                .hasMessageEndingWith("is neither a folder nor a dataset manifest (.json, .yaml, .yml)");
        assertThatThrownBy(() -> DatasetResolver.resolve(" "))
                .hasMessageStartingWith("no dataset given");
    }
}
