package io.vitshrink.onnx.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The editable graph of a model: nodes, declared inputs/outputs/value infos and initializers, with a
 * producer/consumer index kept current by the edit methods. Node order is free while editing;
 * {@link #topologicalOrder()} gives an order ONNX accepts and {@link io.vitshrink.onnx.io.ModelIO}
 * saves in it.
 */
public final class Graph {
    private String name;
    private final List<Node> nodes = new ArrayList<>();
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Map<String, ValueInfo> valueInfos = new LinkedHashMap<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private String docString = "";

    private Map<String, Node> producerIndex;
    private Map<String, List<Node>> consumerIndex;
    private Map<String, Node> nameIndex;

    public Graph(String name) {
        this.name = name == null ? "" : name;
    }

    // ---- reading -------------------------------------------------------------------------------

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String docString() {
        return docString;
    }

    public void setDocString(String docString) {
        this.docString = docString == null ? "" : docString;
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    public List<ValueInfo> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    /** Graph inputs that are not initializers: what a caller must feed. */
    public List<ValueInfo> feedInputs() {
        return inputs.stream().filter(v -> !initializers.containsKey(v.name())).toList();
    }

    public List<ValueInfo> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    public Map<String, ValueInfo> valueInfos() {
        return Collections.unmodifiableMap(valueInfos);
    }

    public Map<String, Tensor> initializers() {
        return Collections.unmodifiableMap(initializers);
    }

    public Optional<Tensor> initializer(String valueName) {
        return Optional.ofNullable(initializers.get(valueName));
    }

    public boolean isInitializer(String valueName) {
        return initializers.containsKey(valueName);
    }

    public Optional<Node> node(String nodeName) {
        if (nameIndex == null) {
            Map<String, Node> map = new HashMap<>();
            for (Node n : nodes) {
                map.putIfAbsent(n.name(), n);
            }
            nameIndex = map;
        }
        return Optional.ofNullable(nameIndex.get(nodeName));
    }

    /** The node producing a value, if any (graph inputs and initializers have none). */
    public Optional<Node> producer(String valueName) {
        return Optional.ofNullable(producers().get(valueName));
    }

    /** The nodes reading a value, in graph order. */
    public List<Node> consumers(String valueName) {
        List<Node> list = consumerIndex().get(valueName);
        return list == null ? List.of() : Collections.unmodifiableList(list);
    }

    public boolean isGraphOutput(String valueName) {
        return outputs.stream().anyMatch(v -> v.name().equals(valueName));
    }

    /**
     * A constant value's tensor: an initializer, or the output of a {@code Constant} node with a
     * tensor {@code value} attribute. Empty for anything computed at run time.
     */
    public Optional<Tensor> constant(String valueName) {
        Tensor t = initializers.get(valueName);
        if (t != null) {
            return Optional.of(t);
        }
        Node p = producers().get(valueName);
        if (p != null && p.is("Constant")) {
            return p.attribute("value").filter(a -> a.kind() == Attribute.Kind.TENSOR).map(Attribute::asTensor);
        }
        return Optional.empty();
    }

    /** Every value name: graph inputs, initializers and node outputs. */
    public Set<String> valueNames() {
        Set<String> names = new HashSet<>();
        inputs.forEach(v -> names.add(v.name()));
        names.addAll(initializers.keySet());
        for (Node n : nodes) {
            n.outputs().stream().filter(s -> !s.isEmpty()).forEach(names::add);
        }
        return names;
    }

    /**
     * Nodes in an order where every node comes after the producers of its inputs (Kahn's algorithm,
     * stable with respect to the current order).
     *
     * @throws IllegalStateException when the graph has a cycle
     */
    public List<Node> topologicalOrder() {
        Map<Node, Integer> pending = new HashMap<>();
        Map<String, Node> prod = producers();
        Map<Node, List<Node>> dependents = new HashMap<>();
        for (Node n : nodes) {
            Set<Node> deps = new HashSet<>();
            for (String in : n.inputs()) {
                Node p = prod.get(in);
                if (p != null && p != n) {
                    deps.add(p);
                } else if (p == n) {
                    throw new IllegalStateException("node '" + n.name() + "' reads its own output '" + in + "'");
                }
            }
            pending.put(n, deps.size());
            for (Node d : deps) {
                dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(n);
            }
        }
        // Among the nodes that are ready, the one listed first goes first: a sorted list stays as it is.
        Map<Node, Integer> position = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            position.put(nodes.get(i), i);
        }
        PriorityQueue<Node> ready = new PriorityQueue<>(Comparator.comparingInt(position::get));
        for (Node n : nodes) {
            if (pending.get(n) == 0) {
                ready.add(n);
            }
        }
        List<Node> order = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            order.add(n);
            for (Node d : dependents.getOrDefault(n, List.of())) {
                if (pending.merge(d, -1, Integer::sum) == 0) {
                    ready.add(d);
                }
            }
        }
        if (order.size() != nodes.size()) {
            Node stuck = nodes.stream().filter(n -> pending.get(n) > 0).findFirst().orElseThrow();
            throw new IllegalStateException("the graph has a cycle through node '" + stuck.name() + "'");
        }
        return order;
    }

    /** Whether the nodes are already in topological order. */
    public boolean isTopologicallySorted() {
        Set<String> available = new HashSet<>();
        inputs.forEach(v -> available.add(v.name()));
        available.addAll(initializers.keySet());
        available.add("");
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                if (!available.contains(in)) {
                    return false;
                }
            }
            available.addAll(n.outputs());
        }
        return true;
    }

    /** A value or node name not used yet, derived from {@code base}. */
    public String uniqueName(String base) {
        Set<String> taken = valueNames();
        nodes.forEach(n -> taken.add(n.name()));
        if (!taken.contains(base)) {
            return base;
        }
        for (int i = 1; ; i++) {
            String candidate = base + "_" + i;
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    // ---- editing -------------------------------------------------------------------------------

    public void addInput(ValueInfo info) {
        inputs.add(info);
    }

    public void addOutput(ValueInfo info) {
        if (!isGraphOutput(info.name())) {
            outputs.add(info);
        }
    }

    public void removeOutput(String valueName) {
        outputs.removeIf(v -> v.name().equals(valueName));
    }

    public void clearOutputs() {
        outputs.clear();
    }

    public void putValueInfo(ValueInfo info) {
        valueInfos.put(info.name(), info);
    }

    public void removeValueInfo(String valueName) {
        valueInfos.remove(valueName);
    }

    /** Adds or replaces an initializer; the tensor's name is the value name. */
    public void putInitializer(Tensor tensor) {
        initializers.put(tensor.name(), tensor);
    }

    /**
     * Replaces an existing initializer's data, keeping its name.
     *
     * @throws IllegalArgumentException when there is no such initializer
     */
    public void replaceInitializer(String valueName, Tensor tensor) {
        if (!initializers.containsKey(valueName)) {
            throw new IllegalArgumentException("no initializer named '" + valueName + "'");
        }
        initializers.put(valueName, tensor.withName(valueName));
    }

    public void removeInitializer(String valueName) {
        initializers.remove(valueName);
        inputs.removeIf(v -> v.name().equals(valueName));
    }

    public void addNode(Node node) {
        nodes.add(node);
        invalidate();
    }

    /** Adds a node right after another one in the node list (keeps a readable order). */
    public void addNodeAfter(Node anchor, Node node) {
        int i = nodes.indexOf(anchor);
        nodes.add(i < 0 ? nodes.size() : i + 1, node);
        invalidate();
    }

    public void removeNode(Node node) {
        nodes.remove(node);
        invalidate();
    }

    /** Rewires input {@code index} of {@code node} to read {@code valueName}. */
    public void setNodeInput(Node node, int index, String valueName) {
        List<String> ins = node.mutableInputs();
        while (ins.size() <= index) {
            ins.add("");
        }
        ins.set(index, valueName);
        invalidate();
    }

    public void setNodeOutput(Node node, int index, String valueName) {
        node.mutableOutputs().set(index, valueName);
        invalidate();
    }

    public void renameNode(Node node, String newName) {
        node.setName(newName);
        invalidate();
    }

    /** Makes every consumer of {@code oldValue} (and the graph outputs) read {@code newValue}. */
    public void replaceAllUses(String oldValue, String newValue) {
        for (Node n : nodes) {
            List<String> ins = n.mutableInputs();
            for (int i = 0; i < ins.size(); i++) {
                if (ins.get(i).equals(oldValue)) {
                    ins.set(i, newValue);
                }
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            ValueInfo v = outputs.get(i);
            if (v.name().equals(oldValue)) {
                outputs.set(i, new ValueInfo(newValue, v.type(), v.shape()));
            }
        }
        invalidate();
    }

    /**
     * Inserts a single-input, single-output node on the edge {@code value → consumer}: the consumer's
     * reads of {@code value} are redirected to the node's output. With {@code consumer == null} the node
     * goes before every consumer of {@code value}. The node must read {@code value} as its first input
     * and write a fresh value.
     *
     * <p>When {@code value} is a graph output (and {@code consumer == null}), the model's interface
     * keeps its output name: the producer's output is renamed to a fresh {@code <value>_pre}, which
     * the inserted node reads, and the inserted node writes {@code value} itself. Read
     * {@code inserted.output(0)} after the call for the name that carries the new value.
     */
    public void insertOnEdge(String value, Node consumer, Node inserted) {
        Node anchor = producer(value).orElse(null);
        if (consumer == null && isGraphOutput(value) && anchor != null) {
            String renamed = uniqueName(value + "_pre");
            anchor.mutableOutputs().replaceAll(o -> o.equals(value) ? renamed : o);
            inserted.mutableInputs().replaceAll(in -> in.equals(value) ? renamed : in);
            inserted.mutableOutputs().set(0, value);
            valueInfos.remove(value);
            addNodeAfter(anchor, inserted);
            return;
        }
        String out = inserted.output(0);
        if (consumer == null) {
            for (Node r : new ArrayList<>(consumers(value))) {
                redirect(r, value, out);
            }
        } else {
            redirect(consumer, value, out);
        }
        if (anchor != null) {
            addNodeAfter(anchor, inserted);
        } else {
            nodes.add(0, inserted);
            invalidate();
        }
    }

    private void redirect(Node node, String from, String to) {
        List<String> ins = node.mutableInputs();
        for (int i = 0; i < ins.size(); i++) {
            if (ins.get(i).equals(from)) {
                ins.set(i, to);
            }
        }
        invalidate();
    }

    /**
     * Removes nodes whose outputs reach no graph output, then initializers, value infos and
     * initializer-backed inputs nothing reads any more.
     *
     * @return how many nodes were removed
     */
    public int removeDeadNodes() {
        Set<String> live = new HashSet<>();
        outputs.forEach(v -> live.add(v.name()));
        List<Node> order = topologicalOrder();
        Set<Node> keep = new HashSet<>();
        for (int i = order.size() - 1; i >= 0; i--) {
            Node n = order.get(i);
            if (n.outputs().stream().anyMatch(live::contains)) {
                keep.add(n);
                live.addAll(n.inputs());
            }
        }
        int before = nodes.size();
        nodes.removeIf(n -> !keep.contains(n));
        Set<String> deadInitializers = new HashSet<>(initializers.keySet());
        deadInitializers.removeIf(live::contains);
        initializers.keySet().removeAll(deadInitializers);
        // Feed inputs are the model's interface and stay even when unused; initializer-backed ones go.
        inputs.removeIf(v -> deadInitializers.contains(v.name()));
        valueInfos.keySet().removeIf(k -> !live.contains(k));
        invalidate();
        return before - nodes.size();
    }

    /** A deep copy of the structure; tensors are immutable and shared. */
    public Graph copy() {
        Graph g = new Graph(name);
        g.docString = docString;
        for (Node n : nodes) {
            Node c = new Node(n.name(), n.opType(), n.domain(), n.inputs(), n.outputs(), n.attributes());
            c.setDocString(n.docString());
            g.nodes.add(c);
        }
        g.inputs.addAll(inputs);
        g.outputs.addAll(outputs);
        g.valueInfos.putAll(valueInfos);
        g.initializers.putAll(initializers);
        return g;
    }

    /** Puts the node list in topological order (stable). */
    public void sortTopologically() {
        List<Node> order = topologicalOrder();
        nodes.clear();
        nodes.addAll(order);
        invalidate();
    }

    // ---- index ---------------------------------------------------------------------------------

    private void invalidate() {
        producerIndex = null;
        consumerIndex = null;
        nameIndex = null;
    }

    private Map<String, Node> producers() {
        if (producerIndex == null) {
            Map<String, Node> map = new HashMap<>();
            for (Node n : nodes) {
                for (String out : n.outputs()) {
                    if (!out.isEmpty()) {
                        map.put(out, n);
                    }
                }
            }
            producerIndex = map;
        }
        return producerIndex;
    }

    private Map<String, List<Node>> consumerIndex() {
        if (consumerIndex == null) {
            Map<String, List<Node>> map = new HashMap<>();
            for (Node n : nodes) {
                for (String in : new HashSet<>(n.inputs())) {
                    if (!in.isEmpty()) {
                        map.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                    }
                }
            }
            consumerIndex = map;
        }
        return consumerIndex;
    }
}
