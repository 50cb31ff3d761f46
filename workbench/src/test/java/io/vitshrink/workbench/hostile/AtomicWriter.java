package io.vitshrink.workbench.hostile;

import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The process {@link AtomicWriteKillTest} kills: saves two versions of a large model, in turn, over the
 * same file, forever, telling its parent on stdout when each save starts and ends.
 *
 * <p>Arguments: target file, megabytes of the large initializer.
 */
public final class AtomicWriter {
    /** Metadata key naming the version ("A" or "B"). */
    static final String VERSION_KEY = "atomic_test.version";
    /** Name of the large initializer; every element holds the version's fill value. */
    static final String BIG = "big_initializer";

    private AtomicWriter() {
    }

    /** Version {@code v} (0 → "A", 1 → "B"): the test kit's tiny ViT plus a large constant initializer. */
    static Model version(int v, int megabytes) {
        Model m = TinyVitBuilder.deitLike().depth(1).width(32).heads(2).imageSize(32).patchSize(8).classes(10).seed(1).build();
        float[] big = new float[megabytes * (1 << 20) / 4];
        Arrays.fill(big, fill(v));
        m.graph().putInitializer(Tensor.ofFloats(BIG, new long[] {big.length}, big));
        m.putMetadata(VERSION_KEY, name(v));
        return m;
    }

    static String name(int v) {
        return v == 0 ? "A" : "B";
    }

    static float fill(int v) {
        return v == 0 ? 1.25f : -3.5f;
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        int megabytes = Integer.parseInt(args[1]);
        Model[] versions = {version(0, megabytes), version(1, megabytes)};
        for (int i = 0; ; i++) {
            int v = i % 2;
            System.out.println("writing " + name(v));
            System.out.flush();
            ModelIO.save(versions[v], target);
            System.out.println("wrote " + name(v) + " " + Files.size(target));
            System.out.flush();
        }
    }
}
