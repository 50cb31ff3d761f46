package io.vitshrink.onnx.io;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Converts parsed protobuf messages into {@link Model}; checks sizes before allocating. */
final class ProtoReader {
    /** ints/floats/strings per attribute: real ones hold a handful (shapes, axes, pads). */
    static final int MAX_ATTRIBUTE_VALUES = 1 << 20;

    private final String source;
    private final ExternalData externalData;
    private final ModelLimits limits;

    ProtoReader(String source, ExternalData externalData, ModelLimits limits) {
        this.source = source;
        this.externalData = externalData;
        this.limits = limits;
    }

    Model read(OnnxMl.ModelProto proto) {
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OnnxMl.OperatorSetIdProto op : proto.getOpsetImportList()) {
            String domain = op.getDomain().equals("ai.onnx") ? "" : op.getDomain();
            opsets.put(domain, op.getVersion());
        }
        Model model = new Model(proto.getIrVersion(), opsets, readGraph(proto.getGraph()));
        model.setProducer(proto.getProducerName(), proto.getProducerVersion());
        model.setDomain(proto.getDomain());
        model.setModelVersion(proto.getModelVersion());
        model.setDocString(proto.getDocString());
        for (OnnxMl.StringStringEntryProto e : proto.getMetadataPropsList()) {
            model.putMetadata(e.getKey(), e.getValue());
        }
        // Functions and training info are carried through untouched.
        OnnxMl.ModelProto extras = OnnxMl.ModelProto.newBuilder()
                .addAllFunctions(proto.getFunctionsList())
                .addAllTrainingInfo(proto.getTrainingInfoList())
                .build();
        model.setOpaqueExtras(extras.toByteArray());
        return model;
    }

    private Graph readGraph(OnnxMl.GraphProto g) {
        if (g.getSparseInitializerCount() > 0) {
            throw new UserException(source + " has sparse initializers, which vitshrink does not support; "
                    + "export the model with dense weights");
        }
        Graph graph = new Graph(g.getName());
        graph.setDocString(g.getDocString());
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            if (t.getName().isEmpty()) {
                throw new UserException(source + " has an initializer without a name");
            }
            if (graph.isInitializer(t.getName())) {
                // the second would silently replace the first
                throw new UserException(source + ": initializer '" + t.getName() + "' is defined twice");
            }
            graph.putInitializer(readTensor(t));
        }
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            graph.addInput(readValueInfo(v));
        }
        for (OnnxMl.ValueInfoProto v : g.getOutputList()) {
            graph.addOutput(readValueInfo(v));
        }
        for (OnnxMl.ValueInfoProto v : g.getValueInfoList()) {
            graph.putValueInfo(readValueInfo(v));
        }
        Set<String> nodeNames = new HashSet<>();
        // Per name, the suffix to try next: names are never given back, so the suffixes below it are taken,
        // and a file with thousands of nodes of one name stays linear instead of quadratic.
        Map<String, Integer> nextSuffix = new HashMap<>();
        int index = 0;
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            // Unnamed or duplicate node names would make node-name patterns and plans ambiguous.
            String name = n.getName().isEmpty() ? n.getOpType() + "_" + index : n.getName();
            String unique = name;
            if (!nodeNames.add(unique)) {
                int k = nextSuffix.getOrDefault(name, 1);
                do {
                    unique = name + "_" + k++;
                } while (!nodeNames.add(unique));
                nextSuffix.put(name, k);
            }
            index++;
            Map<String, Attribute> attrs = new LinkedHashMap<>();
            for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                attrs.put(a.getName(), readAttribute(a));
            }
            // Trailing empty inputs mean "optional input absent", same as leaving them out; dropping them
            // spares ONNX Runtime 1.29, which crashes on e.g. LayerNormalization(x, scale, "").
            List<String> inputs = new ArrayList<>(n.getInputList());
            while (!inputs.isEmpty() && inputs.get(inputs.size() - 1).isEmpty()) {
                inputs.remove(inputs.size() - 1);
            }
            Node node = new Node(unique, n.getOpType(), n.getDomain(), inputs, n.getOutputList(), attrs);
            node.setDocString(n.getDocString());
            graph.addNode(node);
        }
        return graph;
    }

    private Attribute readAttribute(OnnxMl.AttributeProto a) {
        String name = a.getName();
        int values = Math.max(a.getIntsCount(), Math.max(a.getFloatsCount(), a.getStringsCount()));
        if (values > MAX_ATTRIBUTE_VALUES) {
            throw new UserException(source + ": attribute '" + name + "' holds " + values + " values, more than "
                    + "vitshrink accepts (" + MAX_ATTRIBUTE_VALUES + "); large constants belong in initializers");
        }
        return switch (a.getType()) {
            case INT -> Attribute.of(name, a.getI());
            case FLOAT -> Attribute.of(name, a.getF());
            case STRING -> Attribute.of(name, a.getS().toStringUtf8());
            case INTS -> Attribute.ofInts(name, a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            case FLOATS -> {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = a.getFloats(i);
                }
                yield Attribute.ofFloats(name, f);
            }
            case STRINGS -> Attribute.ofStrings(name, a.getStringsList().stream().map(ByteString::toStringUtf8).toList());
            case TENSOR -> Attribute.of(name, readTensor(a.getT()));
            case GRAPH, GRAPHS -> new Attribute(name, Attribute.Kind.GRAPH, a.toByteArray());
            default -> new Attribute(name, Attribute.Kind.OTHER, a.toByteArray());
        };
    }

    ValueInfo readValueInfo(OnnxMl.ValueInfoProto v) {
        OnnxMl.TypeProto type = v.getType();
        if (!type.hasTensorType()) {
            return new ValueInfo(v.getName(), DataType.UNDEFINED, null);
        }
        OnnxMl.TypeProto.Tensor tt = type.getTensorType();
        List<Dim> dims = null;
        if (tt.hasShape()) {
            dims = new ArrayList<>();
            for (OnnxMl.TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
                if (d.hasDimValue()) {
                    dims.add(Dim.of(d.getDimValue()));
                } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
                    dims.add(Dim.symbolic(d.getDimParam()));
                } else {
                    dims.add(Dim.UNKNOWN);
                }
            }
        }
        return new ValueInfo(v.getName(), DataType.fromCode(tt.getElemType()), dims);
    }

    Tensor readTensor(OnnxMl.TensorProto t) {
        String name = t.getName();
        DataType type = DataType.fromCode(t.getDataType());
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new UserException(source + ": tensor '" + name + "' has a negative dimension " + d);
            }
            count = multiplyOrFail(count, d, name);
        }
        if (type == DataType.UNDEFINED || type == DataType.STRING || type.bits() == 0) {
            throw new UserException(source + ": tensor '" + name + "' has element type "
                    + t.getDataType() + ", which vitshrink cannot read");
        }
        long bytes;
        try {
            bytes = type.storageBytes(count);
        } catch (ArithmeticException e) {
            throw new UserException(source + ": tensor '" + name + "' has absurd dimensions (its size in bytes overflows)");
        }
        if (bytes > limits.maxTensorBytes()) {
            throw new UserException(source + ": tensor '" + name + "' declares " + count + " elements ("
                    + bytes + " bytes), over the tensor budget of " + limits.maxTensorBytes() + " bytes");
        }
        byte[] raw;
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            raw = externalData.read(t, name, bytes);
        } else if (t.hasRawData()) {
            raw = t.getRawData().toByteArray();
        } else {
            raw = fromTypedFields(t, type, count);
        }
        if (raw.length != bytes) {
            throw new UserException(source + ": tensor '" + name + "' declares shape "
                    + java.util.Arrays.toString(dims) + " of " + type + " (" + bytes + " bytes) but holds "
                    + raw.length + " bytes");
        }
        return Tensor.ofRaw(name, type, dims, raw);
    }

    private long multiplyOrFail(long a, long b, String name) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new UserException(source + ": tensor '" + name + "' has absurd dimensions (element count overflows)");
        }
    }

    /** Typed-field storage (float_data, int32_data, …) converted to ONNX's raw little-endian layout. */
    private byte[] fromTypedFields(OnnxMl.TensorProto t, DataType type, long count) {
        int n = (int) count;
        switch (type) {
            case FLOAT -> {
                checkCount(t, t.getFloatDataCount(), n);
                ByteBuffer b = le(n * 4);
                t.getFloatDataList().forEach(b::putFloat);
                return b.array();
            }
            case DOUBLE -> {
                checkCount(t, t.getDoubleDataCount(), n);
                ByteBuffer b = le(n * 8);
                t.getDoubleDataList().forEach(b::putDouble);
                return b.array();
            }
            case INT64 -> {
                checkCount(t, t.getInt64DataCount(), n);
                ByteBuffer b = le(n * 8);
                t.getInt64DataList().forEach(b::putLong);
                return b.array();
            }
            case UINT64, UINT32 -> {
                checkCount(t, t.getUint64DataCount(), n);
                ByteBuffer b = le((int) type.storageBytes(n));
                for (long v : t.getUint64DataList()) {
                    if (type == DataType.UINT64) {
                        b.putLong(v);
                    } else {
                        b.putInt((int) v);
                    }
                }
                return b.array();
            }
            case INT32 -> {
                checkCount(t, t.getInt32DataCount(), n);
                ByteBuffer b = le(n * 4);
                t.getInt32DataList().forEach(b::putInt);
                return b.array();
            }
            case INT16, UINT16, FLOAT16, BFLOAT16 -> {
                checkCount(t, t.getInt32DataCount(), n);
                ByteBuffer b = le(n * 2);
                t.getInt32DataList().forEach(v -> b.putShort((short) (int) v));
                return b.array();
            }
            case INT8, UINT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> {
                checkCount(t, t.getInt32DataCount(), n);
                byte[] out = new byte[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (byte) t.getInt32Data(i);
                }
                return out;
            }
            case INT4, UINT4, FLOAT4E2M1 -> {
                // int32_data holds the packed bytes, two 4-bit values each
                int packed = (int) type.storageBytes(n);
                checkCount(t, t.getInt32DataCount(), packed);
                byte[] out = new byte[packed];
                for (int i = 0; i < packed; i++) {
                    out[i] = (byte) t.getInt32Data(i);
                }
                return out;
            }
            default -> throw new UserException(source + ": tensor '" + t.getName() + "' has element type "
                    + type + ", which vitshrink cannot read");
        }
    }

    private void checkCount(OnnxMl.TensorProto t, int have, int want) {
        if (have != want) {
            throw new UserException(source + ": tensor '" + t.getName() + "' declares " + want
                    + " elements but holds " + have);
        }
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
