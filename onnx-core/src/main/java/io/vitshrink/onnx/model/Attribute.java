package io.vitshrink.onnx.model;

import java.util.List;
import java.util.Objects;

/**
 * A node attribute. Graph-valued attributes (the bodies of If/Loop/Scan) are kept as opaque
 * serialized bytes: vitshrink never edits subgraphs, it only carries them through.
 */
public record Attribute(String name, Kind kind, Object value) {

    /** The attribute kinds vitshrink reads; {@code GRAPH} and {@code OTHER} are carried opaquely. */
    public enum Kind { INT, FLOAT, STRING, INTS, FLOATS, STRINGS, TENSOR, GRAPH, OTHER }

    public Attribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }

    public static Attribute of(String name, long value) {
        return new Attribute(name, Kind.INT, value);
    }

    public static Attribute of(String name, float value) {
        return new Attribute(name, Kind.FLOAT, value);
    }

    public static Attribute of(String name, String value) {
        return new Attribute(name, Kind.STRING, value);
    }

    public static Attribute ofInts(String name, long... values) {
        return new Attribute(name, Kind.INTS, values.clone());
    }

    public static Attribute ofFloats(String name, float... values) {
        return new Attribute(name, Kind.FLOATS, values.clone());
    }

    public static Attribute ofStrings(String name, List<String> values) {
        return new Attribute(name, Kind.STRINGS, List.copyOf(values));
    }

    public static Attribute of(String name, Tensor value) {
        return new Attribute(name, Kind.TENSOR, value);
    }

    public long asLong() {
        return (Long) value;
    }

    public float asFloat() {
        return (Float) value;
    }

    public String asString() {
        return (String) value;
    }

    public long[] asLongs() {
        return ((long[]) value).clone();
    }

    public float[] asFloats() {
        return ((float[]) value).clone();
    }

    public Tensor asTensor() {
        return (Tensor) value;
    }
}
