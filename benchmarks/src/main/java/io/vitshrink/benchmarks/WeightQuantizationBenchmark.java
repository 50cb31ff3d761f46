package io.vitshrink.benchmarks;

import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.observers.WeightRanges;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import io.vitshrink.quant.quantizers.UniformSpec;
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

/** Uniform quantization of DeiT-Tiny's fc1 weight [768, 192]: the reference kernel and the range searches. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WeightQuantizationBenchmark {
    private static final long[] DIMS = {768, 192};

    @Param({"8", "4"})
    int bits;

    @Param({"per_tensor", "per_channel", "per_group"})
    String granularity;

    private float[] weight;
    private UniformSpec spec;
    private UniformParams params;

    @Setup
    public void setUp() {
        weight = Data.weight(768, 192, 1);
        spec = UniformSpec.weights(bits, Granularity.parse(granularity), 64);
        params = WeightRanges.minMax(weight, DIMS, 0, spec);
    }

    /** Quantize then dequantize (what the simulated format computes). */
    @Benchmark
    public float[] fakeQuantize() {
        return UniformQuantizer.fakeQuantize(weight, DIMS, params);
    }

    /** To integer codes (what a deployable export stores). */
    @Benchmark
    public int[] quantize() {
        return UniformQuantizer.quantize(weight, DIMS, params);
    }

    /** Min/max ranges per channel or group. */
    @Benchmark
    public UniformParams minMaxRanges() {
        return WeightRanges.search(WeightRangeMethod.MINMAX, weight, DIMS, 0, spec);
    }

    /** The default: MSE-optimal clipping per channel or group. */
    @Benchmark
    public UniformParams mseRanges() {
        return WeightRanges.search(WeightRangeMethod.MSE, weight, DIMS, 0, spec);
    }
}
