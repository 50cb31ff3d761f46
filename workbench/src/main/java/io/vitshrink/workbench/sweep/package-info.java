/**
 * Scripted sweeps: a YAML file of models, data and step grids ({@link io.vitshrink.workbench.sweep.SweepFile})
 * expands into points ({@link io.vitshrink.workbench.sweep.SweepPoint}: a model and a chain of steps with
 * fixed settings), which {@link io.vitshrink.workbench.sweep.SweepRunner} runs — skipping points already
 * recorded, one shard of them with {@code --shard i/n}, several at once with {@code --jobs} — recording each
 * in the results store. Step kinds live in one registry, {@link io.vitshrink.workbench.sweep.StepKinds}.
 */
package io.vitshrink.workbench.sweep;
