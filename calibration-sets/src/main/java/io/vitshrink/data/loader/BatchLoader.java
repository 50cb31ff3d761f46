package io.vitshrink.data.loader;

import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.images.ImageDecoder;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Iterates over a dataset as preprocessed batches, decoding on a pool of worker threads.
 *
 * <pre>
 * try (BatchLoader batches = BatchLoader.open(dataset, recipe, LoaderOptions.defaults())) {
 *     while (batches.hasNext()) {
 *         Batch b = batches.next();
 *         run(b.pixels(), b.shape());
 *     }
 *     log(batches.skipped());
 * }
 * </pre>
 *
 * <p>Images arrive in dataset order; unreadable ones are left out (batches are filled from the
 * following images), logged at WARN and listed by {@link #skipped()}. Closing stops the workers,
 * whether the iteration finished, was abandoned or failed; always use try-with-resources. A bug in a
 * worker (anything but an unreadable image) ends the iteration by rethrowing it from
 * {@link #hasNext()}. Not for use by several consumer threads at once.
 */
public final class BatchLoader implements Iterator<Batch>, AutoCloseable {
    private static final AtomicInteger LOADER_NUMBER = new AtomicInteger();

    private final ImageDataset dataset;
    private final ImageTensorizer tensorizer;
    private final ExecutorService workers;
    private final Thread assemblerThread;
    private final BlockingQueue<BatchAssembler.Slot> ready;
    private final List<SkippedImage> skipped = new CopyOnWriteArrayList<>();
    private final AtomicInteger done = new AtomicInteger();
    private Batch next;
    private boolean finished;
    private boolean closed;

    private BatchLoader(ImageDataset dataset, PreprocessRecipe recipe, LoaderOptions options) {
        this.dataset = dataset;
        this.tensorizer = new ImageTensorizer(new ImageDecoder(options.maxPixels()), recipe, options.cache());
        this.ready = new ArrayBlockingQueue<>(options.readyBatches());
        int number = LOADER_NUMBER.incrementAndGet();
        this.workers = Executors.newFixedThreadPool(options.threads(), daemonThreads("vitshrink-loader-" + number + "-worker-"));
        BatchAssembler assembler = new BatchAssembler(dataset, tensorizer, options, workers, ready, skipped, done);
        this.assemblerThread = daemonThreads("vitshrink-loader-" + number + "-assembler-").newThread(assembler);
    }

    /** Starts loading {@code dataset} with {@code recipe}; iterate, then close. */
    public static BatchLoader open(ImageDataset dataset, PreprocessRecipe recipe, LoaderOptions options) {
        BatchLoader loader = new BatchLoader(dataset, recipe, options);
        loader.assemblerThread.start();
        return loader;
    }

    /** Blocks until the next batch is ready or the dataset is exhausted. */
    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (finished || closed) {
            return false;
        }
        BatchAssembler.Slot slot;
        try {
            slot = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while waiting for the next batch", e);
        }
        if (slot.isEnd()) {
            finished = true;
            workers.shutdown();
            return false;
        }
        if (slot.failure() != null) {
            finished = true;
            close();
            Throwable f = slot.failure();
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("batch loading failed: " + f, f);
        }
        next = slot.batch();
        return true;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more batches");
        }
        Batch b = next;
        next = null;
        return b;
    }

    /** Images skipped so far, in dataset order, with reasons. */
    public List<SkippedImage> skipped() {
        return List.copyOf(skipped);
    }

    /** Counts so far; final once {@link #hasNext()} has returned false. */
    public LoaderStats stats() {
        return new LoaderStats(dataset.size(), done.get(), skipped.size(), tensorizer.decodedCount(),
                tensorizer.cacheHitCount());
    }

    public ImageDataset dataset() {
        return dataset;
    }

    /** Stops the workers and drops pending batches; waits briefly for the workers to finish the image they hold. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        assemblerThread.interrupt();
        workers.shutdownNow();
        ready.clear();
        next = null;
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                // A worker is deep inside a decoder that ignores interrupts; it is a daemon and will end on its own.
                return;
            }
            assemblerThread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True once every worker and the assembler have stopped (for tests and diagnostics). */
    boolean isStopped() {
        return workers.isTerminated() && !assemblerThread.isAlive();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true); // an abandoned loader must not keep the JVM alive
            return t;
        };
    }
}
