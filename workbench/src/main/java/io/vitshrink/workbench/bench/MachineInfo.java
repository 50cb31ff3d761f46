package io.vitshrink.workbench.bench;

import ai.onnxruntime.OrtEnvironment;
import io.vitshrink.workbench.output.JsonResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a benchmark figure depends on: core count, CPU model and the instruction-set flags that decide
 * which ONNX Runtime kernels run (int8 dot products above all), Java and ONNX Runtime versions.
 */
record MachineInfo(int cores, String cpuModel, Set<String> cpuFlags, String javaVersion, String ortVersion) {

    /** Flags that change which kernels ORT's CPU provider picks. */
    private static final List<String> RELEVANT_FLAGS = List.of("sse4_1", "avx", "avx2", "fma", "f16c", "avx512f",
            "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_int8", "amx_bf16", "asimd", "asimddp",
            "i8mm");

    static MachineInfo current() {
        String model = "unknown";
        Set<String> flags = new TreeSet<>();
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try {
                for (String line : Files.readAllLines(cpuinfo)) {
                    String lower = line.toLowerCase(Locale.ROOT);
                    if (model.equals("unknown") && lower.startsWith("model name")) {
                        model = line.substring(line.indexOf(':') + 1).trim();
                    } else if (flags.isEmpty() && (lower.startsWith("flags") || lower.startsWith("features"))) {
                        for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                            if (RELEVANT_FLAGS.contains(f)) {
                                flags.add(f);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // no CPU details on this system: the figures are still valid, only less explained
            }
        }
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), model, flags,
                System.getProperty("java.version"), OrtEnvironment.getEnvironment().getVersion());
    }

    void putInto(JsonResult out) {
        out.put("cores", cores).put("cpu_model", cpuModel).put("cpu_flags", String.join(" ", cpuFlags))
                .put("java_version", javaVersion).put("ort_version", ortVersion);
    }
}
