package io.vitshrink.quant.nonuniform;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link NonUniformQuantizer} as plain float ONNX ops on the edges from an activation to the
 * given consumers (nodes {@code <tensor>/fake_quant/<Op>}, output {@code <tensor>/fake_quantized}, constants
 * {@code <tensor>/<what>}), like {@code SimulatedRewriter} does for uniform grids. ONNX Runtime's output
 * equals {@link NonUniformQuantizer#fakeQuantize} bit for bit at any batch size. Needs opset 11.
 *
 * <p><b>Log quantizers</b> (log2, log√2, AdaLog). ORT's {@code Log} is not correctly rounded, so the code
 * is not taken from it directly: {@code Log} only gives an estimate within ±1, which two exact threshold
 * comparisons correct ({@link LogThresholds}):
 *
 * <pre>
 * u   = [Add(x, shift)] → [Div(·, scale)]                       (skipped for shift 0 / scale 1)
 * u⁺  = Where(Greater(u, 0), u, 0)                              (≤ 0 and NaN → 0 → zero code)
 * r   = Clip(Round(Add(Mul(Log(Mul(u⁺, 2^64)), c), d)), 0, L)   estimate of round(-log_base u⁺);
 *                                                               2^64 keeps subnormals out of Log,
 *                                                               c = -1/(ln2·log2 base), d = 64/log2 base
 * i   = Cast(r, int64)
 * up  = Cast(Less(u⁺, Gather(bound_next, i)), float)           1 when the code is above r
 * dn  = Cast(Not(Less(u⁺, Gather(bound, i))), float)           1 when the code is below r
 * out = Gather(table, Cast(Clip(r + up - dn, 0, L), int64))     the level table is the dequantization
 * </pre>
 *
 * <p><b>Twin uniform</b>: two grids {@code Div(Δ) → Round → Add(c) → Clip(lo+c, hi+c) → Sub(c) → Mul(Δ)}
 * chosen by {@code Where(Less(x, split), grid1, grid2)}. The integer grid is offset by a non-zero
 * {@code c} so that ONNX Runtime cannot drop the Add/Sub pair and leak Round's -0.0 (the reference's
 * integer level gives +0.0), the trick {@code SimulatedRewriter} uses.
 *
 * <p><b>Uniform</b>: the same single grid with the zero point, {@code Div → Round → Add(zp + c) → Clip → Sub →
 * Mul}.
 *
 * <p>Equality is tested for finite values, ±∞, subnormals and ±0. NaN inputs: the log forms give the zero
 * code like the reference; the grid forms propagate NaN where the reference gives 0.
 */
public final class NonUniformRewriter {

    /** Round and Clip with min/max inputs. */
    public static final long MIN_OPSET = 11;
    /** The power of two the log estimate multiplies by before {@code Log}. */
    static final int LOG_PRESCALE_EXPONENT = 64;

    private NonUniformRewriter() {
    }

    /**
     * A copy of {@code model} with every entry's quantizer inserted (the input is not changed).
     *
     * @throws UserException when a tensor or consumer is not in the model, or the opset is too old
     */
    public static Model rewrite(Model model, List<NonUniformQuantization> entries) {
        if (model.opset() < MIN_OPSET) {
            throw new UserException("non-uniform quantization needs opset " + MIN_OPSET + " or newer (Round, Clip with"
                    + " inputs); the model is at opset " + model.opset() + ": re-export it at opset 13 or newer");
        }
        Model m = model.copy();
        Graph g = m.graph();
        List<List<Node>> resolved = new ArrayList<>();
        for (NonUniformQuantization e : entries) {
            resolved.add(resolve(g, e.tensor(), e.consumers()));
        }
        for (int i = 0; i < entries.size(); i++) {
            NonUniformQuantization e = entries.get(i);
            write(g, e.tensor(), resolved.get(i), e.quantizer());
        }
        g.sortTopologically();
        return m;
    }

    /**
     * Inserts {@code q} on the edges {@code tensor → consumers} of {@code g}, in place (call it on a
     * {@code Model.copy()}); an empty {@code consumers} list means every reader. Other readers, and a
     * graph output of the same name, keep the float value.
     *
     * @return the name of the value the consumers now read
     */
    public static String insert(Graph g, String tensor, List<Node> consumers, NonUniformQuantizer q) {
        List<Node> nodes = consumers.isEmpty() ? resolve(g, tensor, List.of()) : checked(g, tensor, consumers);
        String out = write(g, tensor, nodes, q);
        g.sortTopologically();
        return out;
    }

    private static List<Node> checked(Graph g, String tensor, List<Node> consumers) {
        if (!g.valueNames().contains(tensor)) {
            throw new UserException("cannot quantize '" + tensor + "': the model has no such value");
        }
        for (Node n : consumers) {
            if (g.node(n.name()).orElse(null) != n) {
                throw new IllegalArgumentException("node '" + n.name() + "' is not a node of this graph (pass the copy's nodes)");
            }
            if (!n.inputs().contains(tensor)) {
                throw new UserException("node '" + n.name() + "' does not read '" + tensor + "' (it reads " + n.inputs() + ")");
            }
        }
        return List.copyOf(consumers);
    }

    private static List<Node> resolve(Graph g, String tensor, List<String> consumerNames) {
        if (!g.valueNames().contains(tensor)) {
            throw new UserException("the plan quantizes '" + tensor + "', which the model does not have; was the plan made"
                    + " for another model?");
        }
        List<Node> nodes = new ArrayList<>();
        if (consumerNames.isEmpty()) {
            nodes.addAll(g.consumers(tensor));
            if (nodes.isEmpty()) {
                throw new UserException("no node reads '" + tensor + "', so there is nothing to quantize");
            }
            return nodes;
        }
        for (String name : consumerNames) {
            Node n = g.node(name).orElseThrow(() -> new UserException("the plan routes '" + tensor + "' through node '"
                    + name + "', which the model does not have"));
            if (!n.inputs().contains(tensor)) {
                throw new UserException("the plan routes '" + tensor + "' through node '" + name
                        + "', but that node does not read it (it reads " + n.inputs() + ")");
            }
            if (!nodes.contains(n)) {
                nodes.add(n);
            }
        }
        return nodes;
    }

    private static String write(Graph g, String tensor, List<Node> consumers, NonUniformQuantizer q) {
        Chain c = new Chain(g, tensor);
        String out;
        if (q instanceof LogQuantizer log) {
            out = log(c, log);
        } else if (q instanceof TwinUniformQuantizer twin) {
            out = twin(c, twin);
        } else if (q instanceof UniformActivationQuantizer uniform) {
            out = uniform(c, uniform);
        } else {
            throw new IllegalArgumentException("no ONNX form for quantizer " + q.getClass().getName());
        }
        for (Node n : consumers) {
            List<String> ins = n.inputs();
            for (int i = 0; i < ins.size(); i++) {
                if (ins.get(i).equals(tensor)) {
                    g.setNodeInput(n, i, out);
                }
            }
        }
        return out;
    }

    private static String log(Chain c, LogQuantizer q) {
        int zero = q.zeroCode();
        long[] base = q.log2Base();
        double log2Base = (double) base[0] / base[1];
        String u = c.base;
        if (q.shift() != 0) {
            u = c.op("Add", "shifted", u, c.scalar("shift", q.shift()));
        }
        if (q.scale() != 1) {
            u = c.op("Div", "scaled", u, c.scalar("scale", q.scale()));
        }
        String zeroF = c.scalar("zero", 0f);
        String positive = c.op("Greater", "positive", u, zeroF);
        String safe = c.op("Where", "positive_input", positive, u, zeroF);
        String pre = c.op("Mul", "prescaled", safe, c.scalar("log_prescale", Math.scalb(1f, LOG_PRESCALE_EXPONENT)));
        String ln = c.op("Log", "log", pre);
        String slope = c.scalar("log_slope", (float) (-1 / (Math.log(2) * log2Base)));
        String offset = c.scalar("log_offset", (float) (LOG_PRESCALE_EXPONENT / log2Base));
        String est = c.op("Add", "code_estimate", c.op("Mul", "neg_log_base", ln, slope), offset);
        String lo = c.scalar("code_min", 0f);
        String hi = c.scalar("code_max", zero);
        String r = c.op("Clip", "code_rounded", c.op("Round", "code_round", est), lo, hi);
        String index = c.op("Cast", "code_index", List.of(r), Attribute.of("to", DataType.INT64.code()));
        float[] b = q.bounds();
        float[] next = new float[zero + 1];
        float[] here = new float[zero + 1];
        for (int i = 0; i <= zero; i++) {
            here[i] = b[i];
            next[i] = b[i + 1];
        }
        String nextBounds = c.vector("bound_next", next);
        String bounds = c.vector("bound", here);
        String up = c.op("Less", "below_next", safe, c.op("Gather", "next_bound", nextBounds, index));
        String upF = c.op("Cast", "step_up", List.of(up), Attribute.of("to", DataType.FLOAT.code()));
        String below = c.op("Less", "below_bound", safe, c.op("Gather", "this_bound", bounds, index));
        String notBelow = c.op("Not", "at_or_above_bound", below);
        String downF = c.op("Cast", "step_down", List.of(notBelow), Attribute.of("to", DataType.FLOAT.code()));
        String corrected = c.op("Sub", "code_corrected", c.op("Add", "code_stepped", r, upF), downF);
        String code = c.op("Clip", "code_clipped", corrected, lo, hi);
        String codeIndex = c.op("Cast", "code", List.of(code), Attribute.of("to", DataType.INT64.code()));
        String table = c.vector("level_table", q.table());
        return c.last("Gather", List.of(table, codeIndex));
    }

    private static String twin(Chain c, TwinUniformQuantizer q) {
        String first = grid(c, "r1_", q.delta1(), q.bounds(0));
        String second = grid(c, "r2_", q.delta2(), q.bounds(1));
        String cond = c.op("Less", "in_r1", c.base, c.scalar("split", q.split()));
        return c.last("Where", List.of(cond, first, second));
    }

    private static String uniform(Chain c, UniformActivationQuantizer q) {
        int zp = q.zeroPoint();
        int qmin = q.params().spec().qmin();
        int qmax = q.params().spec().qmax();
        int offset = zp != 0 ? 0 : qmin < 0 ? -qmin : 1 << q.bits();
        String s = c.scalar("scale", q.scale());
        String z = c.scalar(offset == 0 ? "zero_point" : "shifted_zero_point", zp + offset);
        String scaled = c.op("Div", "scaled", c.base, s);
        String rounded = c.op("Round", "rounded", scaled);
        String shifted = c.op("Add", "shifted", rounded, z);
        String clipped = c.op("Clip", "clipped", shifted, c.scalar("qmin", qmin + offset), c.scalar("qmax", qmax + offset));
        String centered = c.op("Sub", "centered", clipped, z);
        return c.last("Mul", List.of(centered, s));
    }

    /** {@code clamp(rint(x/Δ), lo, hi)·Δ} with the integer grid offset by {@code hi - lo + 1}. */
    private static String grid(Chain c, String tag, float delta, int[] range) {
        int offset = range[1] - range[0] + 1;
        String d = c.scalar(tag + "delta", delta);
        String off = c.scalar(tag + "grid_offset", offset);
        String rounded = c.op("Round", tag + "rounded", c.op("Div", tag + "scaled", c.base, d));
        String shifted = c.op("Add", tag + "shifted", rounded, off);
        String clipped = c.op("Clip", tag + "clipped", shifted, c.scalar(tag + "qmin", range[0] + offset),
                c.scalar(tag + "qmax", range[1] + offset));
        String level = c.op("Sub", tag + "level", clipped, off);
        return c.op("Mul", tag + "dequantized", level, d);
    }

    /** Appends nodes in order after the tensor's producer; names are made unique. */
    private static final class Chain {
        final Graph g;
        final String base;
        final String prefix;
        Node last;

        Chain(Graph g, String base) {
            this.g = g;
            this.base = base;
            this.prefix = base + "/fake_quant/";
            this.last = g.producer(base).orElse(null);
        }

        String scalar(String what, float value) {
            String name = g.uniqueName(base + "/" + what);
            g.putInitializer(Tensor.scalar(name, value));
            return name;
        }

        String vector(String what, float[] values) {
            String name = g.uniqueName(base + "/" + what);
            g.putInitializer(Tensor.ofFloats(name, new long[] {values.length}, values));
            return name;
        }

        String op(String op, String output, String... inputs) {
            return op(op, output, List.of(inputs));
        }

        String op(String op, String output, List<String> inputs, Attribute... attributes) {
            String out = g.uniqueName(prefix + output);
            add(new Node(g.uniqueName(prefix + op), op, inputs, List.of(out), attributes));
            return out;
        }

        /** The final node, writing {@code <tensor>/fake_quantized}. */
        String last(String op, List<String> inputs) {
            String out = g.uniqueName(base + "/fake_quantized");
            add(new Node(g.uniqueName(prefix + op), op, inputs, List.of(out)));
            return out;
        }

        private void add(Node n) {
            if (last == null) {
                g.addNode(n);
            } else {
                g.addNodeAfter(last, n);
            }
            last = n;
        }
    }
}
