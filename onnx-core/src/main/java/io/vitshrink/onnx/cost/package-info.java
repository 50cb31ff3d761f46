/**
 * The cost model: per node and per block MACs, FLOPs, parameters, bytes and BOPs, computed from
 * value shapes at batch 1 (so every figure is per image). Conventions are documented on
 * {@link io.vitshrink.onnx.cost.CostModel}.
 */
package io.vitshrink.onnx.cost;
