/** What commands give back: flat JSON result files, aligned console tables and progress on stderr. */
package io.vitshrink.workbench.output;
