/** The {@code inspect} report: what a model is, what it costs and which ViT parts were recognized. */
package io.vitshrink.workbench.inspect;
