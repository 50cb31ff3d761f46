/** The quantize pipeline as the command line runs it: datasets on disk to calibration inputs, plan files, evaluation. */
package io.vitshrink.workbench.quantize;
