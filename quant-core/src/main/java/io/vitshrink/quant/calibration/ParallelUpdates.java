package io.vitshrink.quant.calibration;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the observer updates of one batch on all cores and waits for them. ONNX Runtime is idle while
 * observers reduce a batch (the pass is run → reduce → run), so the reduction gets every core; each
 * observer is updated by one task, so observers need not be thread-safe. The first failure (say, an
 * observer refusing NaN) is rethrown as it was thrown.
 */
final class ParallelUpdates implements AutoCloseable {
    private final ExecutorService pool;

    ParallelUpdates(int threads) {
        this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "calibration-observer");
            t.setDaemon(true);
            return t;
        });
    }

    void runAll(List<Runnable> updates) {
        if (pool == null || updates.size() < 2) {
            updates.forEach(Runnable::run);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(updates.size());
        for (Runnable u : updates) {
            futures.add(pool.submit(u));
        }
        RuntimeException failure = null;
        for (Future<?> f : futures) {
            try {
                f.get(); // waits for every task, so none still reads a buffer the next batch overwrites
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while observers were reducing a batch", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
