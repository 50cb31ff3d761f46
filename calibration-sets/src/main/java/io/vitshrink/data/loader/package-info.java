/**
 * Batch loading: decode and preprocess a dataset on a bounded pool of worker threads and hand out
 * NCHW float32 batches in dataset order, whatever order the workers finish in.
 *
 * <p>Memory stays bounded however large the dataset: only a window of images is in flight and only a
 * few ready batches wait in a bounded queue (the producer blocks when the consumer, usually ONNX Runtime,
 * is slower). Unreadable images are skipped, logged at WARN and counted with their reason, so that an
 * accuracy figure can always say "over N images, K skipped".
 */
package io.vitshrink.data.loader;
