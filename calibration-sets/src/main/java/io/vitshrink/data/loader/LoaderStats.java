package io.vitshrink.data.loader;

/**
 * Counts of a (possibly still running) load.
 *
 * @param total     images in the dataset
 * @param done      images processed so far (loaded or skipped)
 * @param skipped   images skipped as unreadable
 * @param decoded   images decoded from their files
 * @param cacheHits images whose tensor came from the cache
 */
public record LoaderStats(int total, int done, int skipped, long decoded, long cacheHits) {
}
