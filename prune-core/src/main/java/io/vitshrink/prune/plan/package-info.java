/** Prune plans: per-layer masks and structured cuts as data, written and read as JSON, replayable from the input model. */
package io.vitshrink.prune.plan;
