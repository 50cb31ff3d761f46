package io.vitshrink.data.loader;

/**
 * Told how many images have been processed (loaded or skipped), so the command line can draw a
 * progress bar. Called from the loader's assembling thread, in order, once per image; keep it quick.
 */
@FunctionalInterface
public interface ProgressListener {
    /** Ignores progress. */
    ProgressListener NONE = (done, total) -> { };

    /**
     * @param done  images processed so far, 1..total
     * @param total images in the dataset
     */
    void onProgress(int done, int total);
}
