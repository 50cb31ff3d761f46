/**
 * Reports (next issues): result tables, trade-off charts (PNG/SVG) and self-contained HTML/Markdown reports. Never runs a model.
 */
package io.vitshrink.reports;
