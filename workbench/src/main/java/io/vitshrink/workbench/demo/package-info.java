/** The self-contained showcase: a tiny ViT from the test kit, generated images, and the pipeline run on them. */
package io.vitshrink.workbench.demo;
