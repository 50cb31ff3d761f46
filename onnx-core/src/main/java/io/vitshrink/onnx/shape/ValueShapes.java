package io.vitshrink.onnx.shape;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Shapes of values for one image (batch 1), and for each dimension whether it grows with the batch.
 * A dimension that grows with the batch is printed as {@code N} (or {@code kN} when it is the batch
 * times k, as in {@code [B·heads, tokens, d]}).
 */
public final class ValueShapes {
    private final Map<String, long[]> perImage;
    private final Map<String, boolean[]> batchScaled;

    public ValueShapes(Map<String, long[]> perImage, Map<String, boolean[]> batchScaled) {
        this.perImage = Map.copyOf(perImage);
        this.batchScaled = Map.copyOf(batchScaled);
    }

    /** The shape at batch 1, if known. */
    public Optional<long[]> of(String value) {
        long[] s = perImage.get(value);
        return s == null ? Optional.empty() : Optional.of(s.clone());
    }

    public boolean has(String value) {
        return perImage.containsKey(value);
    }

    /** Element count at batch 1 (0 when unknown). */
    public long numel(String value) {
        long[] s = perImage.get(value);
        if (s == null) {
            return 0;
        }
        long n = 1;
        for (long d : s) {
            n *= d;
        }
        return n;
    }

    public Set<String> values() {
        return Collections.unmodifiableSet(perImage.keySet());
    }

    /** The shape with batch-scaled dimensions written as {@code N} / {@code kN}. */
    public String describe(String value) {
        long[] s = perImage.get(value);
        if (s == null) {
            return "?";
        }
        boolean[] b = batchScaled.getOrDefault(value, new boolean[s.length]);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < s.length; i++) {
            if (i > 0) {
                sb.append('x');
            }
            if (b[i]) {
                sb.append(s[i] == 1 ? "N" : s[i] + "N");
            } else {
                sb.append(s[i]);
            }
        }
        return sb.append(']').toString();
    }
}
