/**
 * The {@code tokens} pipeline: calibration fidelity of candidate token plans, the token plan file, and
 * the wiring of search, rewrite, evaluation and benchmark behind {@code vitshrink tokens}.
 */
package io.vitshrink.workbench.tokens;
