package io.vitshrink.quant.calibration;

/**
 * A source of calibration batches (NCHW float pixels); opened once per calibration pass, so that a
 * pipeline needing two passes (statistics for a reparameterization, then ranges) can read the images
 * twice — from the tensor cache the second time.
 */
@FunctionalInterface
public interface CalibrationInputs {

    /** One batch of images. */
    record Batch(float[] pixels, long[] shape) {
        public int size() {
            return (int) shape[0];
        }
    }

    /** Opens a pass over the calibration images; the caller closes it. */
    Pass open();

    /** Batches already in memory (tests, benchmarks), read in order on every pass. */
    static CalibrationInputs of(java.util.List<Batch> batches) {
        java.util.List<Batch> copy = java.util.List.copyOf(batches);
        return () -> new Pass() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < copy.size();
            }

            @Override
            public Batch next() {
                if (next >= copy.size()) {
                    throw new java.util.NoSuchElementException();
                }
                return copy.get(next++);
            }

            @Override
            public void close() {
            }
        };
    }

    /** One pass. */
    interface Pass extends java.util.Iterator<Batch>, AutoCloseable {
        @Override
        void close();
    }
}
