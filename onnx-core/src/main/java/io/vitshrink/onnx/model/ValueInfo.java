package io.vitshrink.onnx.model;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Declared type of a graph input, output or intermediate value. {@code shape} is null when the
 * model does not declare one.
 */
public record ValueInfo(String name, DataType type, List<Dim> shape) {

    public ValueInfo {
        shape = shape == null ? null : List.copyOf(shape);
    }

    /** An output whose type ONNX Runtime infers (used to expose intermediate values). */
    public static ValueInfo untyped(String name) {
        return new ValueInfo(name, DataType.UNDEFINED, null);
    }

    public boolean hasShape() {
        return shape != null;
    }

    public String shapeString() {
        return shape == null ? "?" : shape.stream().map(Dim::toString).collect(Collectors.joining("x", "[", "]"));
    }
}
