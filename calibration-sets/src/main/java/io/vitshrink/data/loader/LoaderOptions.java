package io.vitshrink.data.loader;

import io.vitshrink.data.cache.TensorCache;
import io.vitshrink.data.images.ImageDecoder;
import java.util.Objects;

/**
 * How a {@link BatchLoader} runs. Start from {@link #defaults()} and change what matters:
 * {@code LoaderOptions.defaults().withBatchSize(64).withCache(TensorCache.disabled())}.
 *
 * @param batchSize     images per batch (the last batch may be smaller)
 * @param threads       decoding threads
 * @param readyBatches  how many finished batches may wait for the consumer before workers pause
 * @param maxPixels     decompression-bomb guard, see {@link ImageDecoder}
 * @param cache         tensor cache (use {@link TensorCache#disabled()} for none)
 * @param progress      progress callback
 */
public record LoaderOptions(int batchSize, int threads, int readyBatches, long maxPixels, TensorCache cache,
        ProgressListener progress) {

    public LoaderOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        }
        if (readyBatches < 1) {
            throw new IllegalArgumentException("ready-batch queue must hold at least 1, got " + readyBatches);
        }
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(progress, "progress");
    }

    /**
     * Batch 32, one thread per available processor, 2 ready batches, 100-megapixel guard, the default
     * cache folder ({@link TensorCache#defaultDirectory()}), no progress reporting.
     */
    public static LoaderOptions defaults() {
        return new LoaderOptions(32, Runtime.getRuntime().availableProcessors(), 2, ImageDecoder.DEFAULT_MAX_PIXELS,
                TensorCache.atDefaultLocation(), ProgressListener.NONE);
    }

    public LoaderOptions withBatchSize(int value) {
        return new LoaderOptions(value, threads, readyBatches, maxPixels, cache, progress);
    }

    public LoaderOptions withThreads(int value) {
        return new LoaderOptions(batchSize, value, readyBatches, maxPixels, cache, progress);
    }

    public LoaderOptions withReadyBatches(int value) {
        return new LoaderOptions(batchSize, threads, value, maxPixels, cache, progress);
    }

    public LoaderOptions withMaxPixels(long value) {
        return new LoaderOptions(batchSize, threads, readyBatches, value, cache, progress);
    }

    public LoaderOptions withCache(TensorCache value) {
        return new LoaderOptions(batchSize, threads, readyBatches, maxPixels, value, progress);
    }

    public LoaderOptions withProgress(ProgressListener value) {
        return new LoaderOptions(batchSize, threads, readyBatches, maxPixels, cache, value);
    }
}
