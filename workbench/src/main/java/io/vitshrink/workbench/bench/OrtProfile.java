package io.vitshrink.workbench.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a session's time goes, per operator type, read from the Chrome-trace JSON that ONNX Runtime
 * writes when profiling is on: every {@code <node>_kernel_time} event of category {@code Node} carries
 * the kernel's duration and its {@code op_name} (after ORT's fusions, so a fused int8 MatMul shows as
 * e.g. {@code QLinearMatMul} or {@code MatMulIntegerToFloat}, which is the point of looking).
 *
 * @param runs model runs in the trace ({@code model_run} events)
 * @param perOp operator type → total kernel microseconds over all runs, largest first
 */
public record OrtProfile(int runs, Map<String, Long> perOp) {

    public static OrtProfile read(Path trace) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(trace.toFile());
        } catch (IOException e) {
            throw new UserException("cannot read the ONNX Runtime profile " + trace + ": " + e.getMessage(), e);
        }
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        int runs = 0;
        Map<String, Long> totals = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String cat = e.path("cat").asText();
            String name = e.path("name").asText();
            if (cat.equals("Session") && name.equals("model_run")) {
                runs++;
            } else if (cat.equals("Node") && name.endsWith("_kernel_time")) {
                String op = e.path("args").path("op_name").asText("?");
                totals.merge(op, e.path("dur").asLong(), Long::sum);
            }
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(totals.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
        Map<String, Long> perOp = new LinkedHashMap<>();
        sorted.forEach(en -> perOp.put(en.getKey(), en.getValue()));
        return new OrtProfile(runs, perOp);
    }

    /** Kernel time of all operators, in microseconds over all runs. */
    public long totalMicros() {
        return perOp.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Milliseconds per run spent in operator type {@code op} (0 when absent). */
    public double millisPerRun(String op) {
        return runs == 0 ? 0 : perOp.getOrDefault(op, 0L) / 1000.0 / runs;
    }
}
