package io.vitshrink.onnx.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (a): raw bytes → {@code ModelIO.fromBytes} → recognize + cost. Seeds are the test kit's
 * export styles at opsets 13 and 17 (generated here, not stored); findings that were fixed are replayed from
 * {@code src/test/resources/io/vitshrink/onnx/fuzz/ModelBytesFuzzTestInputs/loadRecognizeCost/}. How to run
 * it long: see {@link FuzzHarness}.
 */
class ModelBytesFuzzTest {

    static Stream<Arguments> testKitModels() {
        return FuzzHarness.seeds(1).stream().map(s -> Arguments.of(Named.of(s.name(), s.bytes())));
    }

    /** At most 30 s per input (the first one includes installing Jazzer): anything slower is a hang. */
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @MethodSource("testKitModels")
    @FuzzTest(maxDuration = "30s")
    void loadRecognizeCost(byte[] bytes) {
        FuzzHarness.loadRecognizeCost(bytes);
    }
}
