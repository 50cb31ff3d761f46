/** Turning recorded runs into report rows: filters ({@code --filter}) and series names ({@code --series}). */
package io.vitshrink.workbench.report;
