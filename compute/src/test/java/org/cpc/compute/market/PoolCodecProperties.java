package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
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
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Amounts;

/**
 * The pool codec over generated messages: every message reads back as it was written, from either side, and no
 * input, however broken, makes decoding throw anything but a {@link PoolProtocolException}.
 */
class PoolCodecProperties {

    @Property(tries = 500)
    void serverMessagesRoundTrip(@ForAll("serverMessages") ServerMessage m) throws Exception {
        String text = PoolCodec.encode(m);
        ServerMessage back = PoolCodec.decodeServerMessage(text);
        // Free-form JSON compares by its text (a decoded number node is of another class than the one built).
        assertThat(back).usingRecursiveComparison().ignoringFields("payload", "description").isEqualTo(m);
        assertThat(PoolCodec.encode(back)).isEqualTo(text);
    }

    @Property(tries = 300)
    void workerMessagesRoundTrip(@ForAll("workerMessages") WorkerMessage m) throws Exception {
        String text = PoolCodec.encode(m);
        WorkerMessage back = PoolCodec.decodeWorkerMessage(text);
        assertThat(back).usingRecursiveComparison().isEqualTo(m);
        assertThat(PoolCodec.encode(back)).isEqualTo(text);
    }

    @Property(tries = 200)
    void resultFramesRoundTrip(@ForAll("results") JobResult r) throws Exception {
        JobResult back = PoolCodec.decode(PoolCodec.encode(r), r.output().length);
        assertThat(back).usingRecursiveComparison().isEqualTo(r);
    }

    @Property(tries = 1000)
    void anyTextDecodesOrIsRefused(@ForAll @Size(max = 300) String text) {
        decodesOrIsRefused(text);
    }

    /** The samples with one character replaced or the text cut short: mostly near-valid messages. */
    @Property(tries = 2000)
    void damagedMessagesDecodeOrAreRefused(@ForAll @IntRange(min = 0, max = 9) int which, @ForAll @IntRange(min = 0, max = 1000) int at,
                                            @ForAll char c, @ForAll boolean cut) {
        String text = which < PoolSamples.SERVER.size() ? PoolCodec.encode(PoolSamples.SERVER.get(which))
                : PoolCodec.encode(PoolSamples.WORKER.get(which - PoolSamples.SERVER.size()));
        int i = at % text.length();
        decodesOrIsRefused(cut ? text.substring(0, i) : text.substring(0, i) + c + text.substring(i + 1));
    }

    @Property(tries = 1000)
    void anyBytesDecodeOrAreRefused(@ForAll @Size(max = 400) byte[] frame) {
        try {
            PoolCodec.decode(ByteBuffer.wrap(frame), 256);
        } catch (PoolProtocolException expected) {
            // refused with a reason: fine
        }
    }

    @Property(tries = 1000)
    void damagedFramesDecodeOrAreRefused(@ForAll @IntRange(min = 0, max = 5000) int at, @ForAll byte b) {
        ByteBuffer f = PoolCodec.encode(PoolSamples.JOB_RESULT);
        byte[] bytes = new byte[f.remaining()];
        f.get(bytes);
        bytes[at % bytes.length] = b;
        try {
            PoolCodec.decode(ByteBuffer.wrap(bytes), 1 << 20);
        } catch (PoolProtocolException expected) {
            // refused with a reason: fine
        }
    }

    private static void decodesOrIsRefused(String text) {
        try {
            PoolCodec.decode(text);
        } catch (PoolProtocolException e) {
            assertThat(PoolProtocolException.closeReason(e.getMessage()).getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(PoolProtocolException.MAX_CLOSE_REASON_BYTES);
        }
    }

    // ------------------------------------------------------------------ generators

    private static Arbitrary<String> ids() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(PoolCodec.MAX_ID_CHARS);
    }

    /** Any text, longer than the bounds too: names and reasons are cut, not refused. */
    private static Arbitrary<String> texts() {
        return Arbitraries.strings().ofMaxLength(1500);
    }

    private static Arbitrary<byte[]> bytes(int n) {
        return Arbitraries.bytes().array(byte[].class).ofSize(n);
    }

    private static Arbitrary<Long> positiveLongs() {
        return Arbitraries.longs().between(1, Jcs.MAX_SAFE_INTEGER);
    }

    private static Arbitrary<Integer> positiveInts() {
        return Arbitraries.integers().between(1, Integer.MAX_VALUE);
    }

    private static Arbitrary<JsonNode> objects() {
        Arbitrary<Object> values = Arbitraries.oneOf(Arbitraries.longs().between(-Jcs.MAX_SAFE_INTEGER, Jcs.MAX_SAFE_INTEGER)
                .map(Object.class::cast), Arbitraries.strings().ofMaxLength(40).map(Object.class::cast));
        return Arbitraries.maps(Arbitraries.strings().ofMaxLength(12), values).ofMaxSize(6).map(map -> {
            ObjectNode o = Json.object();
            for (Map.Entry<String, Object> e : map.entrySet()) {
                if (e.getValue() instanceof Long l) o.put(e.getKey(), l);
                else o.put(e.getKey(), (String) e.getValue());
            }
            return o;
        });
    }

    @Provide
    Arbitrary<ServerMessage> serverMessages() {
        Arbitrary<Job> jobs = Combinators.combine(ids(), ids(), Arbitraries.integers().between(0, Integer.MAX_VALUE), ids(),
                objects(), objects(), positiveLongs(), positiveLongs()).as(Job::new);
        Arbitrary<JobAccepted> accepted = Combinators.combine(ids(), bytes(32),
                Arbitraries.bigIntegers().between(BigInteger.ZERO, Amounts.MAX_WEI), ids()).as(JobAccepted::new);
        return Arbitraries.oneOf(
                bytes(32).map(n -> new Challenge(PoolProtocol.VERSION, n)),
                Combinators.combine(ids(), ids(), positiveInts(), positiveLongs(), positiveLongs(), positiveInts())
                        .as(Welcome::new),
                jobs,
                accepted,
                Combinators.combine(ids(), texts()).as(JobRejected::new),
                Combinators.combine(ids(), texts()).as(Cancel::new),
                texts().map(ErrorMessage::new));
    }

    @Provide
    Arbitrary<WorkerMessage> workerMessages() {
        return Arbitraries.oneOf(
                Combinators.combine(ids(), bytes(65), texts(), texts(), Arbitraries.doubles().between(0, 1e9), positiveInts())
                        .as(Hello::new),
                Combinators.combine(ids(), texts()).as(JobError::new),
                Arbitraries.just(new Heartbeat()));
    }

    @Provide
    Arbitrary<JobResult> results() {
        return Combinators.combine(ids(), bytes(32), bytes(65), Arbitraries.bytes().array(byte[].class).ofMaxSize(5000))
                .as(JobResult::new);
    }
}
