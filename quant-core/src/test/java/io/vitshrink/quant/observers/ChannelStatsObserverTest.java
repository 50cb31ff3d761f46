package io.vitshrink.quant.observers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vitshrink.onnx.UserException;
import org.junit.jupiter.api.Test;

class ChannelStatsObserverTest {

    @Test
    void perChannelStatisticsOfTheLastAxis() {
        ChannelStatsObserver o = new ChannelStatsObserver("norm1");
        // [batch 1, tokens 2, channels 3]
        o.update(new float[] {1, -2, 0, 3, 4, 0}, new long[] {1, 2, 3});
        o.update(new float[] {-1, 2, 0}, new long[] {1, 1, 3});
        ChannelStats s = o.stats();
        assertThat(s.channels()).isEqualTo(3);
        assertThat(s.min()).containsExactly(-1, -2, 0);
        assertThat(s.max()).containsExactly(3, 4, 0);
        assertThat(s.mean()).containsExactly(1, 4f / 3, 0);
        assertThat(s.absMean()).containsExactly(5f / 3, 8f / 3, 0);
        assertThat(o.images()).isEqualTo(2);
        assertThat(o.samplesPerChannel()).isEqualTo(3);
    }

    @Test
    void batchingDoesNotMatterAndMemoryIsFixed() {
        float[] x = Samples.gaussian(197 * 192 * 4, 0.2, 1, 3);
        ChannelStatsObserver one = new ChannelStatsObserver("t");
        one.update(x, new long[] {4, 197, 192});
        ChannelStatsObserver many = new ChannelStatsObserver("t");
        Samples.feed(many, x, 192, 13);
        long bytes = many.bytes();
        ChannelStats a = one.stats();
        ChannelStats b = many.stats();
        assertThat(b.min()).containsExactly(a.min());
        assertThat(b.max()).containsExactly(a.max());
        assertThat(b.mean()).containsExactly(a.mean(), within(1e-6f));
        assertThat(b.absMean()).containsExactly(a.absMean(), within(1e-6f));
        for (int i = 0; i < 1000; i++) {
            many.update(x, new long[] {4, 197, 192});
        }
        assertThat(many.bytes()).isEqualTo(bytes);
    }

    @Test
    void nanAndChannelMismatch() {
        ChannelStatsObserver o = new ChannelStatsObserver("mlp.fc1");
        o.update(new float[] {1, 2}, new long[] {1, 2});
        assertThatThrownBy(() -> o.update(new float[] {1, Float.POSITIVE_INFINITY}, new long[] {1, 2}))
                .isInstanceOf(UserException.class)
                .hasMessage("activation 'mlp.fc1' contains NaN/Inf after 2 images; the model or its inputs are broken");
        assertThatThrownBy(() -> o.update(new float[] {1, 2, 3}, new long[] {1, 3})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChannelStatsObserver("e").stats()).isInstanceOf(UserException.class);
    }
}
