package io.vitshrink.onnx.fuzz;

import ai.onnx.proto.OnnxMl;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Protobuf-level edits chosen by the fuzzer, applied to a valid seed model: the kinds of damage and
 * oddities a file from the internet can hold while still parsing as ONNX. Each edit reads its parameters
 * from the {@link FuzzedDataProvider}, so the fuzzer learns which edits and which values reach new code.
 */
final class ProtoMutator {
    /** Op types the recognizer and the cost model treat specially, plus subgraph ops. */
    private static final String[] OP_TYPES = {"MatMul", "Gemm", "Add", "Mul", "Div", "Sub", "Softmax", "Conv",
        "Transpose", "Reshape", "Gather", "Concat", "Slice", "Split", "Identity", "Cast", "Constant",
        "LayerNormalization", "ReduceMean", "Sqrt", "Pow", "Erf", "Tanh", "Sigmoid", "Gelu", "Relu", "Where",
        "Shape", "Unsqueeze", "Expand", "Tile", "DequantizeLinear", "QuantizeLinear", "MatMulNBits", "GlobalAveragePool",
        "Flatten", "Dropout", "If", "Loop", "Scan", "Attention", "Einsum", "BatchNormalization", "Unknown"};
    private static final String[] ATTRIBUTE_NAMES = {"kernel_shape", "strides", "pads", "dilations", "group", "perm",
        "transA", "transB", "alpha", "beta", "axis", "axes", "epsilon", "K", "N", "bits", "block_size", "value",
        "value_float", "value_ints", "to", "keepdims", "num_outputs", "split", "then_branch", "else_branch", "body",
        "approximate", "mode", ""};
    private static final String[] DOMAINS = {"", "ai.onnx", "com.microsoft", "ai.onnx.ml", "custom.domain"};
    /** External data locations: inside, outside, absolute, through a link, missing, odd. */
    static final String[] LOCATIONS = {"data.bin", "sub/../data.bin", "./data.bin", "../outside.bin",
        "sub/../../outside.bin", "/etc/passwd", "link.bin", "missing.bin", "", ".", "sub", "data.bin\u0000x"};
    private static final long[] DIMS = {0, 1, 2, 3, 4, 8, 16, 17, 32, -1, -7, 1L << 31, 1L << 40, Long.MAX_VALUE,
        Long.MIN_VALUE, Integer.MAX_VALUE};

    private final FuzzedDataProvider data;
    private final OnnxMl.ModelProto.Builder model;
    private final OnnxMl.GraphProto.Builder graph;
    /** Whether an edit made a tensor external, so the model must be loaded from a file to reach the checks. */
    private boolean external;

    ProtoMutator(FuzzedDataProvider data, OnnxMl.ModelProto seed) {
        this.data = data;
        this.model = seed.toBuilder();
        this.graph = model.getGraphBuilder();
    }

    boolean usesExternalData() {
        return external;
    }

    OnnxMl.ModelProto build() {
        return model.build();
    }

    /** Applies up to {@code maxEdits} edits, as many as the input asks for. */
    void mutate(int maxEdits) {
        int edits = data.consumeInt(0, maxEdits);
        for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
            edit(data.consumeInt(0, 34));
        }
    }

    private void edit(int which) {
        switch (which) {
            case 0 -> dropNode();
            case 1 -> duplicateNode();
            case 2 -> renameNode();
            case 3 -> rewireInput();
            case 4 -> removeInput();
            case 5 -> renameOutput();
            case 6 -> changeOpType();
            case 7 -> changeDomain();
            case 8 -> setAttribute();
            case 9 -> removeAttribute();
            case 10 -> tensorDims();
            case 11 -> tensorType();
            case 12 -> tensorTruncate();
            case 13 -> tensorTypedFields();
            case 14 -> tensorExternal();
            case 15 -> duplicateInitializer();
            case 16 -> renameInitializer();
            case 17 -> dropInitializer();
            case 18 -> graphOutputs();
            case 19 -> graphInputs();
            case 20 -> valueInfo();
            case 21 -> graph.clearNode();
            case 22 -> versions();
            case 23 -> deepSubgraph();
            case 24 -> constantNode();
            case 25 -> sparseInitializer();
            case 26 -> function();
            case 27 -> swapNodes();
            case 28 -> longChain();
            case 29 -> wideNode();
            case 30 -> hugeIntsAttribute();
            case 31 -> constantAttributeTensor();
            case 32 -> dropEveryNodeOfOneType();
            case 33 -> tensorReshape();
            default -> rewireToSelf();
        }
    }

    // ---- choices ----------------------------------------------------------------------------------

    private int nodeIndex() {
        return graph.getNodeCount() == 0 ? -1 : data.consumeInt(0, graph.getNodeCount() - 1);
    }

    private int initializerIndex() {
        return graph.getInitializerCount() == 0 ? -1 : data.consumeInt(0, graph.getInitializerCount() - 1);
    }

    /** Every value name in the graph. */
    private List<String> valueNames() {
        Set<String> names = new LinkedHashSet<>();
        graph.getInputList().forEach(v -> names.add(v.getName()));
        graph.getInitializerList().forEach(t -> names.add(t.getName()));
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            names.addAll(n.getOutputList());
        }
        return new ArrayList<>(names);
    }

    /** A name: an existing value, an existing node name, empty, or fuzzer-made (any characters). */
    private String name() {
        return switch (data.consumeInt(0, 4)) {
            case 0, 1 -> {
                List<String> names = valueNames();
                yield names.isEmpty() ? "" : data.pickValue(names);
            }
            case 2 -> {
                int i = nodeIndex();
                yield i < 0 ? "" : graph.getNode(i).getName();
            }
            case 3 -> "";
            default -> data.consumeString(24);
        };
    }

    private long dim() {
        return data.consumeBoolean() ? data.pickValue(DIMS) : data.consumeLong();
    }

    private long[] dims(int maxRank) {
        long[] d = new long[data.consumeInt(0, maxRank)];
        for (int i = 0; i < d.length; i++) {
            d[i] = data.consumeBoolean() ? data.consumeLong(0, 64) : dim();
        }
        return d;
    }

    private List<Long> boxed(long[] values) {
        List<Long> out = new ArrayList<>(values.length);
        for (long v : values) {
            out.add(v);
        }
        return out;
    }

    // ---- nodes ------------------------------------------------------------------------------------

    private void dropNode() {
        int i = nodeIndex();
        if (i >= 0) {
            graph.removeNode(i);
        }
    }

    private void duplicateNode() {
        int i = nodeIndex();
        if (i < 0) {
            return;
        }
        OnnxMl.NodeProto.Builder copy = graph.getNode(i).toBuilder();
        switch (data.consumeInt(0, 2)) {
            case 0 -> {
                for (int o = 0; o < copy.getOutputCount(); o++) {
                    copy.setOutput(o, copy.getOutput(o) + "_dup");
                }
            }
            case 1 -> copy.clearOutput(); // a dead copy that writes nothing
            default -> {
                // the same outputs: two producers
            }
        }
        graph.addNode(data.consumeInt(0, graph.getNodeCount()), copy);
    }

    private void renameNode() {
        int i = nodeIndex();
        if (i >= 0) {
            graph.getNodeBuilder(i).setName(name());
        }
    }

    private void rewireInput() {
        int i = nodeIndex();
        if (i < 0) {
            return;
        }
        OnnxMl.NodeProto.Builder n = graph.getNodeBuilder(i);
        int slot = data.consumeInt(0, n.getInputCount());
        String value = name();
        if (slot == n.getInputCount()) {
            n.addInput(value);
        } else {
            n.setInput(slot, value);
        }
    }

    private void removeInput() {
        int i = nodeIndex();
        if (i < 0 || graph.getNode(i).getInputCount() == 0) {
            return;
        }
        OnnxMl.NodeProto.Builder n = graph.getNodeBuilder(i);
        List<String> ins = new ArrayList<>(n.getInputList());
        ins.remove(data.consumeInt(0, ins.size() - 1));
        n.clearInput().addAllInput(ins);
    }

    private void renameOutput() {
        int i = nodeIndex();
        if (i < 0) {
            return;
        }
        OnnxMl.NodeProto.Builder n = graph.getNodeBuilder(i);
        if (data.consumeInt(0, 3) == 0) {
            n.clearOutput(); // a node that writes nothing
            return;
        }
        int slot = data.consumeInt(0, n.getOutputCount());
        String value = name();
        if (slot == n.getOutputCount()) {
            n.addOutput(value);
        } else {
            n.setOutput(slot, value);
        }
    }

    private void rewireToSelf() {
        int i = nodeIndex();
        if (i < 0 || graph.getNode(i).getOutputCount() == 0) {
            return;
        }
        OnnxMl.NodeProto.Builder n = graph.getNodeBuilder(i);
        n.addInput(n.getOutput(0));
    }

    private void changeOpType() {
        int i = nodeIndex();
        if (i >= 0) {
            graph.getNodeBuilder(i).setOpType(data.consumeBoolean() ? data.pickValue(OP_TYPES) : data.consumeString(12));
        }
    }

    private void changeDomain() {
        int i = nodeIndex();
        if (i >= 0) {
            graph.getNodeBuilder(i).setDomain(data.pickValue(DOMAINS));
        }
    }

    private void swapNodes() {
        int a = nodeIndex();
        int b = nodeIndex();
        if (a >= 0 && b >= 0) {
            OnnxMl.NodeProto na = graph.getNode(a);
            graph.setNode(a, graph.getNode(b));
            graph.setNode(b, na);
        }
    }

    private void dropEveryNodeOfOneType() {
        String op = data.pickValue(OP_TYPES);
        List<OnnxMl.NodeProto> keep = new ArrayList<>();
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            if (!n.getOpType().equals(op)) {
                keep.add(n);
            }
        }
        graph.clearNode().addAllNode(keep);
    }

    /** A long chain of pass-through nodes in front of a node's input: recursion depth and walk limits. */
    private void longChain() {
        int i = nodeIndex();
        if (i < 0 || graph.getNode(i).getInputCount() == 0) {
            return;
        }
        String op = data.pickValue(new String[] {"Identity", "Cast", "Transpose", "Reshape", "DequantizeLinear", "Dropout"});
        // Long chains (deep enough to overflow a recursive walk) are slow to analyze: keep them rare.
        int length = data.consumeInt(0, 7) > 0 ? data.consumeInt(1, 64) : data.consumeInt(1, 20_000);
        int slot = data.consumeInt(0, graph.getNode(i).getInputCount() - 1);
        boolean sameName = data.consumeBoolean(); // every node of the chain named alike
        String v = graph.getNode(i).getInput(slot);
        for (int k = 0; k < length; k++) {
            String out = "chain_" + i + "_" + k;
            graph.addNode(OnnxMl.NodeProto.newBuilder().setName(sameName ? "chain" : out).setOpType(op).addInput(v).addOutput(out));
            v = out;
        }
        graph.getNodeBuilder(i).setInput(slot, v);
    }

    /** A node reading one value many times, or many values: fan-in for the walks. */
    private void wideNode() {
        int i = nodeIndex();
        if (i < 0) {
            return;
        }
        OnnxMl.NodeProto.Builder n = graph.getNodeBuilder(i);
        int count = data.consumeInt(1, 2000);
        boolean same = data.consumeBoolean();
        List<String> names = valueNames();
        for (int k = 0; k < count && !names.isEmpty(); k++) {
            n.addInput(same ? n.getInputCount() > 0 ? n.getInput(0) : names.get(0) : names.get(k % names.size()));
        }
    }

    // ---- attributes -------------------------------------------------------------------------------

    private void setAttribute() {
        int i = nodeIndex();
        if (i < 0) {
            return;
        }
        String name = data.consumeBoolean() ? data.pickValue(ATTRIBUTE_NAMES) : data.consumeString(12);
        OnnxMl.NodeProto.Builder n = graph.getNodeBuilder(i);
        List<OnnxMl.AttributeProto> attrs = new ArrayList<>(n.getAttributeList());
        if (!data.consumeBoolean()) {
            attrs.removeIf(a -> a.getName().equals(name)); // otherwise: a second attribute of the same name
        }
        attrs.add(attribute(name, 0));
        n.clearAttribute().addAllAttribute(attrs);
    }

    private OnnxMl.AttributeProto attribute(String name, int depth) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name);
        int type = data.consumeInt(0, 14);
        OnnxMl.AttributeProto.AttributeType t = OnnxMl.AttributeProto.AttributeType.forNumber(type);
        a.setType(t == null ? OnnxMl.AttributeProto.AttributeType.UNDEFINED : t);
        // Which value field is filled need not match the declared type.
        switch (data.consumeBoolean() ? type : data.consumeInt(0, 14)) {
            case 1 -> a.setF(data.consumeFloat());
            case 2 -> a.setI(data.consumeBoolean() ? data.consumeLong(-2, 64) : data.consumeLong());
            case 3 -> a.setS(ByteString.copyFrom(data.consumeBytes(16)));
            case 4 -> a.setT(tensor(data.consumeString(8)));
            case 5 -> a.setG(subgraph(depth + 1, data.consumeInt(0, 3)));
            case 6 -> a.setSparseTensor(OnnxMl.SparseTensorProto.newBuilder().setValues(tensor("v")).addAllDims(boxed(dims(3))));
            case 7 -> a.setTp(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(data.consumeInt(0, 30))));
            case 8 -> {
                int k = data.consumeInt(0, 8);
                for (int j = 0; j < k; j++) {
                    a.addFloats(data.consumeFloat());
                }
            }
            case 9 -> a.addAllInts(boxed(dims(8)));
            case 10 -> {
                int k = data.consumeInt(0, 4);
                for (int j = 0; j < k; j++) {
                    a.addStrings(ByteString.copyFrom(data.consumeBytes(8)));
                }
            }
            case 11 -> a.addTensors(tensor(data.consumeString(8)));
            case 12 -> a.addGraphs(subgraph(depth + 1, data.consumeInt(0, 3)));
            default -> {
                // no value at all
            }
        }
        return a.build();
    }

    private void removeAttribute() {
        int i = nodeIndex();
        if (i < 0 || graph.getNode(i).getAttributeCount() == 0) {
            return;
        }
        graph.getNodeBuilder(i).removeAttribute(data.consumeInt(0, graph.getNode(i).getAttributeCount() - 1));
    }

    private void hugeIntsAttribute() {
        int i = nodeIndex();
        if (i < 0) {
            return;
        }
        int count = data.consumeInt(0, 7) > 0 ? data.consumeInt(0, 64) : data.consumeInt(0, 300_000);
        long value = dim();
        List<Long> values = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            values.add(value + k);
        }
        graph.getNodeBuilder(i).addAttribute(OnnxMl.AttributeProto.newBuilder().setName(data.pickValue(ATTRIBUTE_NAMES))
                .setType(OnnxMl.AttributeProto.AttributeType.INTS).addAllInts(values));
    }

    /** A Constant node whose value tensor the fuzzer writes, producing an existing or new value. */
    private void constantNode() {
        String out = data.consumeBoolean() ? name() : "const_" + graph.getNodeCount();
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setName("Constant_" + graph.getNodeCount())
                .setOpType("Constant").addOutput(out);
        n.addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value").setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
                .setT(tensor(out)));
        graph.addNode(data.consumeInt(0, graph.getNodeCount()), n);
    }

    private void constantAttributeTensor() {
        int i = nodeIndex();
        if (i < 0) {
            return;
        }
        OnnxMl.NodeProto.Builder n = graph.getNodeBuilder(i);
        for (OnnxMl.AttributeProto.Builder a : n.getAttributeBuilderList()) {
            if (a.hasT()) {
                a.setT(mutateTensor(a.getT().toBuilder()));
                return;
            }
        }
    }

    /** Graphs nested {@code levels} deep through If branches: the loader must not recurse without bound. */
    private OnnxMl.GraphProto subgraph(int depth, int nodes) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("sub" + depth);
        for (int k = 0; k < nodes && depth < 200; k++) {
            OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(data.pickValue(OP_TYPES))
                    .addInput(name()).addOutput("sub" + depth + "_" + k);
            if (data.consumeBoolean()) {
                n.addAttribute(attribute("then_branch", depth));
            }
            g.addNode(n);
        }
        return g.build();
    }

    private void deepSubgraph() {
        int levels = data.consumeInt(1, 120);
        OnnxMl.GraphProto body = OnnxMl.GraphProto.newBuilder().setName("leaf").build();
        for (int k = 0; k < levels; k++) {
            OnnxMl.NodeProto inner = OnnxMl.NodeProto.newBuilder().setOpType("If").addInput("cond").addOutput("o" + k)
                    .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("then_branch")
                            .setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(body))
                    .build();
            body = OnnxMl.GraphProto.newBuilder().setName("level" + k).addNode(inner).build();
        }
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setName("deep_if").setOpType("If")
                .addInput(name()).addOutput("deep_if_out")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName(data.consumeBoolean() ? "then_branch" : "body")
                        .setType(data.consumeBoolean() ? OnnxMl.AttributeProto.AttributeType.GRAPH
                                : OnnxMl.AttributeProto.AttributeType.GRAPHS)
                        .setG(body).addGraphs(body));
        graph.addNode(data.consumeInt(0, graph.getNodeCount()), n);
    }

    private void function() {
        OnnxMl.FunctionProto.Builder f = OnnxMl.FunctionProto.newBuilder().setName(data.consumeString(8))
                .setDomain(data.pickValue(DOMAINS)).addInput("x").addOutput("y");
        f.addNode(OnnxMl.NodeProto.newBuilder().setOpType(data.pickValue(OP_TYPES)).addInput("x").addOutput("y"));
        model.addFunctions(f);
    }

    // ---- tensors ----------------------------------------------------------------------------------

    /** A small tensor whose type, dims and data the fuzzer writes (they need not agree). */
    private OnnxMl.TensorProto tensor(String name) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(data.consumeInt(0, 25)).addAllDims(boxed(dims(4)));
        switch (data.consumeInt(0, 5)) {
            case 0 -> t.setRawData(ByteString.copyFrom(data.consumeBytes(64)));
            case 1 -> {
                int k = data.consumeInt(0, 16);
                for (int j = 0; j < k; j++) {
                    t.addFloatData(data.consumeFloat());
                }
            }
            case 2 -> {
                int k = data.consumeInt(0, 16);
                for (int j = 0; j < k; j++) {
                    t.addInt32Data(data.consumeInt());
                }
            }
            case 3 -> {
                int k = data.consumeInt(0, 16);
                for (int j = 0; j < k; j++) {
                    t.addInt64Data(data.consumeLong());
                }
            }
            case 4 -> {
                int k = data.consumeInt(0, 4);
                for (int j = 0; j < k; j++) {
                    t.addStringData(ByteString.copyFrom(data.consumeBytes(8)));
                }
            }
            default -> {
                int k = data.consumeInt(0, 8);
                for (int j = 0; j < k; j++) {
                    t.addDoubleData(data.consumeDouble());
                    t.addUint64Data(data.consumeLong());
                }
            }
        }
        return t.build();
    }

    private OnnxMl.TensorProto mutateTensor(OnnxMl.TensorProto.Builder t) {
        switch (data.consumeInt(0, 3)) {
            case 0 -> t.clearDims().addAllDims(boxed(dims(5)));
            case 1 -> t.setDataType(data.consumeInt(0, 30));
            case 2 -> {
                ByteString raw = t.getRawData();
                t.setRawData(raw.substring(0, data.consumeInt(0, raw.size())));
            }
            default -> t.clearRawData();
        }
        return t.build();
    }

    private void tensorDims() {
        int i = initializerIndex();
        if (i < 0) {
            return;
        }
        OnnxMl.TensorProto.Builder t = graph.getInitializerBuilder(i);
        if (data.consumeBoolean() && t.getDimsCount() > 0) {
            t.setDims(data.consumeInt(0, t.getDimsCount() - 1), dim());
        } else {
            t.clearDims().addAllDims(boxed(dims(6)));
        }
    }

    /** The same elements in another shape: flattened, split, or with size-1 axes added or dropped. */
    private void tensorReshape() {
        int i = initializerIndex();
        if (i < 0) {
            return;
        }
        OnnxMl.TensorProto.Builder t = graph.getInitializerBuilder(i);
        long numel = 1;
        for (long d : t.getDimsList()) {
            numel *= d;
        }
        List<Long> dims = new ArrayList<>();
        switch (data.consumeInt(0, 3)) {
            case 0 -> dims.add(numel);
            case 1 -> {
                long a = data.consumeLong(1, 64);
                if (numel % a == 0) {
                    dims.add(a);
                    dims.add(numel / a);
                } else {
                    dims.add(numel);
                }
            }
            case 2 -> {
                dims.addAll(t.getDimsList());
                dims.add(data.consumeInt(0, dims.size()), 1L);
            }
            default -> {
                // rank 0 when it holds one element, otherwise the dims without their size-1 axes
                for (long d : t.getDimsList()) {
                    if (d != 1) {
                        dims.add(d);
                    }
                }
            }
        }
        t.clearDims().addAllDims(dims);
    }

    /** Another element type: string, bool, float16, int4, undefined, unknown codes, … */
    private void tensorType() {
        int i = initializerIndex();
        if (i >= 0) {
            graph.getInitializerBuilder(i).setDataType(data.consumeBoolean() ? data.consumeInt(0, 25) : data.consumeInt());
        }
    }

    private void tensorTruncate() {
        int i = initializerIndex();
        if (i < 0) {
            return;
        }
        OnnxMl.TensorProto.Builder t = graph.getInitializerBuilder(i);
        ByteString raw = t.getRawData();
        if (data.consumeBoolean()) {
            t.setRawData(raw.substring(0, data.consumeInt(0, raw.size())));
        } else {
            t.setRawData(raw.concat(ByteString.copyFrom(data.consumeBytes(16))));
        }
    }

    /** Moves data to (or adds) typed fields whose count may not match the dims. */
    private void tensorTypedFields() {
        int i = initializerIndex();
        if (i < 0) {
            return;
        }
        OnnxMl.TensorProto.Builder t = graph.getInitializerBuilder(i);
        long count = 1;
        for (long d : t.getDimsList()) {
            count = d <= 0 || count * d > 4096 ? 0 : count * d;
        }
        int n = (int) count + data.consumeInt(-2, 2);
        if (data.consumeBoolean()) {
            t.clearRawData();
        }
        for (int k = 0; k < n; k++) {
            switch (data.consumeInt(0, 4)) {
                case 0 -> t.addFloatData(k);
                case 1 -> t.addInt32Data(k);
                case 2 -> t.addInt64Data(k);
                case 3 -> t.addDoubleData(k);
                default -> t.addUint64Data(k);
            }
        }
    }

    /** Points a tensor at external data: inside the model's folder, outside it, absolute, through a link. */
    private void tensorExternal() {
        int i = initializerIndex();
        if (i < 0) {
            return;
        }
        external = true;
        OnnxMl.TensorProto.Builder t = graph.getInitializerBuilder(i);
        long size = t.getRawData().size();
        if (data.consumeBoolean()) {
            t.clearRawData();
        }
        t.setDataLocation(data.consumeInt(0, 5) == 0 ? OnnxMl.TensorProto.DataLocation.DEFAULT
                : OnnxMl.TensorProto.DataLocation.EXTERNAL);
        String location = data.consumeBoolean() ? data.pickValue(LOCATIONS) : data.consumeString(20);
        t.addExternalData(entry("location", location));
        if (data.consumeBoolean()) {
            t.addExternalData(entry("offset", offsetOrLength(size)));
        }
        if (data.consumeBoolean()) {
            t.addExternalData(entry("length", offsetOrLength(size)));
        }
    }

    private String offsetOrLength(long size) {
        return switch (data.consumeInt(0, 5)) {
            case 0 -> Long.toString(size);
            case 1 -> "0";
            case 2 -> Long.toString(data.consumeLong(0, 8192));
            case 3 -> Long.toString(data.consumeLong());
            case 4 -> data.consumeString(6);
            default -> " " + size + " ";
        };
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private void duplicateInitializer() {
        int i = initializerIndex();
        if (i < 0) {
            return;
        }
        OnnxMl.TensorProto.Builder copy = graph.getInitializer(i).toBuilder();
        if (data.consumeBoolean()) {
            copy.clearDims().addAllDims(boxed(dims(3))).setRawData(ByteString.copyFrom(data.consumeBytes(32)));
        }
        graph.addInitializer(copy);
    }

    private void renameInitializer() {
        int i = initializerIndex();
        if (i >= 0) {
            graph.getInitializerBuilder(i).setName(name());
        }
    }

    private void dropInitializer() {
        int i = initializerIndex();
        if (i >= 0) {
            graph.removeInitializer(i);
        }
    }

    private void sparseInitializer() {
        graph.addSparseInitializer(OnnxMl.SparseTensorProto.newBuilder().setValues(tensor(name())).addAllDims(boxed(dims(2))));
    }

    // ---- graph interface and versions -------------------------------------------------------------

    private OnnxMl.ValueInfoProto valueInfo(String name) {
        OnnxMl.TypeProto.Tensor.Builder tt = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(data.consumeInt(0, 25));
        if (data.consumeInt(0, 4) > 0) {
            OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
            int rank = data.consumeInt(0, 6);
            for (int k = 0; k < rank; k++) {
                OnnxMl.TensorShapeProto.Dimension.Builder d = OnnxMl.TensorShapeProto.Dimension.newBuilder();
                switch (data.consumeInt(0, 3)) {
                    case 0 -> d.setDimValue(dim());
                    case 1 -> d.setDimValue(data.consumeLong(0, 64));
                    case 2 -> d.setDimParam(data.consumeString(6));
                    default -> {
                        // unknown
                    }
                }
                shape.addDim(d);
            }
            tt.setShape(shape);
        }
        OnnxMl.TypeProto.Builder type = OnnxMl.TypeProto.newBuilder();
        if (data.consumeInt(0, 5) > 0) {
            type.setTensorType(tt);
        } else {
            type.setSequenceType(OnnxMl.TypeProto.Sequence.newBuilder());
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    private void graphOutputs() {
        switch (data.consumeInt(0, 3)) {
            case 0 -> graph.clearOutput();
            case 1 -> graph.addOutput(valueInfo(name()));
            case 2 -> {
                if (graph.getOutputCount() > 0) {
                    graph.setOutput(data.consumeInt(0, graph.getOutputCount() - 1), valueInfo(name()));
                }
            }
            default -> {
                if (graph.getOutputCount() > 0) {
                    graph.addOutput(graph.getOutput(0));
                }
            }
        }
    }

    private void graphInputs() {
        switch (data.consumeInt(0, 3)) {
            case 0 -> graph.clearInput();
            case 1 -> graph.addInput(valueInfo(name()));
            case 2 -> {
                if (graph.getInputCount() > 0) {
                    graph.setInput(data.consumeInt(0, graph.getInputCount() - 1), valueInfo(name()));
                }
            }
            default -> {
                if (graph.getInputCount() > 0) {
                    graph.addInput(graph.getInput(0));
                }
            }
        }
    }

    private void valueInfo() {
        graph.addValueInfo(valueInfo(name()));
    }

    private void versions() {
        switch (data.consumeInt(0, 4)) {
            case 0 -> model.setIrVersion(data.consumeBoolean() ? data.consumeLong(-1, 14) : data.consumeLong());
            case 1 -> model.clearOpsetImport();
            case 2 -> model.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(data.pickValue(DOMAINS))
                    .setVersion(data.consumeBoolean() ? data.consumeLong(0, 30) : data.consumeLong()));
            case 3 -> {
                if (model.getOpsetImportCount() > 0) {
                    model.setOpsetImport(0, model.getOpsetImport(0).toBuilder().setVersion(data.consumeLong(-1, 30)));
                }
            }
            default -> model.addMetadataProps(entry(data.consumeString(8), data.consumeString(8)));
        }
    }
}
