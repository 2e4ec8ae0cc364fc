package org.cpc.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * The JSON payload of one WAL record (framed by {@link RecordFraming}); messages use {@link MessageCodec}'s wire
 * form, so a WAL can be read with the same tools as the network.
 *
 * <pre>
 * {"input":"start","height":7,"delay_ms":1000}
 * {"input":"message","message":{…MessageCodec…}}
 * {"input":"timeout","step":"propose"|"prevote"|"precommit"|"new_height","height":7,"round":1}
 * {"input":"proposal_value","height":7,"round":1,"block":{…}}
 * {"input":"validity","height":7,"block_hash":"…","valid":true}
 * </pre>
 */
public final class WalCodec<B> {
    private static final Set<String> START = Set.of("input", "height", "delay_ms");
    private static final Set<String> MESSAGE = Set.of("input", "message");
    private static final Set<String> TIMEOUT = Set.of("input", "step", "height", "round");
    private static final Set<String> PROPOSAL_VALUE = Set.of("input", "height", "round", "block");
    private static final Set<String> VALIDITY = Set.of("input", "height", "block_hash", "valid");

    private final MessageCodec.BlockCodec<B> blocks;
    private final MessageCodec<B> messages;

    public WalCodec(MessageCodec.BlockCodec<B> blocks) {
        this.blocks = blocks;
        this.messages = new MessageCodec<>(blocks);
    }

    public byte[] encode(ConsensusInput<B> input) {
        ObjectNode o = Json.object();
        switch (input) {
            case ConsensusInput.Start<B> s -> {
                o.put("input", "start");
                o.put("height", s.height());
                o.put("delay_ms", s.delayMs());
            }
            case ConsensusInput.Received<B> r -> {
                o.put("input", "message");
                o.set("message", messages.toJson(r.message()));
            }
            case ConsensusInput.TimeoutFired<B> t -> {
                o.put("input", "timeout");
                o.put("step", t.timeout().step().name().toLowerCase(java.util.Locale.ROOT));
                o.put("height", t.timeout().height());
                o.put("round", t.timeout().round());
            }
            case ConsensusInput.ProposalValue<B> p -> {
                o.put("input", "proposal_value");
                o.put("height", p.height());
                o.put("round", p.round());
                // The block is nearly all of the record: its bytes are spliced in rather than built as a tree.
                byte[] head = write(o);
                byte[] block = blocks.toJsonBytes(p.block());
                byte[] field = ",\"block\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(head.length + field.length + block.length);
                out.write(head, 0, head.length - 1);
                out.writeBytes(field);
                out.writeBytes(block);
                out.write('}');
                return out.toByteArray();
            }
            case ConsensusInput.Validity<B> v -> {
                o.put("input", "validity");
                o.put("height", v.height());
                o.put("block_hash", v.blockHash());
                o.put("valid", v.valid());
            }
        }
        return write(o);
    }

    private static byte[] write(ObjectNode o) {
        try {
            return Json.MAPPER.writeValueAsBytes(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a WAL record", e);
        }
    }

    /** Strict: unknown or missing fields are refused with a message naming them. */
    public ConsensusInput<B> decode(byte[] payload) {
        JsonNode node = Json.parse(payload);
        if (!node.isObject() || !node.path("input").isTextual()) {
            throw new IllegalArgumentException("WAL record must be a JSON object with a string 'input'");
        }
        String kind = node.get("input").textValue();
        return switch (kind) {
            case "start" -> {
                JsonFields f = JsonFields.of(node, "start", START);
                yield new ConsensusInput.Start<>(f.uint("height"), f.uint("delay_ms"));
            }
            case "message" -> new ConsensusInput.Received<>(
                    messages.fromJson(JsonFields.of(node, "message", MESSAGE).raw("message")));
            case "timeout" -> {
                JsonFields f = JsonFields.of(node, "timeout", TIMEOUT);
                Step step = switch (f.string("step")) {
                    case "new_height" -> Step.NEW_HEIGHT;
                    case "propose" -> Step.PROPOSE;
                    case "prevote" -> Step.PREVOTE;
                    case "precommit" -> Step.PRECOMMIT;
                    default -> throw new IllegalArgumentException("timeout.step must be new_height, propose, prevote or precommit");
                };
                yield new ConsensusInput.TimeoutFired<>(new Timeout(step, f.uint("height"), round(f.uint("round"))));
            }
            case "proposal_value" -> {
                JsonFields f = JsonFields.of(node, "proposal_value", PROPOSAL_VALUE);
                yield new ConsensusInput.ProposalValue<>(f.uint("height"), round(f.uint("round")),
                        blocks.fromJson(f.raw("block")));
            }
            case "validity" -> {
                JsonFields f = JsonFields.of(node, "validity", VALIDITY);
                String hash = f.string("block_hash");
                Hex.decode(hash, 32, "validity.block_hash");
                JsonNode valid = f.raw("valid");
                if (!valid.isBoolean()) throw new IllegalArgumentException("validity.valid must be a boolean");
                yield new ConsensusInput.Validity<>(f.uint("height"), hash, valid.booleanValue());
            }
            default -> throw new IllegalArgumentException("unknown WAL input '" + kind + "'");
        };
    }

    private static int round(long r) {
        if (r > Integer.MAX_VALUE) throw new IllegalArgumentException("round is too large");
        return (int) r;
    }
}
