package org.cpc.worker;

/**
 * One server-sent event: its type ({@code message} when the server named none) and its data, multi-line data
 * joined with {@code \n} as the SSE standard says.
 */
public record SseEvent(String type, String data) {}
