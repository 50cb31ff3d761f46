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
