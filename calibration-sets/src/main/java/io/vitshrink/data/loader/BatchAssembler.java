package io.vitshrink.data.loader;

import io.vitshrink.data.dataset.DatasetEntry;
import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.images.UnreadableImageException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer side of a {@link BatchLoader}: keeps a sliding window of images being decoded on the
 * worker pool, collects their results strictly in dataset order, packs them into batches and puts the
 * batches on the bounded ready queue (blocking there when the consumer lags, which is the back-pressure).
 * Runs on its own thread; stops when interrupted.
 */
final class BatchAssembler implements Runnable {
    /** What goes through the ready queue: a batch, the end, or the error that ended the run. */
    record Slot(Batch batch, Throwable failure) {
        static final Slot END = new Slot(null, null);

        boolean isEnd() {
            return batch == null && failure == null;
        }
    }

    /** One image's result: its tensor, or why it was skipped. */
    private record Outcome(float[] tensor, String skipReason) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchAssembler.class);

    private final ImageDataset dataset;
    private final ImageTensorizer tensorizer;
    private final LoaderOptions options;
    private final ExecutorService workers;
    private final BlockingQueue<Slot> ready;
    private final List<SkippedImage> skipped;
    private final AtomicInteger done;

    BatchAssembler(ImageDataset dataset, ImageTensorizer tensorizer, LoaderOptions options, ExecutorService workers,
            BlockingQueue<Slot> ready, List<SkippedImage> skipped, AtomicInteger done) {
        this.dataset = dataset;
        this.tensorizer = tensorizer;
        this.options = options;
        this.workers = workers;
        this.ready = ready;
        this.skipped = skipped;
        this.done = done;
    }

    @Override
    public void run() {
        try {
            assemble();
            ready.put(Slot.END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the loader was closed: nobody is listening any more
        } catch (ExecutionException e) {
            fail(e.getCause());
        } catch (RuntimeException | Error e) {
            fail(e);
        }
    }

    private void fail(Throwable failure) {
        try {
            ready.put(new Slot(null, failure));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void assemble() throws InterruptedException, ExecutionException {
        int total = dataset.size();
        // Enough images in flight to keep every worker busy while the head of the window finishes.
        int window = Math.max(4, 2 * options.threads());
        Deque<Future<Outcome>> inFlight = new ArrayDeque<>(window);
        int submitted = 0;
        Pending batch = new Pending(0);
        for (int i = 0; i < total; i++) {
            while (submitted < total && submitted - i < window) {
                Path file = dataset.get(submitted).file();
                inFlight.add(workers.submit(() -> process(file)));
                submitted++;
            }
            Outcome outcome = inFlight.removeFirst().get();
            DatasetEntry entry = dataset.get(i);
            if (outcome.tensor() != null) {
                batch.add(i, entry, outcome.tensor());
                if (batch.count == options.batchSize()) {
                    ready.put(new Slot(batch.build(), null));
                    batch = new Pending(batch.batchIndex + 1);
                }
            } else {
                skipped.add(new SkippedImage(i, entry.file(), outcome.skipReason()));
                LOG.warn("skipped image {}: {}", entry.file(), outcome.skipReason());
            }
            done.set(i + 1);
            options.progress().onProgress(i + 1, total);
        }
        if (batch.count > 0) {
            ready.put(new Slot(batch.build(), null));
        }
    }

    private Outcome process(Path file) {
        try {
            return new Outcome(tensorizer.tensor(file), null);
        } catch (UnreadableImageException e) {
            return new Outcome(null, e.reason());
        }
    }

    /** A batch being filled. */
    private final class Pending {
        final int batchIndex;
        final int length = tensorizer.recipe().tensorLength();
        final float[] pixels = new float[options.batchSize() * length];
        final int[] labels = new int[options.batchSize()];
        final int[] indices = new int[options.batchSize()];
        final List<Path> files = new ArrayList<>(options.batchSize());
        int count;

        Pending(int batchIndex) {
            this.batchIndex = batchIndex;
        }

        void add(int index, DatasetEntry entry, float[] tensor) {
            System.arraycopy(tensor, 0, pixels, count * length, length);
            labels[count] = entry.label();
            indices[count] = index;
            files.add(entry.file());
            count++;
        }

        Batch build() {
            int crop = tensorizer.recipe().crop();
            boolean full = count == labels.length;
            return new Batch(batchIndex, full ? pixels : Arrays.copyOf(pixels, count * length),
                    full ? labels : Arrays.copyOf(labels, count), full ? indices : Arrays.copyOf(indices, count),
                    files, 3, crop, crop);
        }
    }
}
