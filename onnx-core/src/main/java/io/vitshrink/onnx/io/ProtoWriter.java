package io.vitshrink.onnx.io;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Converts a {@link Model} into protobuf. Nodes are written in topological order. When an external
 * data sink is given, large initializers are written to it and referenced by offset.
 */
final class ProtoWriter {

    /** Receives the bytes of tensors stored outside the model file. */
    interface ExternalSink {
        /** The location string written into the model (a file name beside it). */
        String location();

        /** Appends the bytes and returns their offset. */
        long append(byte[] bytes) throws IOException;

        long thresholdBytes();
    }

    private final ExternalSink external;

    ProtoWriter(ExternalSink external) {
        this.external = external;
    }

    OnnxMl.ModelProto write(Model model) throws IOException {
        OnnxMl.ModelProto.Builder b = OnnxMl.ModelProto.newBuilder();
        try {
            b.mergeFrom(model.opaqueExtras());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("opaque model extras are corrupt", e);
        }
        b.setIrVersion(model.irVersion())
                .setProducerName(model.producerName())
                .setProducerVersion(model.producerVersion())
                .setDomain(model.domain())
                .setModelVersion(model.modelVersion())
                .setDocString(model.docString());
        for (Map.Entry<String, Long> op : model.opsets().entrySet()) {
            b.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(op.getKey()).setVersion(op.getValue()));
        }
        for (Map.Entry<String, String> e : model.metadata().entrySet()) {
            b.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        b.setGraph(writeGraph(model.graph()));
        return b.build();
    }

    private OnnxMl.GraphProto writeGraph(Graph g) throws IOException {
        OnnxMl.GraphProto.Builder b = OnnxMl.GraphProto.newBuilder().setName(g.name()).setDocString(g.docString());
        for (Node n : g.topologicalOrder()) {
            b.addNode(writeNode(n));
        }
        for (Tensor t : g.initializers().values()) {
            b.addInitializer(writeTensor(t, true));
        }
        g.inputs().forEach(v -> b.addInput(writeValueInfo(v)));
        g.outputs().forEach(v -> b.addOutput(writeValueInfo(v)));
        g.valueInfos().values().forEach(v -> b.addValueInfo(writeValueInfo(v)));
        return b.build();
    }

    private OnnxMl.NodeProto writeNode(Node n) throws IOException {
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder()
                .setName(n.name()).setOpType(n.opType()).setDomain(n.domain()).setDocString(n.docString())
                .addAllInput(n.inputs()).addAllOutput(n.outputs());
        for (Attribute a : n.attributes().values()) {
            b.addAttribute(writeAttribute(a));
        }
        return b.build();
    }

    private OnnxMl.AttributeProto writeAttribute(Attribute a) throws IOException {
        OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(a.name());
        switch (a.kind()) {
            case INT -> b.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(a.asLong());
            case FLOAT -> b.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(a.asFloat());
            case STRING -> b.setType(OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(a.asString()));
            case INTS -> {
                b.setType(OnnxMl.AttributeProto.AttributeType.INTS);
                for (long v : a.asLongs()) {
                    b.addInts(v);
                }
            }
            case FLOATS -> {
                b.setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
                for (float v : a.asFloats()) {
                    b.addFloats(v);
                }
            }
            case STRINGS -> {
                b.setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
                @SuppressWarnings("unchecked")
                java.util.List<String> values = (java.util.List<String>) a.value();
                values.forEach(s -> b.addStrings(ByteString.copyFromUtf8(s)));
            }
            case TENSOR -> b.setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(writeTensor(a.asTensor(), false));
            case GRAPH, OTHER -> {
                return OnnxMl.AttributeProto.parseFrom((byte[]) a.value());
            }
            default -> throw new IllegalStateException("unhandled attribute kind " + a.kind());
        }
        return b.build();
    }

    private OnnxMl.TensorProto writeTensor(Tensor t, boolean mayGoExternal) throws IOException {
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder()
                .setName(t.name()).setDataType(t.type().code());
        for (long d : t.dims()) {
            b.addDims(d);
        }
        if (mayGoExternal && external != null && t.sizeBytes() >= external.thresholdBytes()) {
            byte[] bytes = t.rawBytes();
            long offset = external.append(bytes);
            b.setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL);
            b.addExternalData(entry("location", external.location()));
            b.addExternalData(entry("offset", Long.toString(offset)));
            b.addExternalData(entry("length", Long.toString(bytes.length)));
        } else {
            b.setRawData(ByteString.copyFrom(t.rawBuffer()));
        }
        return b.build();
    }

    private static OnnxMl.StringStringEntryProto entry(String k, String v) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    static OnnxMl.ValueInfoProto writeValueInfo(ValueInfo v) {
        OnnxMl.ValueInfoProto.Builder b = OnnxMl.ValueInfoProto.newBuilder().setName(v.name());
        if (v.type().code() != 0) {
            OnnxMl.TypeProto.Tensor.Builder tt = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(v.type().code());
            if (v.hasShape()) {
                OnnxMl.TensorShapeProto.Builder sb = OnnxMl.TensorShapeProto.newBuilder();
                for (Dim d : v.shape()) {
                    OnnxMl.TensorShapeProto.Dimension.Builder db = OnnxMl.TensorShapeProto.Dimension.newBuilder();
                    if (d.isFixed()) {
                        db.setDimValue(d.value());
                    } else if (d.symbol() != null) {
                        db.setDimParam(d.symbol());
                    }
                    sb.addDim(db);
                }
                tt.setShape(sb);
            }
            b.setType(OnnxMl.TypeProto.newBuilder().setTensorType(tt));
        }
        return b.build();
    }

    static void writeDelimited(OnnxMl.ModelProto proto, OutputStream out) throws IOException {
        proto.writeTo(out);
    }
}
