package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.cpc.compute.market.PoolMessage.Cancel;
import org.cpc.compute.market.PoolMessage.Challenge;
import org.cpc.compute.market.PoolMessage.ErrorMessage;
import org.cpc.compute.market.PoolMessage.Heartbeat;
import org.cpc.compute.market.PoolMessage.Hello;
import org.cpc.compute.market.PoolMessage.Job;
import org.cpc.compute.market.PoolMessage.JobAccepted;
import org.cpc.compute.market.PoolMessage.JobError;
import org.cpc.compute.market.PoolMessage.JobRejected;
import org.cpc.compute.market.PoolMessage.JobResult;
import org.cpc.compute.market.PoolMessage.ServerMessage;
import org.cpc.compute.market.PoolMessage.Welcome;
import org.cpc.compute.market.PoolMessage.WorkerMessage;
import org.cpc.compute.market.PoolProtocolException.CloseCode;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Amounts;

/**
 * The one codec of the pool protocol: {@link PoolMessage}s to WebSocket frames and back. Text messages are JSON
 * objects whose {@code "type"} names the message; a job result is a binary frame, {@code uint32_be(L) ‖ header
 * (L bytes of UTF-8 JSON) ‖ output bytes}. The JSON field names live here and nowhere else.
 *
 * <p>Decoding checks everything a message carries, and refuses what it cannot use with a
 * {@link PoolProtocolException} that names the field and the close code. Unknown fields are ignored, so a later
 * build may add optional ones without breaking this one; anything an older peer would misread (a new message, a
 * new required field, a changed meaning) bumps {@link PoolProtocol#VERSION}.
 *
 * <p>Encoding writes into one {@link StringBuilder} with no tree in between: the job and job_accepted messages go
 * out thousands of times per second.
 */
public final class PoolCodec {
    /** Largest text message, in UTF-8 bytes (the WebSocket server refuses larger ones before they get here). */
    public static final int MAX_TEXT_BYTES = 64 * 1024;
    /** Largest JSON header of a result frame, in UTF-8 bytes. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /**
     * Longest identifier or amount (job_id, task_id, address, validator, challenge_type, reward); a longer one is
     * refused. A task id is 64 characters, an address about 42.
     */
    public static final int MAX_ID_CHARS = 128;
    /** Longest backend or device name in a hello; a longer one is cut, since it is only shown. */
    public static final int MAX_NAME_CHARS = 200;
    /** Longest reason or error text; a longer one is cut, since it is only shown and logged. */
    public static final int MAX_REASON_CHARS = 1024;

    static final int NONCE_BYTES = 32;
    static final int HASH_BYTES = 32;
    /** A recoverable secp256k1 signature: r ‖ s ‖ recovery id. */
    static final int SIGNATURE_BYTES = 65;

    private PoolCodec() {}

    // ------------------------------------------------------------------ encoding

    public static String encode(ServerMessage m) {
        return switch (m) {
            case Challenge c -> new Writer(Challenge.TYPE)
                    .integer("version", c.version())
                    .hex("nonce", c.nonce()).end();
            case Welcome w -> new Writer(Welcome.TYPE)
                    .string("address", w.address())
                    .string("validator", w.validator())
                    .integer("max_jobs", w.maxJobs())
                    .integer("heartbeat_ms", w.heartbeatMs())
                    .integer("job_timeout_ms", w.jobTimeoutMs())
                    .integer("max_result_bytes", w.maxResultBytes()).end();
            case Job j -> {
                String payload = payloadText(j.payload());
                yield new Writer(Job.TYPE, 256 + payload.length())
                        .string("job_id", j.jobId())
                        .string("task_id", j.taskId())
                        .integer("index", j.index())
                        .string("challenge_type", j.challengeType())
                        .json("payload", payload)
                        .json("job", j.description().toString())
                        .integer("max_output_bytes", j.maxOutputBytes())
                        .integer("timeout_ms", j.timeoutMs()).end();
            }
            case JobAccepted a -> new Writer(JobAccepted.TYPE)
                    .string("job_id", a.jobId())
                    .hex("result_hash", a.resultHash())
                    .string("reward_wei", a.rewardWei().toString())
                    .string("reward", a.reward()).end();
            case JobRejected r -> new Writer(JobRejected.TYPE)
                    .string("job_id", r.jobId())
                    .string("reason", r.reason()).end();
            case Cancel c -> new Writer(Cancel.TYPE)
                    .string("job_id", c.jobId())
                    .string("reason", c.reason()).end();
            case ErrorMessage e -> new Writer(ErrorMessage.TYPE)
                    .string("error", e.error()).end();
        };
    }

    public static String encode(WorkerMessage m) {
        return switch (m) {
            case Hello h -> new Writer(Hello.TYPE)
                    .string("address", h.address())
                    .hex("signature", h.signature())
                    .string("backend", h.backend())
                    .string("device", h.device())
                    .number("gops", h.gops())
                    .integer("max_jobs", h.maxJobs()).end();
            case JobError e -> new Writer(JobError.TYPE)
                    .string("job_id", e.jobId())
                    .string("error", e.error()).end();
            case Heartbeat h -> new Writer(Heartbeat.TYPE).end();
        };
    }

    /** The result's binary frame, ready to send. */
    public static ByteBuffer encode(JobResult r) {
        byte[] header = new Writer(JobResult.TYPE)
                .string("job_id", r.jobId())
                .hex("result_hash", r.resultHash())
                .hex("signature", r.signature())
                .integer("size", r.output().length).end().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + header.length + r.output().length);
        b.putInt(header.length).put(header).put(r.output()).flip();
        return b;
    }

    // ------------------------------------------------------------------ decoding

    /** Any text message, whichever side sent it (tests and fuzzers; a connection knows its side: see below). */
    public static PoolMessage decode(String text) throws PoolProtocolException {
        return decode(text, PoolMessage.class);
    }

    /** A text message from the PoC validator; a worker's message is refused (1002). */
    public static ServerMessage decodeServerMessage(String text) throws PoolProtocolException {
        return decode(text, ServerMessage.class);
    }

    /** A text message from a worker; a PoC validator's message is refused (1002). */
    public static WorkerMessage decodeWorkerMessage(String text) throws PoolProtocolException {
        return decode(text, WorkerMessage.class);
    }

    private static <T extends PoolMessage> T decode(String text, Class<T> from) throws PoolProtocolException {
        // A UTF-16 unit is at most 3 bytes of UTF-8, so short texts need no count.
        if (text.length() > MAX_TEXT_BYTES / 3 && utf8Length(text) > MAX_TEXT_BYTES) {
            throw new PoolProtocolException(CloseCode.MESSAGE_TOO_BIG,
                    "message of " + utf8Length(text) + " bytes; at most " + MAX_TEXT_BYTES);
        }
        JsonNode root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw protocolError(e.getMessage());
        }
        if (!root.isObject()) throw protocolError("a message must be a JSON object");
        JsonNode t = root.get("type");
        if (t == null || !t.isTextual()) throw protocolError("a message must have a string field 'type'");
        String type = t.textValue();
        Fields f = new Fields(root, type);
        PoolMessage m = switch (type) {
            case Challenge.TYPE -> {
                // The version first: a message of another version may differ in everything else.
                int version = f.count("version");
                if (version != PoolProtocol.VERSION) {
                    throw protocolError("pool protocol version " + version + " is not supported: this build speaks"
                            + " version " + PoolProtocol.VERSION);
                }
                yield new Challenge(version, f.hex("nonce", NONCE_BYTES));
            }
            case Hello.TYPE -> new Hello(f.shortString("address"), f.hex("signature", SIGNATURE_BYTES),
                    f.optionalString("backend"), f.optionalString("device"), f.optionalNonNegative("gops"),
                    f.positiveInt("max_jobs"));
            case Welcome.TYPE -> new Welcome(f.shortString("address"), f.shortString("validator"),
                    f.positiveInt("max_jobs"), f.positive("heartbeat_ms"), f.positive("job_timeout_ms"),
                    f.positiveInt("max_result_bytes"));
            case Job.TYPE -> new Job(f.shortString("job_id"), f.shortString("task_id"), f.count("index"),
                    f.shortString("challenge_type"), f.object("payload"), f.object("job"),
                    f.positive("max_output_bytes"), f.positive("timeout_ms"));
            case JobError.TYPE -> new JobError(f.shortString("job_id"), f.string("error"));
            case Heartbeat.TYPE -> new Heartbeat();
            case JobAccepted.TYPE -> new JobAccepted(f.shortString("job_id"), f.hex("result_hash", HASH_BYTES),
                    f.wei("reward_wei"), f.shortString("reward"));
            case JobRejected.TYPE -> new JobRejected(f.shortString("job_id"), f.string("reason"));
            case Cancel.TYPE -> new Cancel(f.shortString("job_id"), f.string("reason"));
            case ErrorMessage.TYPE -> new ErrorMessage(f.string("error"));
            case JobResult.TYPE -> throw protocolError("job_result travels in a binary frame, not as text");
            default -> throw protocolError("unknown message type '" + cut(type, MAX_ID_CHARS) + "'");
        };
        if (!from.isInstance(m)) {
            throw protocolError("'" + type + "' is not a message "
                    + (from == ServerMessage.class ? "the PoC validator sends" : "a worker sends"));
        }
        return from.cast(m);
    }

    /**
     * A result frame, read from the buffer's position; {@code maxResultBytes} bounds its output (the
     * {@code max_result_bytes} of the server's welcome).
     */
    public static JobResult decode(ByteBuffer frame, int maxResultBytes) throws PoolProtocolException {
        if (frame.remaining() < 4) throw protocolError("result frame shorter than its 4-byte header length");
        int length = frame.getInt();
        if (length > MAX_HEADER_BYTES) {
            throw new PoolProtocolException(CloseCode.MESSAGE_TOO_BIG,
                    "result frame header of " + length + " bytes; at most " + MAX_HEADER_BYTES);
        }
        if (length <= 0 || length > frame.remaining()) {
            throw protocolError("result frame header length " + length + " does not fit the frame's "
                    + frame.remaining() + " bytes");
        }
        int size = frame.remaining() - length;
        if (size > maxResultBytes) {
            throw new PoolProtocolException(CloseCode.MESSAGE_TOO_BIG,
                    "result output of " + size + " bytes; at most " + maxResultBytes + " (max_result_bytes)");
        }
        byte[] h = new byte[length];
        frame.get(h);
        JsonNode header;
        try {
            header = Json.parse(h);
        } catch (IllegalArgumentException e) {
            throw protocolError("result frame header: " + e.getMessage());
        }
        if (!header.isObject() || !JobResult.TYPE.equals(header.path("type").textValue())) {
            throw protocolError("a result frame header must be a JSON object of type '" + JobResult.TYPE + "'");
        }
        Fields f = new Fields(header, JobResult.TYPE);
        String jobId = f.shortString("job_id");
        byte[] hash = f.hex("result_hash", HASH_BYTES);
        byte[] signature = f.hex("signature", SIGNATURE_BYTES);
        int declared = f.count("size");
        if (declared != size) {
            throw f.wrong("size", "the output's length: it says " + declared + ", the frame carries " + size
                    + " bytes");
        }
        byte[] output = new byte[size];
        frame.get(output);
        return new JobResult(jobId, hash, signature, output);
    }

    private static PoolProtocolException protocolError(String message) {
        return new PoolProtocolException(CloseCode.PROTOCOL_ERROR, message);
    }

    /** Reads the fields of one message, each checked, the error naming it as {@code type.field}. */
    private record Fields(JsonNode node, String type) {
        JsonNode required(String field) throws PoolProtocolException {
            JsonNode v = node.get(field);
            if (v == null) {
                throw new PoolProtocolException(CloseCode.POLICY_VIOLATION, type + " is missing field '" + field + "'");
            }
            return v;
        }

        PoolProtocolException wrong(String field, String expected) {
            return new PoolProtocolException(CloseCode.POLICY_VIOLATION, type + "." + field + " must be " + expected);
        }

        String string(String field) throws PoolProtocolException {
            JsonNode v = required(field);
            if (!v.isTextual()) throw wrong(field, "a string");
            return v.textValue();
        }

        /** Absent counts as empty. */
        String optionalString(String field) throws PoolProtocolException {
            return node.has(field) ? string(field) : "";
        }

        String shortString(String field) throws PoolProtocolException {
            JsonNode v = required(field);
            if (!v.isTextual() || v.textValue().isEmpty() || v.textValue().length() > MAX_ID_CHARS) {
                throw wrong(field, "a string of 1 to " + MAX_ID_CHARS + " characters");
            }
            return v.textValue();
        }

        byte[] hex(String field, int bytes) throws PoolProtocolException {
            JsonNode v = required(field);
            try {
                if (v.isTextual() && v.textValue().length() == 2 * bytes) return Hex.decode(v.textValue());
            } catch (IllegalArgumentException e) {
                // not lowercase hex: the error below names the field
            }
            throw wrong(field, bytes + " bytes as " + 2 * bytes + " lowercase hex characters");
        }

        long integer(String field, long min, long max, String expected) throws PoolProtocolException {
            JsonNode v = required(field);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
                throw wrong(field, expected);
            }
            return v.longValue();
        }

        int count(String field) throws PoolProtocolException {
            return (int) integer(field, 0, Integer.MAX_VALUE, "an integer from 0 to 2^31 - 1");
        }

        /** Durations and sizes: JSON carries integers exactly up to 2^53 − 1 only. */
        long positive(String field) throws PoolProtocolException {
            return integer(field, 1, Jcs.MAX_SAFE_INTEGER, "a positive integer (at most 2^53 - 1)");
        }

        int positiveInt(String field) throws PoolProtocolException {
            return (int) integer(field, 1, Integer.MAX_VALUE, "a positive integer (at most 2^31 - 1)");
        }

        /** Absent counts as 0. */
        double optionalNonNegative(String field) throws PoolProtocolException {
            JsonNode v = node.get(field);
            if (v == null) return 0;
            double d = v.doubleValue();
            if (!v.isNumber() || !Double.isFinite(d) || d < 0) throw wrong(field, "a number ≥ 0");
            return d;
        }

        BigInteger wei(String field) throws PoolProtocolException {
            JsonNode v = required(field);
            try {
                if (v.isTextual()) return Amounts.parseWei(v.textValue());
            } catch (IllegalArgumentException e) {
                // fall through to the error naming the field
            }
            throw wrong(field, "a string of decimal wei, e.g. \"1000\"");
        }

        JsonNode object(String field) throws PoolProtocolException {
            JsonNode v = required(field);
            if (!v.isObject()) throw wrong(field, "a JSON object");
            return v;
        }
    }

    /** A JSON node and its text. */
    private record Rendered(JsonNode node, String text) {}

    /** The payload of the last job written (a record, so that a thread sees its node and text together). */
    private static volatile Rendered lastPayload;

    /**
     * A job's payload as text. Every job of a task carries the same payload node, so its text, the costliest part of
     * a job message to write, is remembered for the last node written.
     */
    private static String payloadText(JsonNode payload) {
        Rendered last = lastPayload;
        if (last == null || last.node() != payload) {
            last = new Rendered(payload, payload.toString());
            lastPayload = last;
        }
        return last.text();
    }

    /** Writes one message as compact JSON, the fields in the order they are given, {@code "type"} first. */
    private static final class Writer {
        private final StringBuilder b;

        Writer(String type) {
            this(type, 256);
        }

        Writer(String type, int capacity) {
            b = new StringBuilder(capacity);
            b.append("{\"type\":\"").append(type).append('"');
        }

        private StringBuilder name(String name) {
            return b.append(",\"").append(name).append("\":");
        }

        Writer string(String name, String value) {
            quote(name(name), value);
            return this;
        }

        Writer integer(String name, long value) {
            name(name).append(value);
            return this;
        }

        Writer number(String name, double value) {
            if (!Double.isFinite(value)) throw new IllegalArgumentException(name + " must be a finite number, not " + value);
            name(name).append(value);
            return this;
        }

        Writer hex(String name, byte[] value) {
            name(name).append('"').append(Hex.encode(value)).append('"');
            return this;
        }

        /** A field whose value is JSON text already. */
        Writer json(String name, String json) {
            name(name).append(json);
            return this;
        }

        String end() {
            return b.append('}').toString();
        }
    }

    /**
     * Appends {@code s} as a JSON string. Unlike {@link Jcs#quote} it never throws: a lone surrogate (which a
     * peer's JSON may carry, and an error message may echo) is written as a JSON unicode escape like any other
     * character that needs one, which reads back as the same string.
     */
    private static void quote(StringBuilder b, String s) {
        b.append('"');
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < PLAIN.length ? PLAIN[c] : !Character.isSurrogate(c)) continue;
            if (i > from) b.append(s, from, i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else {
                b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                        .append(HEX[c & 0xf]);
            }
            from = i + 1;
        }
        // (Appending a whole String is a copy; a range of one goes character by character.)
        if (from == 0) b.append(s);
        else b.append(s, from, s.length());
        b.append('"');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The ASCII characters a JSON string may hold as they are (a table: the quoting runs over every id sent). */
    private static final boolean[] PLAIN = new boolean[128];

    static {
        for (char c = 0x20; c < 128; c++) PLAIN[c] = c != '"' && c != '\\';
    }

    /** {@code s} cut to at most {@code max} UTF-16 units, never between the two halves of a character. */
    static String cut(String s, int max) {
        if (s.length() <= max) return s;
        return s.substring(0, Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max);
    }

    /** Bytes of UTF-8 for one UTF-16 unit; a surrogate pair's 4 bytes count 2 for each half. */
    static int utf8Bytes(char c) {
        return c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) n += utf8Bytes(s.charAt(i));
        return n;
    }
}
