package io.vitshrink.data.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.data.SharedFolder;
import io.vitshrink.data.cache.TensorCache;
import io.vitshrink.data.dataset.DatasetResolver;
import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.images.ImageDecoder;
import io.vitshrink.data.preprocess.Preprocessor;
import io.vitshrink.data.preprocess.RecipePresets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loads the real ImageNet sample from {@code ../shared}; skipped when it is absent. */
class RealDataLoadingTest {
    @Test
    void loadsTheWholeImagenetSampleWithTheDeitRecipe() {
        SharedFolder.require("datasets", "imagenet-sample-1k");
        ImageDataset ds = DatasetResolver.resolve("shared:imagenet-sample-1k").dataset();
        LoaderOptions options = LoaderOptions.defaults().withBatchSize(50).withCache(TensorCache.disabled());

        long start = System.nanoTime();
        int images = 0;
        long[] firstShape = null;
        try (BatchLoader loader = BatchLoader.open(ds, RecipePresets.IMAGENET_DEIT, options)) {
            while (loader.hasNext()) {
                Batch b = loader.next();
                if (firstShape == null) {
                    firstShape = b.shape();
                }
                for (int label : b.labels()) {
                    assertThat(label).isBetween(0, 999);
                }
                images += b.size();
            }
            assertThat(loader.skipped()).isEmpty();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "imagenet-sample-1k: %d images preprocessed with imagenet-deit on %d threads in %.1f s%n",
                images, options.threads(), seconds);

        assertThat(images).isEqualTo(1000);
        assertThat(firstShape).containsExactly(50, 3, 224, 224);
    }

    @Test
    void resizedCropsEqualPillowsBytes() throws Exception {
        var shared = SharedFolder.require("datasets", "imagenet-sample-1k");
        // MD5 of the 224x224 uint8 crop from PIL: Image.open(f).convert("RGB"), Resize(256, BICUBIC),
        // CenterCrop(224) (Pillow 12.3, libjpeg-turbo 3). Covers a plain photo, a grayscale JPEG, one with
        // an Adobe RGB profile (which Pillow ignores), one with an sRGB profile and one smaller than the crop.
        Map<String, String> expected = Map.of(
                "n01440764_tench.JPEG", "a130e0234087ea7cc9beebdb2c0649ea",
                "n02096051_Airedale.JPEG", "8db53103f5b0f818f2013220467974ab",
                "n01532829_house_finch.JPEG", "2bdecdb27c78807c1f059d53aea57b49",
                "n01484850_great_white_shark.JPEG", "03ae487951b23afe3b82d6c78674d9cb",
                "n01871265_tusker.JPEG", "59f2fc1d2f822c7bdd10e031831dee89");
        Preprocessor preprocessor = new Preprocessor(RecipePresets.IMAGENET_DEIT);
        ImageDecoder decoder = new ImageDecoder();
        for (var e : expected.entrySet()) {
            var file = shared.resolve("datasets/imagenet-sample-1k/images").resolve(e.getKey());
            byte[] crop = preprocessor.resizeAndCrop(decoder.decode(file)).rgb();
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(crop));
            assertThat(md5).as(e.getKey()).isEqualTo(e.getValue());
        }
    }
}
