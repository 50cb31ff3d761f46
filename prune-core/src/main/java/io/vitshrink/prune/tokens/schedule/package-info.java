/** Where and how much to reduce: MACs estimate of a token plan and the search for a MACs target. */
package io.vitshrink.prune.tokens.schedule;
