package org.cpc.worker;

import java.util.Optional;

/**
 * Turns the lines of a {@code text/event-stream} into events, per the WHATWG HTML "server-sent events" parsing
 * rules: {@code field: value} lines accumulate, a blank line dispatches, lines starting with {@code :} are comments
 * (the node's heartbeats), an event without data is dropped. {@code id} and {@code retry} are ignored: the worker
 * reconnects on its own schedule and needs no replay, since it only ever wants the newest block. Not thread-safe.
 */
public final class SseParser {
    private String type = "";
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    /** Feeds one line (without its line terminator); returns the event a blank line completes. */
    public Optional<SseEvent> line(String line) {
        if (line.isEmpty()) return dispatch();
        if (line.charAt(0) == ':') return Optional.empty();
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) value = value.substring(1);
        switch (field) {
            case "event" -> type = value;
            case "data" -> {
                if (hasData) data.append('\n');
                data.append(value);
                hasData = true;
            }
            default -> { } // id, retry and unknown fields: nothing the worker uses
        }
        return Optional.empty();
    }

    /** Forgets a half-received event, after the connection dropped mid-event. */
    public void reset() {
        type = "";
        data.setLength(0);
        hasData = false;
    }

    private Optional<SseEvent> dispatch() {
        Optional<SseEvent> e = hasData
                ? Optional.of(new SseEvent(type.isEmpty() ? "message" : type, data.toString()))
                : Optional.empty();
        reset();
        return e;
    }
}
