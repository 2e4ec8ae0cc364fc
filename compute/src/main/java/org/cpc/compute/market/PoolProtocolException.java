package org.cpc.compute.market;

/**
 * A pool message that {@link PoolCodec} refused: the message says what was wrong, naming the field ("job.timeout_ms
 * must be a positive integer"), and {@link #code()} is the WebSocket close code to hang up with. Checked, so every
 * place that reads the other side's messages decides what a bad one does to the connection.
 */
public final class PoolProtocolException extends Exception {
    /** The WebSocket close codes (RFC 6455 §7.4.1) for a message that cannot be used. */
    public enum CloseCode {
        /** 1002: not this protocol: not a JSON object, no or an unknown type, a broken frame, another version. */
        PROTOCOL_ERROR(1002),
        /** 1008: a known message with a field that is missing, of the wrong type or out of range. */
        POLICY_VIOLATION(1008),
        /** 1009: a message, result header or result output larger than its bound. */
        MESSAGE_TOO_BIG(1009);

        private final int value;

        CloseCode(int value) {
            this.value = value;
        }

        public int value() {
            return value;
        }
    }

    /** The longest close reason a WebSocket close frame carries, in UTF-8 bytes (125 bytes less the code's 2). */
    public static final int MAX_CLOSE_REASON_BYTES = 123;

    private final CloseCode code;

    public PoolProtocolException(CloseCode code, String message) {
        super(message, null, false, false); // a refusal, not a bug: no stack trace to fill
        this.code = code;
    }

    public CloseCode code() {
        return code;
    }

    /** The message, cut to fit a close frame. */
    public String closeReason() {
        return closeReason(getMessage());
    }

    /** {@code message} cut to {@link #MAX_CLOSE_REASON_BYTES} bytes of UTF-8, never inside a character. */
    public static String closeReason(String message) {
        if (message.length() * 3 <= MAX_CLOSE_REASON_BYTES) return message; // at most 3 bytes per UTF-16 unit
        int bytes = 0;
        for (int i = 0; i < message.length(); i++) {
            bytes += PoolCodec.utf8Bytes(message.charAt(i));
            if (bytes > MAX_CLOSE_REASON_BYTES) return PoolCodec.cut(message, i);
        }
        return message;
    }
}
