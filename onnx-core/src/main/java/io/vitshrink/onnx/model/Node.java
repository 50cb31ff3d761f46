package io.vitshrink.onnx.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operator application. Inputs and outputs are value names ({@code ""} marks an omitted optional
 * input). Edit a node's wiring through {@link Graph} so that the graph's producer/consumer index stays
 * true.
 */
public final class Node {
    private String name;
    private final String opType;
    private final String domain;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Attribute> attributes;
    private String docString = "";

    public Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
            Map<String, Attribute> attributes) {
        this.name = Objects.requireNonNull(name, "name");
        this.opType = Objects.requireNonNull(opType, "opType");
        this.domain = domain == null ? "" : domain;
        this.inputs = new ArrayList<>(inputs);
        this.outputs = new ArrayList<>(outputs);
        this.attributes = new LinkedHashMap<>(attributes);
    }

    /** A node of the default ONNX domain. */
    public Node(String name, String opType, List<String> inputs, List<String> outputs, Attribute... attributes) {
        this(name, opType, "", inputs, outputs, toMap(attributes));
    }

    private static Map<String, Attribute> toMap(Attribute... attributes) {
        Map<String, Attribute> map = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            map.put(a.name(), a);
        }
        return map;
    }

    public String name() {
        return name;
    }

    void setName(String name) {
        this.name = name;
    }

    public String opType() {
        return opType;
    }

    /** The operator domain; {@code ""} for the default ONNX domain. */
    public String domain() {
        return domain;
    }

    public List<String> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<String> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /** The i-th input, or {@code ""} when absent. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public String output(int i) {
        return outputs.get(i);
    }

    List<String> mutableInputs() {
        return inputs;
    }

    List<String> mutableOutputs() {
        return outputs;
    }

    public Map<String, Attribute> attributes() {
        return Collections.unmodifiableMap(attributes);
    }

    public Optional<Attribute> attribute(String attrName) {
        return Optional.ofNullable(attributes.get(attrName));
    }

    public long intAttr(String attrName, long defaultValue) {
        Attribute a = typed(attrName, Attribute.Kind.INT);
        return a == null ? defaultValue : a.asLong();
    }

    public float floatAttr(String attrName, float defaultValue) {
        Attribute a = typed(attrName, Attribute.Kind.FLOAT);
        return a == null ? defaultValue : a.asFloat();
    }

    public String stringAttr(String attrName, String defaultValue) {
        Attribute a = typed(attrName, Attribute.Kind.STRING);
        return a == null ? defaultValue : a.asString();
    }

    public long[] intsAttr(String attrName) {
        Attribute a = typed(attrName, Attribute.Kind.INTS);
        return a == null ? null : a.asLongs();
    }

    /** The attribute, checked to be of the kind the op defines (a model file can declare any kind). */
    private Attribute typed(String attrName, Attribute.Kind kind) {
        Attribute a = attributes.get(attrName);
        if (a != null && a.kind() != kind) {
            throw new io.vitshrink.onnx.UserException("node '" + name + "' (" + opType + ") has attribute '" + attrName
                    + "' of type " + a.kind() + ", but " + opType + " defines it as " + kind);
        }
        return a;
    }

    public void setAttribute(Attribute attribute) {
        attributes.put(attribute.name(), attribute);
    }

    public void removeAttribute(String attrName) {
        attributes.remove(attrName);
    }

    public String docString() {
        return docString;
    }

    public void setDocString(String docString) {
        this.docString = docString == null ? "" : docString;
    }

    public boolean is(String type) {
        return opType.equals(type) && (domain.isEmpty() || domain.equals("ai.onnx"));
    }

    @Override
    public String toString() {
        return opType + "(" + name + ")";
    }
}
