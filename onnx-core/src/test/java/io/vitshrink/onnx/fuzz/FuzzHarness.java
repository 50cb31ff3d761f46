package io.vitshrink.onnx.fuzz;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.cost.CostModel;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.shape.ValueShapes;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.vit.VitRecognizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The contract the fuzz targets enforce, shared by them: for any input, loading a model
 * ({@link ModelIO#fromBytes} / {@link ModelIO#load}) and then {@link VitRecognizer#recognize} and
 * {@link CostModel#of} either succeed or throw a {@link UserException} with a one-line message. Any other
 * throwable (including {@link OutOfMemoryError} and {@link StackOverflowError}) escapes, and Jazzer reports
 * it as a finding; a hang is a finding through libFuzzer's per-input timeout ({@code @Timeout} on the target).
 *
 * <h2>Running the fuzz targets</h2>
 *
 * <ul>
 *   <li>{@code mvn test} / {@code mvn verify} (CI): the {@code jazzer-regression} execution of
 *       {@code onnx-core/pom.xml} replays every target's seeds and its regression inputs
 *       ({@code src/test/resources/io/vitshrink/onnx/fuzz/<Class>Inputs/<method>/}); then {@code jazzer-fuzz}
 *       fuzzes each target for 30 s, one JVM per target. {@code -Djazzer.skip=true} skips the fuzzing (not the
 *       replay).</li>
 *   <li>A long run, 10 minutes per target (both targets, one after the other):
 *       <pre>cd /work/main &amp;&amp; mvn -B -ntp -q -pl onnx-core install -DskipTests &amp;&amp; \
 * mvn -B -ntp -pl onnx-core test -Dtest='io.vitshrink.onnx.fuzz.*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Djazzer.skip=false -Djazzer.max_duration=10m</pre>
 *       One target only: {@code -Dtest=ModelBytesFuzzTest}. {@code -Djazzer.keep_going=50} reports up to 50
 *       distinct findings instead of stopping at the first (a hang still stops the run).</li>
 *   <li>A finding fails {@code jazzer-fuzz}; the input is written to {@code onnx-core/target/jazzer/crash-<sha1>}
 *       ({@code timeout-}, {@code slow-unit-} likewise; the generated corpus goes to
 *       {@code target/jazzer/.cifuzz-corpus}). Fix the bug, check that the input fails without the fix, and
 *       move it, named after the bug, into the target's {@code Inputs/<method>/} folder: the normal suite
 *       replays it from then on.</li>
 *   <li>Inputs of {@link ModelMutationFuzzTest} are decoded by {@link ProtoMutator} against the test kit's
 *       models: changing either changes what the stored inputs mean. {@code -Dvitshrink.fuzz.dump=<folder>}
 *       writes the model each input decodes to, which {@link ModelBytesFuzzTest} can keep instead.</li>
 * </ul>
 */
final class FuzzHarness {
    /** The file name used in messages for models parsed from memory. */
    static final String SOURCE = "fuzz";

    private FuzzHarness() {
    }

    /** Parses, recognizes and costs {@code bytes} with shapes taken from the model's own declarations. */
    static void loadRecognizeCost(byte[] bytes) {
        Model model = load(() -> ModelIO.fromBytes(bytes, SOURCE));
        if (model != null) {
            analyze(model, declaredShapes(model));
        }
    }

    /** Runs a load; null when it refused the input with a proper {@link UserException}. */
    static Model load(Supplier<Model> loader) {
        try {
            return loader.get();
        } catch (UserException e) {
            requireOneLine(e);
            return null;
        }
    }

    /** Recognizes and costs a loaded model; a {@link UserException} is an accepted answer. */
    static void analyze(Model model, ValueShapes shapes) {
        try {
            VitRecognizer.recognize(model, shapes);
            CostModel.of(model, shapes);
        } catch (UserException e) {
            requireOneLine(e);
        }
    }

    static void requireOneLine(UserException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
            throw new AssertionError("a UserException must have a one-line message, got: " + m, e);
        }
    }

    /**
     * Shapes without ONNX Runtime: what the graph declares for its inputs, outputs and value infos (a
     * symbolic or unknown dimension counts as 1 and as batch-scaled), and the dims of every initializer.
     * Whatever the file claims is passed on as is: the recognizer and the cost model must live with wrong,
     * huge or missing shapes.
     */
    static ValueShapes declaredShapes(Model model) {
        Map<String, long[]> dims = new HashMap<>();
        Map<String, boolean[]> scaled = new HashMap<>();
        List<ValueInfo> declared = new ArrayList<>(model.graph().inputs());
        declared.addAll(model.graph().outputs());
        declared.addAll(model.graph().valueInfos().values());
        for (ValueInfo v : declared) {
            if (!v.hasShape()) {
                continue;
            }
            List<Dim> shape = v.shape();
            long[] d = new long[shape.size()];
            boolean[] b = new boolean[shape.size()];
            for (int i = 0; i < d.length; i++) {
                Dim dim = shape.get(i);
                d[i] = dim.isFixed() ? dim.value() : 1;
                b[i] = !dim.isFixed();
            }
            dims.put(v.name(), d);
            scaled.put(v.name(), b);
        }
        for (Tensor t : model.graph().initializers().values()) {
            dims.put(t.name(), t.dims());
            scaled.put(t.name(), new boolean[t.rank()]);
        }
        return new ValueShapes(dims, scaled);
    }

    /**
     * The seed models: every test-kit export style at the two LayerNorm opsets (13 decomposed, 17 fused),
     * DeiT-like but narrow (width 8, 16×16 images) so that an execution takes well under a millisecond.
     */
    static List<Seed> seeds(int depth) {
        List<Seed> seeds = new ArrayList<>();
        for (ExportStyle style : ExportStyle.values()) {
            for (int opset : new int[] {13, 17}) {
                TinyVitBuilder b = TinyVitBuilder.deitLike().style(style).opset(opset).depth(depth).width(8).heads(2)
                        .mlpRatio(2).imageSize(16).patchSize(style == ExportStyle.SWIN_LIKE ? 4 : 8).classes(3);
                seeds.add(new Seed(style + "-opset" + opset, ModelIO.toBytes(b.build())));
            }
        }
        return seeds;
    }

    /** A named seed model. */
    record Seed(String name, byte[] bytes) {
    }
}
