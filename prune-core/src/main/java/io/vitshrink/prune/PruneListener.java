package io.vitshrink.prune;

/** Progress of the calibration passes of a prune run (one pass, or one per block when sequential). */
public interface PruneListener {
    PruneListener NONE = new PruneListener() {
        @Override
        public void passStarted(String what, int pass, int passes) {
        }

        @Override
        public void imagesDone(int done) {
        }
    };

    /** A pass over the calibration images begins ({@code pass} counts from 1). */
    void passStarted(String what, int pass, int passes);

    /** Images done in the current pass. */
    void imagesDone(int done);

    /** Work counted in steps rather than images begins (the layer × candidate measurements of an allocation). */
    default void stepsStarted(String what, int total) {
    }

    /** Steps done of the work {@link #stepsStarted} began. */
    default void stepsDone(int done) {
    }
}
