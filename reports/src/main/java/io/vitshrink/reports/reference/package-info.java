/** Published results to draw beside measured ones: the bundled CSV with sources, or a user's file in its format. */
package io.vitshrink.reports.reference;
