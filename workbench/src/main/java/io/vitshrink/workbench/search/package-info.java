/**
 * Orchestration of the mixed-precision search ({@code vitshrink search}): the held-out part of the
 * calibration pool kept in memory, scoring real quantized models against float logits computed once,
 * the accuracy-aware search (smallest plan within a top-1 drop), and the frontier CSV.
 */
package io.vitshrink.workbench.search;
