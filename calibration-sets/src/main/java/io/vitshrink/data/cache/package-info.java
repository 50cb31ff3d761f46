/**
 * An on-disk cache of preprocessed image tensors, so the second pass over a dataset (the next
 * experiment, the next bit-width of a sweep) reads floats instead of decoding and resampling JPEGs.
 * Entries are keyed by what could change the result: the image file's path, size and modification time
 * and the recipe's content hash.
 */
package io.vitshrink.data.cache;
