package org.cpc.protocol.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.codec.RecordJson;
import org.cpc.protocol.crypto.Sha256;

/**
 * A block header: every field the seed and the design name. The block hash is SHA-256 of the header's JCS.
 * {@code timestamp} is unix milliseconds (blocks come every second or faster); {@code compute_root} is the
 * seed's {@code compute_poc_root}, {@code ""} for a block without SUBMIT_RESULT. {@code validators_hash} and
 * {@code next_validators_hash} commit to the validator sets of this height and the next, {@code last_commit_hash}
 * and {@code evidence_hash} to the block's {@code last_commit} and {@code evidence} ({@link Block#lastCommitHash},
 * {@link Block#evidenceHash}; {@code ""} when there is none). The two ZK fields are reserved and null in protocol v1.
 */
public record BlockHeader(
        long height,
        String prevHash,
        long timestamp,
        String chainId,
        String proposerAddress,
        long round,
        String txRoot,
        String stateRoot,
        String computeRoot,
        long gasUsed,
        long gasLimit,
        String validatorsHash,
        String nextValidatorsHash,
        String lastCommitHash,
        String evidenceHash,
        String zkStateProof,
        String zkComputeProof) {

    public static final Set<String> FIELDS = Set.of("height", "prev_hash", "timestamp", "chain_id",
            "proposer_address", "round", "tx_root", "state_root", "compute_root", "gas_used", "gas_limit",
            "validators_hash", "next_validators_hash", "last_commit_hash", "evidence_hash", "zk_state_proof",
            "zk_compute_proof");
    /** The header object that is hashed; the reserved ZK fields are written as null while unset. */
    private static final RecordJson<BlockHeader> JSON = RecordJson.of(BlockHeader.class)
            .nullAsJsonNull("zkStateProof", "zkComputeProof");

    /** The parent hash of the genesis block. */
    public static final String ZERO_HASH = "0".repeat(64);

    public ObjectNode toJson() {
        return JSON.write(this);
    }

    public byte[] hash() {
        return Sha256.hash(Jcs.canonicalize(toJson()));
    }

    public String hashHex() {
        return Hex.encode(hash());
    }

    public static BlockHeader fromJson(JsonNode node) {
        JsonFields f = JsonFields.of(node, "header", FIELDS);
        BlockHeader h = new BlockHeader(
                f.uint("height"),
                f.string("prev_hash"),
                f.uint("timestamp"),
                f.string("chain_id"),
                f.string("proposer_address"),
                f.uint("round"),
                f.string("tx_root"),
                f.string("state_root"),
                f.string("compute_root"),
                f.uint("gas_used"),
                f.uint("gas_limit"),
                f.string("validators_hash"),
                f.string("next_validators_hash"),
                f.string("last_commit_hash"),
                f.string("evidence_hash"),
                f.nullableString("zk_state_proof"),
                f.nullableString("zk_compute_proof"));
        Hex.decode(h.prevHash, 32, "header.prev_hash");
        Hex.decode(h.txRoot, 32, "header.tx_root");
        Hex.decode(h.stateRoot, 32, "header.state_root");
        if (!h.computeRoot.isEmpty()) Hex.decode(h.computeRoot, 32, "header.compute_root");
        Hex.decode(h.validatorsHash, 32, "header.validators_hash");
        Hex.decode(h.nextValidatorsHash, 32, "header.next_validators_hash");
        if (!h.lastCommitHash.isEmpty()) Hex.decode(h.lastCommitHash, 32, "header.last_commit_hash");
        if (!h.evidenceHash.isEmpty()) Hex.decode(h.evidenceHash, 32, "header.evidence_hash");
        // The block's hash is that of the header's JCS; consensus takes it before anything else is checked.
        Jcs.requireCanonical(node, "header");
        return h;
    }
}
