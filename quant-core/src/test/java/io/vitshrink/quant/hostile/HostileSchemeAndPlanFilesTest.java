package io.vitshrink.quant.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.plan.PlanJson;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;
import io.vitshrink.quant.reparam.Reparameterization;
import io.vitshrink.quant.scheme.QuantScheme;
import io.vitshrink.quant.scheme.SchemeReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scheme and plan files with unknown keys, wrong types (including numbers that overflow an int and
 * text where numbers belong) and out-of-range values: one line naming the file and the field, never a
 * silently coerced value and never an internal error.
 */
class HostileSchemeAndPlanFilesTest {
    @TempDir
    static Path dir;

    static Stream<Arguments> badSchemes() {
        String keys = "(allowed: a_bits, base, edge_bits, exclude, granularity, group_size, name, w_bits)";
        return Stream.of(
                Arguments.of("w_bit: 4", "unknown key 'w_bit' " + keys),
                Arguments.of("w_bits: four", "'w_bits' must be a whole number, not 'four'"),
                Arguments.of("w_bits: 4.5", "'w_bits' must be a whole number, not '4.5'"),
                Arguments.of("w_bits: 4294967304", "'w_bits' must be a whole number, not '4294967304'"), // 2^32 + 8
                Arguments.of("w_bits: 99", "'w_bits' must be between 2 and 8, not 99"),
                Arguments.of("a_bits: 1", "'a_bits' must be between 2 and 16, or 0 for weight-only, not 1"),
                Arguments.of("edge_bits: 12", "'edge_bits' must be between 2 and 8, or 0, not 12"),
                Arguments.of("granularity: per_row", "'granularity': unknown granularity 'per_row': use per_tensor,"
                        + " per_channel or per_group"),
                Arguments.of("granularity: per_group\ngroup_size: -3", "'group_size' must be 2 or more (e.g. 32, 64, 128),"
                        + " not -3"),
                Arguments.of("granularity: per_group", "per-group weights need a group size (32, 64 or 128), not 0"),
                Arguments.of("base: vit-nope", "'base' must be one of [vit-all, vit-paper, weights-only], not 'vit-nope'"),
                Arguments.of("name: [a]", "'name' must be text, not array"),
                Arguments.of("exclude: [x]", "'exclude' must be a mapping with nodes, op_types and/or blocks"),
                Arguments.of("exclude:\n  block: [1]", "unknown key 'block' (allowed: blocks, nodes, op_types)"),
                Arguments.of("exclude:\n  blocks: [1.5]", "'exclude.blocks' holds '1.5', not a block index"),
                Arguments.of("exclude:\n  blocks: [-1]", "'exclude.blocks' holds '-1', not a block index"),
                Arguments.of("exclude:\n  blocks: 3", "'exclude.blocks' must be a list of block indices"),
                Arguments.of("exclude:\n  nodes: [1]", "'exclude.nodes' holds '1', not a string"),
                Arguments.of("exclude:\n  op_types: Conv", "'exclude.op_types' must be a list of strings"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badSchemes")
    void schemeErrorsNameTheFileAndTheKey(String yaml, String message) throws Exception {
        Path f = Files.writeString(dir.resolve("scheme.yaml"), yaml + "\n");
        String where = "scheme '" + f + "'";
        assertThatThrownBy(() -> SchemeReader.read(f, 8, 8)).isInstanceOf(UserException.class)
                .hasMessage(where + (message.startsWith("unknown key 'block'") ? " exclude: " : ": ") + message);
    }

    @Test
    void schemeFilesThatAreNotFilesOrRepeatAKey() throws Exception {
        Path dup = Files.writeString(dir.resolve("dup.yaml"), "w_bits: 8\nw_bits: 4\n");
        assertThatThrownBy(() -> SchemeReader.read(dup, 8, 8)).isInstanceOf(UserException.class)
                .hasMessage("cannot read scheme '" + dup + "': Duplicate field 'w_bits'");
        assertThatThrownBy(() -> SchemeReader.read(dir, 8, 8)).isInstanceOf(UserException.class)
                .hasMessage("scheme '" + dir + "' is a folder; give the path of a JSON or YAML scheme file");
        assertThatThrownBy(() -> SchemeReader.read(Path.of("/dev/zero"), 8, 8)).isInstanceOf(UserException.class)
                .hasMessage("scheme '/dev/zero' is not a regular file; give the path of a JSON or YAML scheme file");
        assertThatThrownBy(() -> SchemeReader.read(dir.resolve("none.yaml"), 8, 8)).isInstanceOf(UserException.class)
                .hasMessage("scheme '" + dir.resolve("none.yaml") + "' does not exist");
        // the control case: the same keys with good values are read as written
        Path good = Files.writeString(dir.resolve("good.yaml"), "base: vit-paper\nw_bits: 6\ngranularity: per_group\n"
                + "group_size: 32\nexclude:\n  blocks: [1]\n");
        QuantScheme s = SchemeReader.read(good, 8, 8);
        assertThat(s.weightBits()).isEqualTo(6);
        assertThat(s.weightGranularity()).isEqualTo(Granularity.PER_GROUP);
        assertThat(s.excludeBlocks()).containsExactly(1);
    }

    /** A small valid plan: one per-channel weight (4 channels), one activation, one reparameterization. */
    static QuantPlan plan() {
        TensorQuantization w = new TensorQuantization("W", TensorRole.WEIGHT, List.of("fc"),
                new UniformParams(UniformSpec.weights(8, Granularity.PER_CHANNEL, 0), new float[] {0.1f, 0.2f, 0.3f, 0.4f},
                        new int[4], 1));
        TensorQuantization a = new TensorQuantization("x", TensorRole.ACTIVATION, List.of("fc"),
                new UniformParams(UniformSpec.activations(8), new float[] {0.05f}, new int[] {12}, -1));
        return new QuantPlan("qdq", "m.onnx", "abc", "dev", Map.of("w_bits", 8), List.of(new Reparameterization(
                "repq-vit", "ln_out", List.of("fc"), new float[] {1f, 2f}, new float[] {0f, 0.5f})), List.of(w, a));
    }

    static Stream<Arguments> badPlans() {
        return Stream.<Arguments>of(
                bad("an unknown top-level key", r -> r.put("tensor", 1), ": unknown key 'tensor'"),
                bad("settings that are not an object", r -> r.put("settings", 5),
                        ": 'settings' must be an object of name: value pairs, not number"),
                bad("format", r -> r.put("format", "tflite"), ": 'format' must be qdq or simulated, not 'tflite'"),
                bad("plan_version", r -> r.put("plan_version", 2), " has plan_version 2; this vitshrink reads version 1"),
                bad("tensors not a list", r -> r.putObject("tensors"), ": 'tensors' must be a list"),
                bad("a tensor entry not an object", r -> ((ArrayNode) r.get("tensors")).set(0, 7), " tensors[0] is not an object"),
                bad("role", r -> t0(r).put("role", "bias"), " tensors[0]: 'role' must be weight or activation, not 'bias'"),
                bad("consumers of the wrong type", r -> t0(r).putArray("consumers").addObject(),
                        " tensors[0]: 'consumers' holds {}, not a node name (text)"),
                bad("bits as text", r -> t0(r).put("bits", "eight"), " tensors[0] ('W'): 'bits' is missing or not a whole number"),
                bad("bits overflowing an int", r -> t0(r).put("bits", 4294967304L),
                        " tensors[0] ('W'): 'bits' is missing or not a whole number"),
                bad("bits out of range", r -> t0(r).put("bits", 40), " tensors[0] ('W'): bits must be between 2 and 16, not 40"),
                bad("signed as text", r -> t0(r).put("signed", "yes"), " tensors[0] ('W'): 'signed' is missing or not true/false"),
                bad("granularity", r -> t0(r).put("granularity", "per_row"),
                        " tensors[0] ('W'): unknown granularity 'per_row': use per_tensor, per_channel or per_group"),
                bad("group_size as text", r -> t0(r).put("group_size", "64"), " tensors[0] ('W'): 'group_size' must be a whole"
                        + " number, not \"64\""),
                bad("axis as text", r -> t0(r).put("axis", "x"), " tensors[0] ('W'): 'axis' must be a whole number, not \"x\""),
                bad("axis fractional", r -> t0(r).put("axis", 1.5), " tensors[0] ('W'): 'axis' must be a whole number, not 1.5"),
                bad("a scale as text", r -> ((ArrayNode) t0(r).get("scale")).set(1, "0.2"),
                        " tensors[0] ('W'): 'scale' holds \"0.2\", not a number"),
                bad("a scale of zero", r -> ((ArrayNode) t0(r).get("scale")).set(1, 0),
                        " tensors[0] ('W'): scales must be positive and finite, got 0.0"),
                bad("a scale beyond float", r -> ((ArrayNode) t0(r).get("scale")).set(1, new java.math.BigDecimal("1e400")),
                        " tensors[0] ('W'): scales must be positive and finite, got Infinity"),
                bad("a zero point as text", r -> ((ArrayNode) t0(r).get("zero_point")).set(1, "x"),
                        " tensors[0] ('W'): 'zero_point' holds \"x\", not a whole number"),
                bad("a fractional zero point", r -> ((ArrayNode) t0(r).get("zero_point")).set(1, 1.7),
                        " tensors[0] ('W'): 'zero_point' holds 1.7, not a whole number"),
                bad("a zero point out of range", r -> ((ArrayNode) t0(r).get("zero_point")).set(1, 300),
                        " tensors[0] ('W'): zero point 300 outside [-128, 127]"),
                bad("fewer zero points than scales", r -> ((ArrayNode) t0(r).get("zero_point")).remove(0),
                        " tensors[0] ('W'): need as many zero points as scales, and at least one"),
                bad("a reparameterization linear of the wrong type", r -> rep0(r).putArray("linears").add(3),
                        " reparameterizations[0]: 'linears' holds 3, not a node name (text)"),
                bad("a negative reparameterization scale", r -> ((ArrayNode) rep0(r).get("scale")).set(0, -1),
                        " reparameterizations[0]: reparameterization of 'ln_out' channel 0: scale must be positive and"
                                + " finite and shift finite, got scale -1.0, shift 0.0"),
                bad("a reparameterization shift as text", r -> ((ArrayNode) rep0(r).get("shift")).set(0, "0"),
                        " reparameterizations[0]: 'shift' holds \"0\", not a number"),
                bad("an unknown reparameterization key", r -> rep0(r).put("alpha", 0.5),
                        " reparameterizations[0]: unknown key 'alpha'"));
    }

    private static Arguments bad(String what, Consumer<ObjectNode> edit, String message) {
        return Arguments.of(what, edit, message);
    }

    private static ObjectNode t0(ObjectNode root) {
        return (ObjectNode) root.get("tensors").get(0);
    }

    private static ObjectNode rep0(ObjectNode root) {
        return (ObjectNode) root.get("reparameterizations").get(0);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badPlans")
    void planErrorsNameTheFileTheEntryAndTheField(String what, Consumer<ObjectNode> edit, String message) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(PlanJson.toJson(plan()));
        edit.accept(root);
        Path f = Files.writeString(dir.resolve("plan.json"), json.writeValueAsString(root));

        assertThatThrownBy(() -> PlanJson.read(f)).isInstanceOf(UserException.class).hasMessage("plan '" + f + "'" + message);
    }

    @Test
    void planFilesThatAreNotPlans() throws Exception {
        Path f = dir.resolve("p.json");
        assertThat(PlanJson.read(Files.writeString(f, PlanJson.toJson(plan()))).tensors()).hasSize(2); // control
        String good = PlanJson.toJson(plan());
        Files.writeString(f, good.replaceFirst("\"format\" : \"qdq\",", "\"format\" : \"qdq\", \"format\" : \"simulated\","));
        assertThatThrownBy(() -> PlanJson.read(f)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("cannot read plan '" + f + "': Duplicate field 'format'");
        Files.writeString(f, good.substring(0, good.length() / 2));
        assertThatThrownBy(() -> PlanJson.read(f)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("cannot read plan '" + f + "': Unexpected end-of-input").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> PlanJson.read(dir)).isInstanceOf(UserException.class)
                .hasMessage("plan '" + dir + "' is a folder; give the path of a plan .json file");
        assertThatThrownBy(() -> PlanJson.read(Path.of("/dev/zero"))).isInstanceOf(UserException.class)
                .hasMessage("plan '/dev/zero' is not a regular file; give the path of a plan .json file");
        assertThatThrownBy(() -> PlanJson.read(dir.resolve("none.json"))).isInstanceOf(UserException.class)
                .hasMessage("plan '" + dir.resolve("none.json") + "' does not exist");
    }
}
