package io.vitshrink.quant.mixed;

/** RFC 4180 quoting for the tables of this package. */
final class Csv {

    private Csv() {
    }

    static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
