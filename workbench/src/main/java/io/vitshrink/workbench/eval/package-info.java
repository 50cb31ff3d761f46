/** Evaluation of a model over an image dataset: accuracy and, against a reference model, fidelity. */
package io.vitshrink.workbench.eval;
