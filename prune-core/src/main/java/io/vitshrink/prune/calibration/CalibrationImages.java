package io.vitshrink.prune.calibration;

import java.util.Iterator;

/**
 * A source of calibration batches (NCHW float pixels), opened once per pass. prune-core's own
 * interface (it does not import quant-core); {@link LoaderImages} reads a dataset through the batch
 * loader, tests pass generated images.
 */
@FunctionalInterface
public interface CalibrationImages {

    /** One batch of images. */
    record Batch(float[] pixels, long[] shape) {
        public int size() {
            return (int) shape[0];
        }
    }

    /** Opens a pass; the caller closes it. */
    Pass open();

    /** One pass over the images. */
    interface Pass extends Iterator<Batch>, AutoCloseable {
        @Override
        void close();
    }

    /**
     * Every batch of {@code source} followed, in the same batch, by the horizontal mirror of each of
     * its images: twice the calibration tokens from the same images (a mirrored photo is as natural
     * an input as the photo, which is why training augments with it). The mirror of image j of a
     * batch of b is image b + j: a hold-out by index modulo a divisor of b (the refinement holds out
     * every 8th image; the prune command's batches are 16) keeps an image and its mirror together.
     */
    static CalibrationImages withMirrors(CalibrationImages source) {
        return () -> {
            Pass inner = source.open();
            return new Pass() {
                @Override
                public boolean hasNext() {
                    return inner.hasNext();
                }

                @Override
                public Batch next() {
                    Batch b = inner.next();
                    long[] shape = b.shape().clone();
                    shape[0] *= 2;
                    float[] both = new float[b.pixels().length * 2];
                    System.arraycopy(b.pixels(), 0, both, 0, b.pixels().length);
                    int width = (int) b.shape()[3];
                    int rows = b.pixels().length / width; // every image row of every channel
                    for (int r = 0; r < rows; r++) {
                        int from = r * width;
                        int to = b.pixels().length + from;
                        for (int x = 0; x < width; x++) {
                            both[to + x] = b.pixels()[from + width - 1 - x];
                        }
                    }
                    return new Batch(both, shape);
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        };
    }

    /** Images already in memory: one batch. */
    static CalibrationImages of(float[] pixels, long[] shape) {
        return () -> new Pass() {
            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public Batch next() {
                done = true;
                return new Batch(pixels, shape);
            }

            @Override
            public void close() {
            }
        };
    }
}
