/** Latency and throughput measurement of ONNX Runtime sessions: warm-up, repeated timed runs, medians. */
package io.vitshrink.workbench.bench;
