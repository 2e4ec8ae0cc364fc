package org.cpc.consensus;

import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.RecordJson;

/**
 * The canonical bytes that consensus signatures cover: RFC 8785 JCS of the message's fields without the
 * signature, plus a domain tag (so a vote can never be replayed as a proposal or anything else) and the
 * {@code chain_id} (so it cannot be replayed on another chain). Block signatures sign 32 raw hash bytes; these are
 * JSON objects of well over 32 bytes, so the two can never be confused either.
 *
 * <pre>
 * vote:     {"block_hash":"…hex…"|null,"chain_id":"cpc-devnet","domain":"cpc/consensus/vote/v1","height":7,
 *            "round":0,"type":"prevote"|"precommit","validator_address":"cpcvalcons1…"}
 * proposal: {"block_hash":"…hex…","chain_id":"cpc-devnet","domain":"cpc/consensus/proposal/v1","height":7,
 *            "pol_round":-1,"round":0}
 * </pre>
 */
public final class SignBytes {
    public static final String VOTE_DOMAIN = "cpc/consensus/vote/v1";
    public static final String PROPOSAL_DOMAIN = "cpc/consensus/proposal/v1";

    /** What a vote's signature covers; a nil vote's block_hash is JSON null. */
    private record VoteFields(String domain, String chainId, VoteType type, long height, int round, String blockHash,
                              String validatorAddress) {}

    /** What a proposal's signature covers. */
    private record ProposalFields(String domain, String chainId, long height, int round, int polRound,
                                  String blockHash) {}

    private SignBytes() {}

    public static byte[] vote(String chainId, VoteType type, long height, int round, String blockHash,
            String validatorAddress) {
        return Jcs.canonicalize(RecordJson.of(VoteFields.class)
                .write(new VoteFields(VOTE_DOMAIN, chainId, type, height, round, blockHash, validatorAddress)));
    }

    public static byte[] vote(String chainId, Vote v) {
        return vote(chainId, v.type(), v.height(), v.round(), v.blockHash(), v.validatorAddress());
    }

    public static byte[] proposal(String chainId, long height, int round, int polRound, String blockHash) {
        return Jcs.canonicalize(RecordJson.of(ProposalFields.class)
                .write(new ProposalFields(PROPOSAL_DOMAIN, chainId, height, round, polRound, blockHash)));
    }
}
