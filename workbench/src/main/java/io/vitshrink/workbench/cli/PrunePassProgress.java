package io.vitshrink.workbench.cli;

import io.vitshrink.prune.PruneListener;
import io.vitshrink.workbench.output.Progress;

/** One progress bar per calibration pass of a prune run (and one for an allocation's measurements). */
final class PrunePassProgress implements PruneListener, AutoCloseable {
    private final int images;
    private final boolean quiet;
    private Progress current;

    PrunePassProgress(int images, boolean quiet) {
        this.images = images;
        this.quiet = quiet;
    }

    @Override
    public void passStarted(String what, int pass, int passes) {
        close();
        current = Progress.start("pass " + pass + "/" + passes + ": " + what, images, quiet);
    }

    @Override
    public void imagesDone(int done) {
        if (current != null) {
            current.advanceTo(done);
        }
    }

    @Override
    public void stepsStarted(String what, int total) {
        close();
        current = Progress.start(what, total, quiet);
    }

    @Override
    public void stepsDone(int done) {
        imagesDone(done);
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
