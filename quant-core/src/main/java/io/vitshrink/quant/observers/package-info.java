/**
 * Observers: statistics streamed over a calibration set, and the range searches that turn them into
 * quantizer parameters.
 *
 * <p>Following NNCF, an observer is a <em>reducer</em> (per batch: {@code BatchRange} min/max with the
 * NaN/Inf check, or binning into a {@link StreamingHistogram}) times an <em>aggregator</em> (across
 * batches: running min/max, an exponential moving average, a merged histogram, per-channel sums).
 * Every observer holds a fixed number of bytes ({@link TensorObserver#bytes()}) whatever the number of
 * calibration images; none keeps raw activations.
 *
 * <ul>
 *   <li>{@link MinMaxObserver}, {@link MovingAverageMinMaxObserver}: ranges from min/max.</li>
 *   <li>{@link PercentileObserver}, {@link EntropyObserver}, {@link MseObserver}: range searches on a
 *       {@link StreamingHistogram} (see {@link HistogramObserver}).</li>
 *   <li>{@link ObserverKind}: the names used in plans and on the command line, and a factory.</li>
 *   <li>{@link ChannelStatsObserver}: per-channel min/max/mean/mean|x| for reparameterizations.</li>
 *   <li>{@link WeightRanges}: min/max and MSE range search for whole weight tensors (not streamed).</li>
 * </ul>
 */
package io.vitshrink.quant.observers;
