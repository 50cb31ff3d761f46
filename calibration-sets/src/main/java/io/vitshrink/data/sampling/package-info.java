/**
 * Seeded sampling of datasets: the same seed gives the same images on every run, machine and Java
 * version, because the generator ({@link io.vitshrink.data.sampling.SplitMix64}) is specified here
 * rather than borrowed from a library whose sequence may change, and nothing depends on hash order.
 */
package io.vitshrink.data.sampling;
