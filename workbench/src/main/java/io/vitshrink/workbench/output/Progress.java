package io.vitshrink.workbench.output;

import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long step on stderr: an animated bar on a terminal, and a plain line every 10% when
 * stderr is a file or a CI log (so logs stay readable). Quiet mode prints nothing.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final PrintStream plain;
    private final String task;
    private final long total;
    private long done;
    private int lastDecile = -1;

    private Progress(String task, long total, boolean quiet) {
        this.task = task;
        this.total = total;
        boolean terminal = System.console() != null && !quiet;
        this.bar = terminal ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).setUnit(" img", 1)
                .showSpeed().build() : null;
        this.plain = terminal || quiet ? null : System.err;
    }

    public static Progress start(String task, long total, boolean quiet) {
        return new Progress(task, total, quiet);
    }

    public synchronized void advanceTo(long value) {
        done = value;
        if (bar != null) {
            bar.stepTo(value);
        } else if (plain != null && total > 0) {
            int decile = (int) (10 * done / total);
            if (decile != lastDecile) {
                lastDecile = decile;
                plain.printf("%s: %d/%d (%d%%)%n", task, done, total, 100 * done / total);
            }
        }
    }

    public synchronized void step(long n) {
        advanceTo(done + n);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
