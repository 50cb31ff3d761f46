package io.vitshrink.benchmarks;

import io.vitshrink.quant.nonuniform.AdaLogQuantizer;
import io.vitshrink.quant.nonuniform.Log2Quantizer;
import io.vitshrink.quant.nonuniform.LogSqrt2Quantizer;
import io.vitshrink.quant.nonuniform.NonUniformQuantizer;
import io.vitshrink.quant.nonuniform.TwinUniformQuantizer;
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
 * The non-uniform quantizers' Java references on one image's post-Softmax attention of DeiT-Tiny
 * [1, 3, 197, 197] (the searches call them once per candidate).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PowerLawQuantizerBenchmark {

    @Param({"log2", "log_sqrt2", "adalog", "twin_uniform"})
    String kind;

    @Param({"4", "6"})
    int bits;

    private float[] attention;
    private NonUniformQuantizer quantizer;

    @Setup
    public void setUp() {
        attention = Data.attention(1, 3, 197, 2);
        quantizer = switch (kind) {
            case "log2" -> Log2Quantizer.unit(bits);
            case "log_sqrt2" -> LogSqrt2Quantizer.unit(bits);
            case "adalog" -> AdaLogQuantizer.softmax(bits, 30);
            case "twin_uniform" -> new TwinUniformQuantizer(bits, TwinUniformQuantizer.Mode.SOFTMAX,
                    1f / (1 << (bits + 6)), 4);
            default -> throw new IllegalStateException(kind);
        };
    }

    @Benchmark
    public float[] fakeQuantize() {
        return quantizer.fakeQuantize(attention);
    }
}
