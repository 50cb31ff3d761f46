/** The report's pages: a self-contained {@code index.html} (inline CSS and SVG, no network) and a Markdown summary. */
package io.vitshrink.reports.html;
