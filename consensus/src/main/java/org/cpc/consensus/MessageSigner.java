package org.cpc.consensus;

/**
 * Signs the proposals and votes this validator casts. The key may be a {@link GuardedSigner}, which refuses
 * ({@link SignRefusedException}) a proposal of a round for which it signed a different one, or a vote of a
 * (height, round, type) for which it signed another vote or a later one, before a restart whose inputs the WAL lost:
 * then there is no message, and the machine goes on as if it had been lost in the network.
 */
final class MessageSigner {
    private final String chainId;
    private final Signer signer;

    MessageSigner(String chainId, Signer signer) {
        this.chainId = chainId;
        this.signer = signer;
    }

    /** The signed proposal, or null if the guard refuses it. */
    <B> Proposal<B> proposal(long height, int round, int polRound, B block, String hash) {
        String sig;
        try {
            sig = signer.sign(SignBytes.proposal(chainId, height, round, polRound, hash));
        } catch (SignRefusedException e) {
            return null;
        }
        return new Proposal<>(height, round, polRound, block, sig);
    }

    /** The signed vote, or null if the guard refuses it. */
    Vote vote(VoteType type, long height, int round, String hash) {
        Vote unsigned = new Vote(type, height, round, hash, signer.address(), null);
        try {
            return unsigned.withSignature(signer.sign(SignBytes.vote(chainId, unsigned)));
        } catch (SignRefusedException e) {
            return null;
        }
    }
}
