package io.vitshrink.data.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeTest {
    @TempDir
    Path dir;

    @Test
    void presetsMatchTheirModelFamilies() {
        PreprocessRecipe deit = RecipePresets.get("imagenet-deit");
        assertThat(deit.resize()).isEqualTo(256);
        assertThat(deit.crop()).isEqualTo(224);
        assertThat(deit.interpolation()).isEqualTo(Interpolation.BICUBIC);
        assertThat(deit.antialias()).isTrue();
        assertThat(deit.mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(deit.std()).containsExactly(0.229f, 0.224f, 0.225f);
        assertThat(deit.channelOrder()).isEqualTo(ChannelOrder.RGB);

        PreprocessRecipe inception = RecipePresets.get("imagenet-inception");
        assertThat(inception.resize()).isEqualTo(248);
        assertThat(inception.crop()).isEqualTo(224);
        assertThat(inception.mean()).containsExactly(0.5f, 0.5f, 0.5f);
        assertThat(inception.std()).containsExactly(0.5f, 0.5f, 0.5f);

        assertThat(RecipePresets.names()).containsExactly("imagenet-deit", "imagenet-inception");
        assertThatThrownBy(() -> RecipePresets.get("imagenet-vgg"))
                .isInstanceOf(UserException.class)
                .hasMessage("unknown preprocessing preset 'imagenet-vgg': known presets are imagenet-deit, imagenet-inception");
    }

    @Test
    void readsJsonAndYamlFiles() throws Exception {
        Path json = Files.writeString(dir.resolve("r.json"), """
                {"name": "vit-b", "resize": 248, "interpolation": "bilinear", "antialias": true, "crop": 224,
                 "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "channel_order": "RGB"}
                """);
        Path yaml = Files.writeString(dir.resolve("r.yaml"), """
                name: vit-b
                crop_fraction: 0.9
                interpolation: bilinear
                crop: 224
                mean: [0.5, 0.5, 0.5]
                std: [0.5, 0.5, 0.5]
                """);

        PreprocessRecipe fromJson = RecipeReader.read(json);
        PreprocessRecipe fromYaml = RecipeReader.read(yaml);
        assertThat(fromJson).isEqualTo(fromYaml);
        assertThat(fromYaml.resize()).isEqualTo(248); // floor(224 / 0.9)
        assertThat(fromYaml.interpolation()).isEqualTo(Interpolation.BILINEAR);
    }

    @Test
    void aBasePresetCanBeOverridden() {
        PreprocessRecipe r = RecipeReader.parse("base: imagenet-deit\ncrop: 192\nname: small", "r.yaml");

        assertThat(r.crop()).isEqualTo(192);
        assertThat(r.resize()).isEqualTo(256);
        assertThat(r.mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(r.name()).isEqualTo("small");
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> RecipeReader.parse("base: imagenet-deit\ncrops: 224", "r.yaml"))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("r.yaml: unknown field 'crops' (known fields: antialias, base,");
        assertThatThrownBy(() -> RecipeReader.parse("base: imagenet-deit\ncrop: 0", "r.yaml"))
                .hasMessage("r.yaml: preprocessing recipe 'imagenet-deit': field 'crop' must be between 1 and 8192, got 0");
        assertThatThrownBy(() -> RecipeReader.parse("{\"base\": \"imagenet-deit\", \"std\": [0.2, 0, 0.2]}", "r.json"))
                .hasMessageContaining("field 'std' values must be in (0, 1]");
        assertThatThrownBy(() -> RecipeReader.parse("base: imagenet-deit\nmean: [0.5, 0.5]", "r.yaml"))
                .hasMessageContaining("field 'mean' must be a list of 3 numbers");
        assertThatThrownBy(() -> RecipeReader.parse("base: imagenet-deit\nresize: big", "r.yaml"))
                .hasMessage("r.yaml: field 'resize' must be a whole number, got \"big\"");
        assertThatThrownBy(() -> RecipeReader.parse("base: imagenet-deit\ninterpolation: lanczos", "r.yaml"))
                .hasMessage("r.yaml: field 'interpolation': unknown interpolation 'lanczos': use bicubic or bilinear");
        assertThatThrownBy(() -> RecipeReader.parse("crop: 224\nmean: [0.5, 0.5, 0.5]\nstd: [0.5, 0.5, 0.5]", "r.yaml"))
                .hasMessage("r.yaml: field 'resize' (or 'crop_fraction') is missing");
        assertThatThrownBy(() -> RecipeReader.parse("base: imagenet-deit\nresize: 256\ncrop_fraction: 0.9", "r.yaml"))
                .hasMessage("r.yaml: give either 'resize' or 'crop_fraction', not both");
        assertThatThrownBy(() -> RecipeReader.parse("{\"crop\": 224,", "r.json"))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("cannot parse r.json (line 1)");
    }

    @Test
    void contentHashIsStableAndIgnoresTheName() {
        PreprocessRecipe deit = RecipePresets.IMAGENET_DEIT;

        // Pinned (and reproducible outside Java: SHA-256 of the canonical field string). A change here
        // invalidates every user's tensor cache, so make it on purpose.
        assertThat(deit.contentHash()).isEqualTo("f32037db3661a0df5f3c8a96a85b97b0a06342ba886aa200fc199637b686d032");
        assertThat(deit.contentHash()).isEqualTo(deit.withName("renamed").contentHash());
        assertThat(deit.contentHash()).isEqualTo(RecipeReader.parse("base: imagenet-deit", "r.yaml").contentHash());
        assertThat(deit.contentHash()).isNotEqualTo(RecipePresets.IMAGENET_INCEPTION.contentHash());
        assertThat(deit.contentHash())
                .isNotEqualTo(RecipeReader.parse("base: imagenet-deit\nantialias: false", "r.yaml").contentHash())
                .isNotEqualTo(RecipeReader.parse("base: imagenet-deit\nchannel_order: BGR", "r.yaml").contentHash())
                .isNotEqualTo(RecipeReader.parse("base: imagenet-deit\nmean: [0.485, 0.456, 0.407]", "r.yaml").contentHash());
    }
}
