package io.vitshrink.benchmarks;

import io.vitshrink.quant.observers.ChannelStatsObserver;
import io.vitshrink.quant.observers.ObserverKind;
import io.vitshrink.quant.observers.TensorObserver;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One calibration batch (16 images) of one DeiT-Tiny activation [16, 197, 192] through each observer:
 * calibration calls this once per exposed tensor per batch, so its cost against ORT's inference time
 * is what {@code calib_pass_over_infer} measures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ObserverBenchmark {
    private static final long[] SHAPE = {16, 197, 192};

    @Param({"minmax", "moving_average", "percentile", "entropy", "mse", "channel_stats"})
    String observer;

    private float[] batch;
    private TensorObserver target;

    @Setup
    public void setUp() {
        batch = Data.activations(16, 197, 192, 3);
        target = observer.equals("channel_stats") ? new ChannelStatsObserver("x")
                : ObserverKind.parse(observer).create("x");
        target.update(batch, SHAPE); // the first batch sizes the histograms
    }

    @Benchmark
    public TensorObserver update() {
        target.update(batch, SHAPE);
        return target;
    }
}
