package io.vitshrink.data.loader;

import io.vitshrink.data.cache.CacheKey;
import io.vitshrink.data.cache.TensorCache;
import io.vitshrink.data.images.ImageDecoder;
import io.vitshrink.data.images.UnreadableImageException;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import io.vitshrink.data.preprocess.Preprocessor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One image file to one preprocessed tensor: from the cache when it has a valid entry, otherwise
 * decode, preprocess and store. Thread-safe; counts decodes and cache hits so callers (and tests) can
 * see whether a run re-decoded anything.
 */
public final class ImageTensorizer {
    private final ImageDecoder decoder;
    private final Preprocessor preprocessor;
    private final TensorCache cache;
    private final AtomicLong decoded = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();

    public ImageTensorizer(ImageDecoder decoder, PreprocessRecipe recipe, TensorCache cache) {
        this.decoder = decoder;
        this.preprocessor = new Preprocessor(recipe);
        this.cache = cache;
    }

    public PreprocessRecipe recipe() {
        return preprocessor.recipe();
    }

    /** The {@code 3 x crop x crop} tensor of {@code file}. */
    public float[] tensor(Path file) throws UnreadableImageException {
        int crop = preprocessor.recipe().crop();
        CacheKey key = null;
        if (cache.enabled()) {
            try {
                key = CacheKey.of(file, preprocessor.recipe());
            } catch (IOException e) {
                throw new UnreadableImageException(file, "cannot read file attributes: " + e.getMessage(), e);
            }
            Optional<float[]> hit = cache.load(key, 3, crop, crop);
            if (hit.isPresent()) {
                cacheHits.incrementAndGet();
                return hit.get();
            }
        }
        float[] tensor = preprocessor.apply(decoder.decode(file));
        decoded.incrementAndGet();
        if (key != null) {
            cache.store(key, 3, crop, crop, tensor);
        }
        return tensor;
    }

    /** Images decoded from their files so far. */
    public long decodedCount() {
        return decoded.get();
    }

    /** Tensors served from the cache so far. */
    public long cacheHitCount() {
        return cacheHits.get();
    }
}
