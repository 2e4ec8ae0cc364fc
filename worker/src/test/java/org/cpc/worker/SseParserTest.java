package org.cpc.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    private static List<SseEvent> parse(String stream) {
        SseParser p = new SseParser();
        List<SseEvent> out = new ArrayList<>();
        for (String line : stream.split("\n", -1)) p.line(line).ifPresent(out::add);
        return out;
    }

    @Test
    void readsTypedEventsAndSkipsComments() {
        assertThat(parse(": connected\n\nevent: block\ndata: {\"height\":1}\n\n: heartbeat\n\nevent: tx\ndata:{}\n\n"))
                .containsExactly(new SseEvent("block", "{\"height\":1}"), new SseEvent("tx", "{}"));
    }

    @Test
    void joinsDataLinesAndDefaultsTheType() {
        assertThat(parse("data: a\ndata:  b\nid: 7\nretry: 1000\n\n"))
                .containsExactly(new SseEvent("message", "a\n b"));
    }

    @Test
    void dropsEventsWithoutDataAndUnfinishedOnes() {
        assertThat(parse("event: block\n\nevent: block\ndata: x")).isEmpty();
    }

    @Test
    void aFieldWithoutColonIsAnEmptyValue() {
        assertThat(parse("event: block\ndata\n\n")).containsExactly(new SseEvent("block", ""));
    }

    @Test
    void resetForgetsAHalfReceivedEvent() {
        SseParser p = new SseParser();
        p.line("event: block");
        p.line("data: half");
        p.reset();
        p.line("data: whole");
        assertThat(p.line("")).contains(new SseEvent("message", "whole"));
    }
}
