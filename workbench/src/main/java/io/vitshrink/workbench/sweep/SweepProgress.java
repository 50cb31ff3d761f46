package io.vitshrink.workbench.sweep;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a sweep: on a terminal an animated bar (points done / total, elapsed and ETA); in a log,
 * one line per finished point with the same counts, the ETA from the mean time per point so far, and
 * the point's outcome. Quiet prints nothing.
 */
final class SweepProgress implements AutoCloseable {
    private final PrintStream err;
    private final ProgressBar bar;
    private final int total;
    private final long start = System.nanoTime();
    private int done;
    private int failed;

    SweepProgress(PrintStream err, int total, boolean quiet) {
        this.err = quiet ? null : err;
        this.total = total;
        this.bar = !quiet && System.console() != null && total > 0 ? new ProgressBarBuilder().setTaskName("sweep")
                .setInitialMax(total).setStyle(ProgressBarStyle.ASCII).setUnit(" points", 1).setConsumer(
                        new me.tongfei.progressbar.ConsoleProgressBarConsumer(err)).build() : null;
    }

    synchronized void finished(SweepPoint p, boolean ok) {
        done++;
        failed += ok ? 0 : 1;
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(failed == 0 ? "" : failed + " failed");
        } else if (err != null) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = elapsed / done * (total - done);
            err.printf("sweep: %d/%d points%s, elapsed %s, ETA %s — %s: %s%n", done, total,
                    failed == 0 ? "" : " (" + failed + " failed)", clock(elapsed), clock(eta), p.label(), ok ? "ok" : "FAILED");
        }
    }

    static String clock(double seconds) {
        Duration d = Duration.ofSeconds(Math.round(seconds));
        return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
