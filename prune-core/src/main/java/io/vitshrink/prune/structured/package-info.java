/**
 * Structured removal: attention heads and MLP hidden channels ranked by the energy they add to the
 * residual stream, selected for a MAC budget, and physically removed with every dependent shape
 * constant fixed.
 */
package io.vitshrink.prune.structured;
