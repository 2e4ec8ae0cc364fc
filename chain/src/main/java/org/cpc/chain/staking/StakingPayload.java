package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.cpc.chain.exec.TxRejected;
import org.cpc.consensus.DuplicateVoteEvidence;
import org.cpc.consensus.SignBytes;
import org.cpc.consensus.Vote;
import org.cpc.consensus.VoteType;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.MlDsa;

/**
 * What the payload of a staking transaction says, read by the stateless rules: the new validator of a first STAKE,
 * the changes of an UPDATE_VALIDATOR, the two votes of a SUBMIT_EVIDENCE. The other staking types carry {@code {}}.
 */
public sealed interface StakingPayload {
    /** Longest validator name and website, in characters. */
    int MAX_NAME = 64, MAX_WEBSITE = 140;
    /** Domain of the proof of possession a first STAKE carries. */
    String POP_DOMAIN = "cpc/stake/pop/v1";

    /** A first STAKE: the validator to create. {@code pop} is checked at execution (it is the expensive part). */
    record CreateValidator(String consensusPublicKey, String consensusAddress, String pop, String name,
                           String website, int commissionBps) implements StakingPayload {
        static final Set<String> FIELDS = Set.of("consensus_public_key", "pop", "name", "website", "commission_bps");

        /** True when {@code pop} is the consensus key's ML-DSA-65 signature of {@link #popMessage}. */
        public boolean popVerifies(String chainId, String operator) {
            return MlDsa.verify(Hex.decode(consensusPublicKey), popMessage(chainId, operator), Hex.decode(pop));
        }
    }

    /** An UPDATE_VALIDATOR: null fields stay as they are. */
    record UpdateValidator(String name, String website, Integer commissionBps) implements StakingPayload {
        static final Set<String> FIELDS = Set.of("name", "website", "commission_bps");
    }

    /** A SUBMIT_EVIDENCE: two conflicting votes of one validator (their form checked, not yet their signatures). */
    record Evidence(DuplicateVoteEvidence votes) implements StakingPayload {
        static final Set<String> FIELDS = Set.of("first", "second");
        static final Set<String> VOTE_FIELDS = Set.of("type", "height", "round", "block_hash", "validator_address",
                "signature");

        /** True when both votes carry valid ML-DSA-65 signatures of {@code publicKeyHex} under {@code chainId}. */
        public boolean verifies(String chainId, String publicKeyHex) {
            byte[] key = Hex.decode(publicKeyHex);
            return signed(chainId, key, votes.first()) && signed(chainId, key, votes.second());
        }

        private static boolean signed(String chainId, byte[] key, Vote v) {
            return MlDsa.verify(key, SignBytes.vote(chainId, v), Hex.decode(v.signature()));
        }
    }

    /** The bytes a consensus key signs to prove its operator holds it: JCS of {chain_id, domain, operator_address}. */
    static byte[] popMessage(String chainId, String operator) {
        ObjectNode o = Json.object();
        o.put("chain_id", chainId);
        o.put("domain", POP_DOMAIN);
        o.put("operator_address", operator);
        return Jcs.canonicalize(o);
    }

    static CreateValidator createValidator(ObjectNode payload) throws TxRejected {
        try {
            JsonFields f = JsonFields.of(payload, "STAKE payload", CreateValidator.FIELDS);
            String key = f.string("consensus_public_key");
            hex(key, MlDsa.PUBLIC_KEY_LENGTH, "consensus_public_key", "an ML-DSA-65 public key");
            String pop = f.string("pop");
            hex(pop, MlDsa.SIGNATURE_LENGTH, "pop", "an ML-DSA-65 signature");
            return new CreateValidator(key, Address.validatorConsensus(Hex.decode(key)), pop,
                    text(f.string("name"), MAX_NAME, "name"), text(f.string("website"), MAX_WEBSITE, "website"),
                    commission(f.uint("commission_bps")));
        } catch (IllegalArgumentException e) {
            throw new TxRejected(e.getMessage() + "; a first STAKE's payload is {\"consensus_public_key\",\"pop\","
                    + "\"name\",\"website\",\"commission_bps\"}, later ones {}");
        }
    }

    static UpdateValidator updateValidator(ObjectNode payload) throws TxRejected {
        if (payload.isEmpty()) {
            throw new TxRejected("UPDATE_VALIDATOR payload must change at least one of name, website, commission_bps");
        }
        try {
            JsonFields f = JsonFields.of(payload, "UPDATE_VALIDATOR payload", UpdateValidator.FIELDS);
            String name = f.optionalString("name"), website = f.optionalString("website");
            Long c = f.optionalUint("commission_bps");
            return new UpdateValidator(name == null ? null : text(name, MAX_NAME, "name"),
                    website == null ? null : text(website, MAX_WEBSITE, "website"),
                    c == null ? null : commission(c));
        } catch (IllegalArgumentException e) {
            throw new TxRejected(e.getMessage());
        }
    }

    static Evidence evidence(ObjectNode payload) throws TxRejected {
        try {
            JsonFields f = JsonFields.of(payload, "SUBMIT_EVIDENCE payload", Evidence.FIELDS);
            return new Evidence(new DuplicateVoteEvidence(vote(f.raw("first"), "first"), vote(f.raw("second"), "second")));
        } catch (IllegalArgumentException e) {
            throw new TxRejected("SUBMIT_EVIDENCE: " + e.getMessage() + "; the payload is {\"first\": vote,"
                    + " \"second\": vote} with two conflicting votes of one validator (the /evidence vote format)");
        }
    }

    /** A vote in the /evidence format: {type, height, round, block_hash | null, validator_address, signature}. */
    private static Vote vote(JsonNode n, String what) {
        JsonFields f = JsonFields.of(n, what, Evidence.VOTE_FIELDS);
        VoteType type = switch (f.string("type")) {
            case "prevote" -> VoteType.PREVOTE;
            case "precommit" -> VoteType.PRECOMMIT;
            default -> throw new IllegalArgumentException(what + ".type must be prevote or precommit");
        };
        String hash = f.nullableString("block_hash");
        if (hash != null) hex(hash, 32, what + ".block_hash", "a block hash");
        long round = f.uint("round");
        if (round > Integer.MAX_VALUE) throw new IllegalArgumentException(what + ".round is too large");
        String validator = f.string("validator_address");
        if (!validator.startsWith(Address.VALIDATOR_PREFIX + "1")) {
            throw new IllegalArgumentException(what + ".validator_address must be a cpcvalcons address");
        }
        String sig = f.string("signature");
        hex(sig, MlDsa.SIGNATURE_LENGTH, what + ".signature", "an ML-DSA-65 signature");
        return new Vote(type, f.uint("height"), (int) round, hash, validator, sig);
    }

    private static void hex(String s, int bytes, String field, String what) {
        if (s.length() != 2 * bytes || !Hex.isHex(s)) {
            throw new IllegalArgumentException(field + " must be " + what + ": " + bytes + " bytes as " + 2 * bytes
                    + " lowercase hex characters");
        }
    }

    private static String text(String s, int max, String field) {
        if (s.length() > max) throw new IllegalArgumentException(field + " is longer than " + max + " characters");
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(s)) throw new IllegalArgumentException(field + " is not text");
        return s;
    }

    private static int commission(long bps) {
        if (bps > 10_000) throw new IllegalArgumentException("commission_bps must be 0..10000, not " + bps);
        return (int) bps;
    }
}
