package io.vitshrink.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.data.SharedFolder;
import io.vitshrink.data.preprocess.RecipePresets;
import io.vitshrink.onnx.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedDataTest {
    @TempDir
    Path dir;

    @Test
    void locatePrefersThePropertyThenTheEnvironmentThenTheSiblingFolder() throws Exception {
        Path byProperty = Files.createDirectories(dir.resolve("p"));
        Path byEnv = Files.createDirectories(dir.resolve("e"));
        Path work = Files.createDirectories(dir.resolve("work/main"));
        Path sibling = Files.createDirectories(dir.resolve("work/shared"));

        assertThat(SharedData.locate(byProperty.toString(), byEnv.toString(), work)).isEqualTo(byProperty);
        assertThat(SharedData.locate(null, byEnv.toString(), work)).isEqualTo(byEnv);
        assertThat(SharedData.locate(dir.resolve("gone").toString(), null, work)).isEqualTo(sibling);
    }

    @Test
    void missingSharedFolderSaysWhereItLooked() {
        Path work = dir.resolve("lonely/main");

        assertThatThrownBy(() -> SharedData.locate("/no/such/shared", null, work))
                .isInstanceOf(UserException.class)
                .hasMessage("shared data folder not found; looked at -Dvitshrink.shared=/no/such/shared, "
                        + "$VITSHRINK_SHARED (not set), " + dir.resolve("lonely/shared")
                        + ". Set VITSHRINK_SHARED to the folder that holds datasets/");
    }

    @Test
    void unknownSharedNameListsTheKnownOnes() {
        assertThatThrownBy(() -> SharedData.manifest("imagenet-22k", dir))
                .hasMessage("unknown shared dataset 'imagenet-22k': known are shared:imagenet-sample-1k, "
                        + "shared:imagenet-val-1300");
    }

    @Test
    void bundledManifestsParseWithoutTheData() {
        for (String name : SharedData.datasetNames()) {
            DatasetManifest m = SharedData.manifest(name, dir);
            assertThat(m.name()).isEqualTo(name);
            assertThat(m.folder()).isEqualTo(dir.resolve(name.equals("imagenet-sample-1k")
                    ? "datasets/imagenet-sample-1k/images" : "datasets/imagenet-val-1300/images"));
            assertThat(m.preprocessing()).contains(RecipePresets.IMAGENET_DEIT);
        }
    }

    @Test
    void sharedSampleSetHasOneImagePerImagenetClass() {
        SharedFolder.require("datasets", "imagenet-sample-1k");

        ResolvedDataset r = DatasetResolver.resolve("shared:imagenet-sample-1k");
        ImageDataset ds = r.dataset();

        assertThat(ds.size()).isEqualTo(1000);
        assertThat(ds.classCount()).isEqualTo(1000);
        assertThat(ds.get(0).fileName()).isEqualTo("n01440764_tench.JPEG");
        assertThat(ds.get(0).label()).isZero();
        assertThat(ds.classNames().get(0)).isEqualTo("tench");
        assertThat(ds.entries().stream().map(DatasetEntry::label).collect(Collectors.toSet())).hasSize(1000);
        assertThat(r.recipe()).contains(RecipePresets.IMAGENET_DEIT);
    }

    @Test
    void sharedValidationSetFollowsItsLabelsFile() {
        SharedFolder.require("datasets", "imagenet-val-1300");

        ImageDataset ds = DatasetResolver.resolve("shared:imagenet-val-1300").dataset();

        assertThat(ds.size()).isEqualTo(1300);
        assertThat(ds.get(0).fileName()).isEqualTo("ILSVRC2012_val_00000347.JPEG");
        assertThat(ds.get(0).label()).isEqualTo(472);
        Set<Integer> classes = ds.entries().stream().map(DatasetEntry::label).collect(Collectors.toSet());
        assertThat(classes).hasSize(725).allSatisfy(l -> assertThat(l).isBetween(0, 999));
    }

    @Test
    void sharedFoldersAreAlsoDetectedWithoutManifests() {
        Path shared = SharedFolder.require("datasets", "imagenet-val-1300");

        ImageDataset val = FolderReader.read(shared.resolve("datasets/imagenet-val-1300"));
        assertThat(val.size()).isEqualTo(1300);
        assertThat(val.get(0).label()).isEqualTo(472);

        ImageDataset sample = FolderReader.read(shared.resolve("datasets/imagenet-sample-1k"));
        assertThat(sample.size()).isEqualTo(1000);
        assertThat(sample.get(999).label()).isEqualTo(999);
    }
}
