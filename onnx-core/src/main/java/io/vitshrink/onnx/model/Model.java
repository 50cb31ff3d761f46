package io.vitshrink.onnx.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An ONNX model: IR version, operator set imports, producer, metadata and the main {@link Graph}.
 * Parts vitshrink does not model (model-local functions, training info) are kept as opaque bytes so
 * that a load/save round trip preserves them.
 */
public final class Model {
    private long irVersion;
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private String producerName = "";
    private String producerVersion = "";
    private String domain = "";
    private long modelVersion;
    private String docString = "";
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Graph graph;
    private byte[] opaqueExtras = new byte[0];
    private java.nio.file.Path source;

    public Model(long irVersion, Map<String, Long> opsets, Graph graph) {
        this.irVersion = irVersion;
        this.opsets.putAll(opsets);
        this.graph = Objects.requireNonNull(graph, "graph");
    }

    public Graph graph() {
        return graph;
    }

    public long irVersion() {
        return irVersion;
    }

    public void setIrVersion(long irVersion) {
        this.irVersion = irVersion;
    }

    /** Operator set imports, domain → version; the default domain is {@code ""}. */
    public Map<String, Long> opsets() {
        return Collections.unmodifiableMap(opsets);
    }

    /** The version of the default ONNX operator set (0 when not imported). */
    public long opset() {
        Long v = opsets.get("");
        if (v == null) {
            v = opsets.get("ai.onnx");
        }
        return v == null ? 0 : v;
    }

    public void setOpset(String opsetDomain, long version) {
        opsets.put(opsetDomain, version);
    }

    public String producerName() {
        return producerName;
    }

    public String producerVersion() {
        return producerVersion;
    }

    public void setProducer(String name, String version) {
        this.producerName = name == null ? "" : name;
        this.producerVersion = version == null ? "" : version;
    }

    public String domain() {
        return domain;
    }

    public void setDomain(String domain) {
        this.domain = domain == null ? "" : domain;
    }

    public long modelVersion() {
        return modelVersion;
    }

    public void setModelVersion(long modelVersion) {
        this.modelVersion = modelVersion;
    }

    public String docString() {
        return docString;
    }

    public void setDocString(String docString) {
        this.docString = docString == null ? "" : docString;
    }

    /** {@code metadata_props}: where vitshrink records the plan and tool version of an export. */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    public void putMetadata(String key, String value) {
        metadata.put(key, value);
    }

    /** A deep copy: edits to the copy never reach this model. */
    public Model copy() {
        Model m = new Model(irVersion, opsets, graph.copy());
        m.producerName = producerName;
        m.producerVersion = producerVersion;
        m.domain = domain;
        m.modelVersion = modelVersion;
        m.docString = docString;
        m.metadata.putAll(metadata);
        m.opaqueExtras = opaqueExtras.clone();
        m.source = source;
        return m;
    }

    /** The file this model was loaded from, if any: saving over it is refused. */
    public java.util.Optional<java.nio.file.Path> source() {
        return java.util.Optional.ofNullable(source);
    }

    public void setSource(java.nio.file.Path source) {
        this.source = source;
    }

    /** Serialized ModelProto fields that vitshrink carries without interpreting. */
    public byte[] opaqueExtras() {
        return opaqueExtras.clone();
    }

    public void setOpaqueExtras(byte[] bytes) {
        this.opaqueExtras = bytes == null ? new byte[0] : bytes.clone();
    }
}
