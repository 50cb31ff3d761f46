package io.vitshrink.onnx.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.vit.Linear;
import org.junit.jupiter.api.Test;

/** Effective MACs and non-zero parameters follow the zeros written into a weight. */
class SparsityCostTest {

    @Test
    void denseModelHasEveryMacEffective() {
        AnalyzedModel a = AnalyzedModel.of(TinyVitBuilder.deitLike().depth(1).width(32).heads(2).build(), 32);
        assertEquals(a.cost().macs(), a.cost().effectiveMacs());
        assertEquals(a.cost().params(), a.cost().nonzeroParams());
    }

    @Test
    void zeroedQuarterOfFc1RemovesAQuarterOfItsMacs() {
        Model m = TinyVitBuilder.deitLike().depth(1).width(32).heads(2).build();
        AnalyzedModel dense = AnalyzedModel.of(m, 32);
        Linear fc1 = dense.structure().blocks().get(0).mlp().fc1();
        Tensor w = m.graph().initializer(fc1.weight()).orElseThrow();
        float[] v = w.toFloats();
        int zeroed = v.length / 4;
        for (int i = 0; i < zeroed; i++) {
            v[i * 4] = 0f; // every fourth element, wherever it sits
        }
        Model sparse = m.copy();
        sparse.graph().replaceInitializer(fc1.weight(), Tensor.ofFloats(fc1.weight(), w.dims(), v));
        ModelCost c = AnalyzedModel.of(sparse, 32).cost();
        NodeCost n = c.byNode().get(fc1.name());
        assertEquals(n.macs() * 3 / 4, n.effectiveMacs());
        assertEquals(dense.cost().macs(), c.macs(), "dense MACs do not change");
        assertEquals(dense.cost().macs() - n.macs() / 4, c.effectiveMacs());
        assertEquals(dense.cost().params() - zeroed, c.nonzeroParams());
    }
}
