package io.vitshrink.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserExceptionTest {

    @Test
    void messagesStayOneLineWhateverNamesTheyQuote() {
        assertThat(new UserException("node 'a\nb\r\tc\u001b[31m' is bad").getMessage())
                .isEqualTo("node 'a\\nb\\r\\tc\\u001b[31m' is bad").doesNotContain("\n");
        assertThat(new UserException("plain message").getMessage()).isEqualTo("plain message");
    }
}
