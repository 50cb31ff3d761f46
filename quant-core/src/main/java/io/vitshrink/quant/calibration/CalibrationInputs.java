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

    /** One pass. */
    interface Pass extends java.util.Iterator<Batch>, AutoCloseable {
        @Override
        void close();
    }
}
