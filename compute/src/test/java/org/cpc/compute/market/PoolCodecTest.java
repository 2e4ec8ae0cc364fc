package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.cpc.compute.market.PoolProtocolException.CloseCode.MESSAGE_TOO_BIG;
import static org.cpc.compute.market.PoolProtocolException.CloseCode.POLICY_VIOLATION;
import static org.cpc.compute.market.PoolProtocolException.CloseCode.PROTOCOL_ERROR;
import static org.cpc.compute.market.PoolSamples.ADDRESS;
import static org.cpc.compute.market.PoolSamples.TASK;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.cpc.compute.market.PoolMessage.Cancel;
import org.cpc.compute.market.PoolMessage.Hello;
import org.cpc.compute.market.PoolMessage.JobError;
import org.cpc.compute.market.PoolMessage.JobResult;
import org.cpc.compute.market.PoolProtocolException.CloseCode;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pool codec on examples: today's wire format, and every kind of input it refuses, with its reason and code. */
class PoolCodecTest {
    private static final String SIG = "1f".repeat(65);
    private static final String HASH = "5e".repeat(32);

    @Test
    void theJobAndItsAcceptanceLookAsBeforeTheCodec() {
        // Byte for byte what Market.assign and Market.ack wrote by hand: a worker of the previous build reads them.
        assertThat(PoolCodec.encode(PoolSamples.JOB)).isEqualTo("{\"type\":\"job\",\"job_id\":\"" + TASK + "/3\","
                + "\"task_id\":\"" + TASK + "\",\"index\":3,\"challenge_type\":\"matmul\",\"payload\":{\"a\":\""
                + "01".repeat(32) + "\",\"b\":\"" + "02".repeat(32) + "\",\"k\":48,\"m\":64,\"n\":32,\"rows_per_job\":16},"
                + "\"job\":{\"row_end\":64,\"row_start\":48},\"max_output_bytes\":2048,\"timeout_ms\":10000}");
        assertThat(PoolCodec.encode(PoolSamples.JOB_ACCEPTED)).isEqualTo("{\"type\":\"job_accepted\",\"job_id\":\""
                + TASK + "/3\",\"result_hash\":\"" + Hex.encode(PoolSamples.JOB_ACCEPTED.resultHash())
                + "\",\"reward_wei\":\"450000000000000000\",\"reward\":\"0.45\"}");
    }

    @Test
    void aHelloOfThePreviousBuildIsUnderstood() throws Exception {
        // Built as PoolWorker built it: a Jackson object, gops a double.
        ObjectNode o = Json.object();
        o.put("type", "hello");
        o.put("address", ADDRESS);
        o.put("signature", SIG);
        o.put("backend", "oneDNN×2");
        o.put("device", "oneDNN 2.6.3");
        o.put("gops", 0.0);
        o.put("max_jobs", 2);
        Hello h = (Hello) PoolCodec.decodeWorkerMessage(o.toString());
        assertThat(h.address()).isEqualTo(ADDRESS);
        assertThat(h.gops()).isZero();
        assertThat(h.maxJobs()).isEqualTo(2);
        // backend, device and gops are optional: a minimal worker sends none.
        Hello minimal = (Hello) PoolCodec.decodeWorkerMessage(
                "{\"type\":\"hello\",\"address\":\"" + ADDRESS + "\",\"signature\":\"" + SIG + "\",\"max_jobs\":1}");
        assertThat(minimal.backend()).isEmpty();
        assertThat(minimal.device()).isEmpty();
        assertThat(minimal.gops()).isZero();
    }

    @Test
    void unknownFieldsAreIgnoredSoALaterBuildMayAddOptionalOnes() throws Exception {
        assertThat(PoolCodec.decode("{\"type\":\"cancel\",\"job_id\":\"t/1\",\"reason\":\"r\",\"since\":12}"))
                .isEqualTo(new Cancel("t/1", "r"));
    }

    @Test
    void namesAndReasonsAreCutNotRefused() throws Exception {
        String device = "d".repeat(PoolCodec.MAX_NAME_CHARS - 1) + "😀"; // the emoji's halves straddle the bound
        Hello h = (Hello) PoolCodec.decode("{\"type\":\"hello\",\"address\":\"" + ADDRESS + "\",\"signature\":\"" + SIG
                + "\",\"backend\":\"" + "b".repeat(5000) + "\",\"device\":\"" + device + "\",\"max_jobs\":1}");
        assertThat(h.backend()).hasSize(PoolCodec.MAX_NAME_CHARS);
        assertThat(h.device()).isEqualTo("d".repeat(PoolCodec.MAX_NAME_CHARS - 1));
        assertThat(new JobError("t/1", "e".repeat(9000)).error()).hasSize(PoolCodec.MAX_REASON_CHARS);
    }

    @Test
    void stringsNeedingEscapesRoundTrip() throws Exception {
        String nasty = "quote \" backslash \\ newline \n nul \0 lone \uD800 pair 😀 end";
        assertThat(PoolCodec.decode(PoolCodec.encode(new JobError("t/1", nasty)))).isEqualTo(new JobError("t/1", nasty));
    }

    @Test
    void aCloseReasonFitsItsFrame() {
        String reason = PoolProtocolException.closeReason("é".repeat(100));
        assertThat(reason.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
        assertThat(reason).hasSize(61);
        assertThat(PoolProtocolException.closeReason("short")).isEqualTo("short");
    }

    static Stream<Arguments> refusedText() {
        String job = "{\"type\":\"job\",\"job_id\":\"t/1\",\"task_id\":\"t\",\"index\":1,\"challenge_type\":\"matmul\","
                + "\"payload\":{},\"job\":{},\"max_output_bytes\":1,";
        String hello = "{\"type\":\"hello\",\"address\":\"" + ADDRESS + "\",";
        String accepted = "{\"type\":\"job_accepted\",\"job_id\":\"t/1\",\"result_hash\":\"" + HASH + "\",\"reward\":\"1\",";
        return Stream.of(
                // 1002: not the protocol
                Arguments.of("{\"type\":\"heartbeat\"", PROTOCOL_ERROR, "malformed JSON: "),
                Arguments.of("{\"type\":\"heartbeat\"} {}", PROTOCOL_ERROR, "malformed JSON: "),
                Arguments.of("{\"type\":\"cancel\",\"job_id\":\"a\",\"job_id\":\"b\",\"reason\":\"r\"}", PROTOCOL_ERROR,
                        "malformed JSON: Duplicate field 'job_id'"),
                Arguments.of(job + "\"timeout_ms\":1,\"x\":" + "[".repeat(40) + "]".repeat(40) + "}", PROTOCOL_ERROR,
                        "malformed JSON: Document nesting depth (33) exceeds the maximum allowed"),
                Arguments.of("[1,2]", PROTOCOL_ERROR, "a message must be a JSON object"),
                Arguments.of("{}", PROTOCOL_ERROR, "a message must have a string field 'type'"),
                Arguments.of("{\"type\":7}", PROTOCOL_ERROR, "a message must have a string field 'type'"),
                Arguments.of("{\"type\":\"dance\"}", PROTOCOL_ERROR, "unknown message type 'dance'"),
                Arguments.of("{\"type\":\"job_result\"}", PROTOCOL_ERROR, "job_result travels in a binary frame, not as text"),
                Arguments.of("{\"type\":\"challenge\",\"version\":2,\"nonce\":\"00\"}", PROTOCOL_ERROR,
                        "pool protocol version 2 is not supported: this build speaks version 1"),
                // 1008: a known message with a bad field
                Arguments.of("{\"type\":\"cancel\",\"job_id\":\"t/1\"}", POLICY_VIOLATION, "cancel is missing field 'reason'"),
                Arguments.of(job + "\"timeout_ms\":0}", POLICY_VIOLATION, "job.timeout_ms must be a positive integer (at most 2^53 - 1)"),
                Arguments.of(job + "\"timeout_ms\":\"100\"}", POLICY_VIOLATION, "job.timeout_ms must be a positive integer (at most 2^53 - 1)"),
                Arguments.of(job + "\"timeout_ms\":1.5}", POLICY_VIOLATION, "job.timeout_ms must be a positive integer (at most 2^53 - 1)"),
                Arguments.of(job + "\"timeout_ms\":9007199254740992}", POLICY_VIOLATION, "job.timeout_ms must be a positive integer (at most 2^53 - 1)"),
                Arguments.of(job.replace("\"index\":1", "\"index\":-1") + "\"timeout_ms\":1}", POLICY_VIOLATION,
                        "job.index must be an integer from 0 to 2^31 - 1"),
                Arguments.of(job.replace("\"payload\":{}", "\"payload\":[]") + "\"timeout_ms\":1}", POLICY_VIOLATION,
                        "job.payload must be a JSON object"),
                Arguments.of(job.replace("\"task_id\":\"t\"", "\"task_id\":\"\"") + "\"timeout_ms\":1}", POLICY_VIOLATION,
                        "job.task_id must be a string of 1 to 128 characters"),
                Arguments.of(hello.replace(ADDRESS, "a".repeat(129)) + "\"signature\":\"" + SIG + "\",\"max_jobs\":1}",
                        POLICY_VIOLATION, "hello.address must be a string of 1 to 128 characters"),
                Arguments.of(hello + "\"signature\":\"" + SIG.toUpperCase() + "\",\"max_jobs\":1}", POLICY_VIOLATION,
                        "hello.signature must be 65 bytes as 130 lowercase hex characters"),
                Arguments.of(hello + "\"signature\":\"" + SIG + "00\",\"max_jobs\":1}", POLICY_VIOLATION,
                        "hello.signature must be 65 bytes as 130 lowercase hex characters"),
                Arguments.of(hello + "\"signature\":\"" + SIG + "\",\"max_jobs\":0}", POLICY_VIOLATION,
                        "hello.max_jobs must be a positive integer (at most 2^31 - 1)"),
                Arguments.of(hello + "\"signature\":\"" + SIG + "\",\"gops\":-1,\"max_jobs\":1}", POLICY_VIOLATION,
                        "hello.gops must be a number ≥ 0"),
                Arguments.of(hello + "\"signature\":\"" + SIG + "\",\"gops\":1e999,\"max_jobs\":1}", POLICY_VIOLATION,
                        "hello.gops must be a number ≥ 0"),
                Arguments.of(hello + "\"signature\":\"" + SIG + "\",\"backend\":3,\"max_jobs\":1}", POLICY_VIOLATION,
                        "hello.backend must be a string"),
                Arguments.of(accepted + "\"reward_wei\":1000}", POLICY_VIOLATION,
                        "job_accepted.reward_wei must be a string of decimal wei, e.g. \"1000\""),
                Arguments.of(accepted + "\"reward_wei\":\"-5\"}", POLICY_VIOLATION,
                        "job_accepted.reward_wei must be a string of decimal wei, e.g. \"1000\""),
                Arguments.of("{\"type\":\"challenge\",\"version\":1,\"nonce\":\"00\"}", POLICY_VIOLATION,
                        "challenge.nonce must be 32 bytes as 64 lowercase hex characters"),
                // 1009: too big
                Arguments.of("{\"type\":\"heartbeat\",\"x\":\"" + "a".repeat(70_000) + "\"}", MESSAGE_TOO_BIG,
                        "message of 70027 bytes; at most 65536"),
                // fewer characters than the bound, more bytes
                Arguments.of("{\"type\":\"heartbeat\",\"x\":\"" + "é".repeat(33_000) + "\"}", MESSAGE_TOO_BIG,
                        "message of 66027 bytes; at most 65536"));
    }

    @ParameterizedTest
    @MethodSource("refusedText")
    void textThatCannotBeUsedIsRefusedWithItsReason(String text, CloseCode code, String reason) {
        assertRefused(() -> PoolCodec.decode(text), code, reason);
    }

    @Test
    void eachSideTakesOnlyTheOtherSidesMessages() {
        assertRefused(() -> PoolCodec.decodeServerMessage(PoolCodec.encode(PoolSamples.HELLO)), PROTOCOL_ERROR,
                "'hello' is not a message the PoC validator sends");
        assertRefused(() -> PoolCodec.decodeWorkerMessage(PoolCodec.encode(PoolSamples.JOB)), PROTOCOL_ERROR,
                "'job' is not a message a worker sends");
    }

    static Stream<Arguments> refusedFrames() {
        String header = "{\"type\":\"job_result\",\"job_id\":\"t/1\",\"result_hash\":\"" + HASH + "\",\"signature\":\""
                + SIG + "\",\"size\":4}";
        return Stream.of(
                Arguments.of(new byte[] {0, 0, 0}, PROTOCOL_ERROR, "result frame shorter than its 4-byte header length"),
                Arguments.of(new byte[] {0, 0, 0, 0, 1}, PROTOCOL_ERROR,
                        "result frame header length 0 does not fit the frame's 1 bytes"),
                Arguments.of(new byte[] {-1, -1, -1, -1, 1}, PROTOCOL_ERROR,
                        "result frame header length -1 does not fit the frame's 1 bytes"),
                Arguments.of(new byte[] {0, 0, 1, 0, '{', '}'}, PROTOCOL_ERROR,
                        "result frame header length 256 does not fit the frame's 2 bytes"),
                Arguments.of(new byte[] {0, 0, 0x40, 1, '{', '}'}, MESSAGE_TOO_BIG,
                        "result frame header of 16385 bytes; at most 16384"),
                Arguments.of(frame("{\"type\":", 0), PROTOCOL_ERROR, "result frame header: malformed JSON: "),
                Arguments.of(frame("[]", 0), PROTOCOL_ERROR,
                        "a result frame header must be a JSON object of type 'job_result'"),
                Arguments.of(frame(header.replace("job_result", "job"), 4), PROTOCOL_ERROR,
                        "a result frame header must be a JSON object of type 'job_result'"),
                Arguments.of(frame(header, 3), POLICY_VIOLATION,
                        "job_result.size must be the output's length: it says 4, the frame carries 3 bytes"),
                Arguments.of(frame(header.replace(",\"signature\":\"" + SIG + "\"", ""), 4), POLICY_VIOLATION,
                        "job_result is missing field 'signature'"),
                Arguments.of(frame(header.replace("4}", "1025}"), 1025), MESSAGE_TOO_BIG,
                        "result output of 1025 bytes; at most 1024 (max_result_bytes)"));
    }

    @ParameterizedTest
    @MethodSource("refusedFrames")
    void resultFramesThatCannotBeUsedAreRefusedWithTheirReason(byte[] frame, CloseCode code, String reason) {
        assertRefused(() -> PoolCodec.decode(ByteBuffer.wrap(frame), 1024), code, reason);
    }

    @Test
    void aResultFrameDecodesFromItsBuffersPosition() throws Exception {
        ByteBuffer b = PoolCodec.encode(PoolSamples.JOB_RESULT);
        ByteBuffer framed = ByteBuffer.allocate(3 + b.remaining()).put(new byte[3]).put(b).position(3);
        JobResult r = PoolCodec.decode(framed, 1 << 20);
        assertThat(r).usingRecursiveComparison().isEqualTo(PoolSamples.JOB_RESULT);
        assertThat(framed.hasRemaining()).isFalse();
    }

    private static byte[] frame(String header, int outputBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + h.length + outputBytes).putInt(h.length).put(h).array();
    }

    private static void assertRefused(ThrowingCallable decode, CloseCode code, String reason) {
        PoolProtocolException e = catchThrowableOfType(PoolProtocolException.class, decode);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getMessage()).startsWith(reason);
        assertThat(e.code()).isEqualTo(code);
    }
}
