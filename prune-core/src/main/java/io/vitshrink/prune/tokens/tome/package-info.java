/** ToMe token merging (bipartite soft matching, sizes, proportional attention): ONNX form and Java reference. */
package io.vitshrink.prune.tokens.tome;
