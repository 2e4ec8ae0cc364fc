package org.cpc.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one range a {@code Range} header asks for, as {@link Download} reads it (RFC 9110 §14.1.2). */
class DownloadTest {
    @Test
    void readsOneRangeAndServesTheWholeFileForWhatItDoesNotTake() {
        assertThat(Download.parse("bytes=0-9", 100)).isEqualTo(new Download.Range(0, 9));
        assertThat(Download.parse("bytes=90-", 100)).isEqualTo(new Download.Range(90, 99));
        assertThat(Download.parse("bytes=50-500", 100)).isEqualTo(new Download.Range(50, 99));
        assertThat(Download.parse("bytes=-10", 100)).isEqualTo(new Download.Range(90, 99));
        // several ranges, another unit, nonsense: ignored, so the whole file
        assertThat(Download.parse("bytes=0-1,5-6", 100)).isEqualTo(new Download.Range(0, 99));
        assertThat(Download.parse("items=0-1", 100)).isEqualTo(new Download.Range(0, 99));
        assertThat(Download.parse("bytes=x-y", 100)).isEqualTo(new Download.Range(0, 99));
    }

    @Test
    void aRangeOutsideTheFileCannotBeSatisfied() {
        assertThat(Download.parse("bytes=100-", 100)).isNull();
        assertThat(Download.parse("bytes=-0", 100)).isNull();
        assertThat(Download.parse("bytes=0-", 0)).isNull();
    }
}
