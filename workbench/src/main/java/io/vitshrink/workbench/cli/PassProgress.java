package io.vitshrink.workbench.cli;

import io.vitshrink.quant.PtqPipeline;
import io.vitshrink.workbench.output.Progress;

/** Shows one progress bar per pass over the calibration images. */
final class PassProgress implements PtqPipeline.Listener, AutoCloseable {
    private final int images;
    private final boolean quiet;
    private Progress current;
    private int pass;

    PassProgress(int images, boolean quiet) {
        this.images = images;
        this.quiet = quiet;
    }

    @Override
    public void passStarted(String what, int passes) {
        close();
        pass++;
        current = Progress.start("pass " + pass + "/" + passes + ": " + what, images, quiet);
    }

    @Override
    public void imagesDone(int done) {
        if (current != null) {
            current.advanceTo(done);
        }
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
