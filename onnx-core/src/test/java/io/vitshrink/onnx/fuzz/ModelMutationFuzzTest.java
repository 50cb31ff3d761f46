package io.vitshrink.onnx.fuzz;

import ai.onnx.proto.OnnxMl;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.shape.ShapeProbe;
import io.vitshrink.onnx.shape.ValueShapes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target (b): structured mutation. A test-kit model (timm, Hugging Face, torchvision and Swin-like
 * exports at opsets 13 and 17) gets fuzzer-chosen protobuf edits ({@link ProtoMutator}: dropped, duplicated
 * and renamed nodes, rewired inputs, odd dims, attribute values and types, element types, truncated raw
 * data, external data pointing inside, outside and through links, deeply nested subgraphs, …), then is
 * loaded — from memory, or from a file in a folder beside a sentinel file it must never read — recognized
 * and costed, with no shapes, declared shapes, the seed's measured shapes (stale after the edits) or those
 * with fuzzer-chosen odd entries. Fixed findings are replayed from
 * {@code src/test/resources/io/vitshrink/onnx/fuzz/ModelMutationFuzzTestInputs/mutateLoadRecognizeCost/}.
 * How to run it long: see {@link FuzzHarness}.
 */
class ModelMutationFuzzTest {
    private static final byte[] SENTINEL = "OUTSIDE!".getBytes(StandardCharsets.US_ASCII);
    private static final List<OnnxMl.ModelProto> SEEDS = new ArrayList<>();
    private static final Map<Integer, Map<String, long[]>> PROBED = new HashMap<>();
    private static final Path FOLDER;
    private static final Path MODEL_FILE;

    static {
        for (FuzzHarness.Seed s : FuzzHarness.seeds(2)) {
            try {
                SEEDS.add(OnnxMl.ModelProto.parseFrom(s.bytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            // <tmp>/outside.bin holds the sentinel; the model lives in <tmp>/models with data.bin, sub/ and
            // link.bin → ../outside.bin. A load that returns sentinel bytes read outside the model's folder.
            Path root = Files.createTempDirectory("vitshrink-fuzz");
            FOLDER = Files.createDirectories(root.resolve("models"));
            Files.createDirectories(FOLDER.resolve("sub"));
            byte[] outside = new byte[8192];
            for (int i = 0; i < outside.length; i++) {
                outside[i] = SENTINEL[i % SENTINEL.length];
            }
            Files.write(root.resolve("outside.bin"), outside);
            byte[] inside = new byte[8192];
            for (int i = 0; i < inside.length; i++) {
                inside[i] = (byte) (i * 7);
            }
            Files.write(FOLDER.resolve("data.bin"), inside);
            Files.createSymbolicLink(FOLDER.resolve("link.bin"), Path.of("..", "outside.bin"));
            MODEL_FILE = FOLDER.resolve("model.onnx");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** At most 30 s per input (the first one includes installing Jazzer): anything slower is a hang. */
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @FuzzTest(maxDuration = "30s")
    void mutateLoadRecognizeCost(FuzzedDataProvider data) {
        int seed = data.consumeInt(0, SEEDS.size() - 1);
        int shapeMode = data.consumeInt(0, 3);
        boolean fromFile = data.consumeInt(0, 7) == 0;
        // The odd shapes are chosen before the edits, which use up the rest of the input.
        Map<String, long[]> odd = shapeMode == 3 ? oddShapes(probed(seed), data) : null;
        ProtoMutator mutator = new ProtoMutator(data, SEEDS.get(seed));
        mutator.mutate(6);
        byte[] bytes = mutator.build().toByteArray();
        dump(bytes);
        boolean viaFile = fromFile || mutator.usesExternalData();
        Model model = FuzzHarness.load(viaFile ? () -> ModelIO.load(write(bytes)) : () -> ModelIO.fromBytes(bytes, FuzzHarness.SOURCE));
        if (model == null) {
            return;
        }
        if (viaFile) {
            for (Tensor t : model.graph().initializers().values()) {
                if (contains(t.rawBytes(), SENTINEL)) {
                    throw new AssertionError("tensor '" + t.name() + "' was read from outside the model's folder");
                }
            }
        }
        ValueShapes shapes = switch (shapeMode) {
            case 0 -> new ValueShapes(Map.of(), Map.of());
            case 1 -> FuzzHarness.declaredShapes(model);
            case 2 -> new ValueShapes(probed(seed), Map.of());
            default -> new ValueShapes(odd, Map.of());
        };
        FuzzHarness.analyze(model, shapes);
    }

    /** The seed's shapes as ONNX Runtime measures them (valid seeds only, once each). */
    private static synchronized Map<String, long[]> probed(int seed) {
        return PROBED.computeIfAbsent(seed, s -> {
            Model m = ModelIO.fromBytes(SEEDS.get(s).toByteArray(), "seed");
            ValueShapes v = new ShapeProbe(32).probe(m);
            Map<String, long[]> out = new HashMap<>();
            v.values().forEach(name -> out.put(name, v.of(name).orElseThrow()));
            return out;
        });
    }

    /**
     * Measured shapes with entries replaced by shapes the fuzzer picks (rank 0, negative, huge): each pick
     * goes to every k-th value, so that the values the recognizer reads get odd shapes often.
     */
    private static Map<String, long[]> oddShapes(Map<String, long[]> probed, FuzzedDataProvider data) {
        Map<String, long[]> shapes = new HashMap<>(probed);
        List<String> names = new ArrayList<>(probed.keySet());
        names.sort(Comparator.naturalOrder());
        int picks = data.consumeInt(1, 4);
        for (int i = 0; i < picks; i++) {
            long[] dims = new long[data.consumeInt(0, 5)];
            for (int d = 0; d < dims.length; d++) {
                dims[d] = data.consumeBoolean() ? data.consumeLong(-2, 64) : data.consumeLong();
            }
            int every = data.consumeInt(1, 64);
            for (int k = data.consumeInt(0, every - 1); k < names.size(); k += every) {
                shapes.put(names.get(k), dims);
            }
        }
        return shapes;
    }

    /**
     * With {@code -Dvitshrink.fuzz.dump=<folder>}, writes each mutated model there: turns a finding of this
     * target into a plain model file (for {@code ModelBytesFuzzTestInputs}, or to open in Netron).
     */
    private static void dump(byte[] bytes) {
        String folder = System.getProperty("vitshrink.fuzz.dump");
        if (folder == null || folder.isEmpty()) {
            return;
        }
        try {
            Path dir = Files.createDirectories(Path.of(folder));
            Files.write(dir.resolve(String.format("model-%08x.onnx", Arrays.hashCode(bytes))), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(byte[] bytes) {
        try {
            return Files.write(MODEL_FILE, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: it is a temp folder
        }
    }
}
