package org.cpc.consensus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies headers the way CometBFT's light client does, from a trusted header to a target height, by commit
 * certificates and validator-set changes alone (no execution). Pure and deterministic: light blocks come from a
 * {@link Provider} the caller implements (over the network); this class does no I/O and reads no clock.
 *
 * <p>Rules, for a trusted light block T and an untrusted one U above it (both checked for form first: chain id, the
 * commit is for U's height and hash, U's set hashes to its {@code validators_hash}, U's timestamp after T's):
 * <ul>
 *   <li><b>adjacent</b> (U = T + 1): U's {@code prev_hash} is T's hash, U's {@code validators_hash} is T's
 *       {@code next_validators_hash}, and U's commit holds more than 2/3 of U's set;</li>
 *   <li><b>skipping</b> (U &gt; T + 1): U's commit holds more than 2/3 of U's set, <em>and</em> its signatures by
 *       members of T's set (same address and key) hold more than 1/3 of T's power ({@link #TRUST_NUMERATOR}/
 *       {@link #TRUST_DENOMINATOR}): at least one validator honest at T vouches for U. When that overlap is too
 *       small the client bisects: it verifies the height halfway first and goes on from there.</li>
 * </ul>
 * The trusted header must be within the trusting period: a target more than {@code trustingPeriodBlocks} above it
 * is refused, because validators of that time may have unbonded and could sign a false history unpunished
 * (long-range attack); the operator must then give a newer trusted height and hash.
 */
public final class LightClient {
    public static final int TRUST_NUMERATOR = 1;
    public static final int TRUST_DENOMINATOR = 3;
    /** Bisection never needs more steps than this (a height range halves each time); a provider that makes it is lying. */
    public static final int MAX_STEPS = 4096;

    /** Where light blocks come from; the client checks everything it is given. */
    @FunctionalInterface
    public interface Provider {
        /**
         * The light block of {@code height}.
         *
         * @throws LightClientException when none can be had (no peer serves it)
         */
        LightBlock lightBlock(long height) throws LightClientException;
    }

    private final String chainId;
    private final CommitVerifier commits;
    private final SignatureVerifier signatures;
    private final long trustingPeriodBlocks;

    public LightClient(String chainId, SignatureVerifier signatures, long trustingPeriodBlocks) {
        if (trustingPeriodBlocks < 1) throw new IllegalArgumentException("trusting period must be at least 1 block");
        this.chainId = chainId;
        this.signatures = signatures;
        this.commits = new CommitVerifier(chainId, signatures);
        this.trustingPeriodBlocks = trustingPeriodBlocks;
    }

    /**
     * Verifies the light block of {@code targetHeight} from {@code trusted}, bisecting where needed.
     *
     * @return the light blocks verified on the way, in increasing height, the target last
     * @throws LightClientException a light block breaks a rule, the trusted one is too old, or the provider fails
     */
    public List<LightBlock> verify(LightBlock trusted, long targetHeight, Provider provider)
            throws LightClientException {
        if (targetHeight <= trusted.height()) {
            throw new LightClientException("target height " + targetHeight + " is not above the trusted height "
                    + trusted.height());
        }
        if (targetHeight - trusted.height() > trustingPeriodBlocks) {
            throw new LightClientException("the trusted height " + trusted.height() + " is more than the trusting period ("
                    + trustingPeriodBlocks + " blocks, the unbonding period) below " + targetHeight
                    + "; trust a newer height and hash (--trust-height, --trust-hash) taken from a node you trust");
        }
        List<LightBlock> trace = new ArrayList<>();
        List<LightBlock> pending = new ArrayList<>();
        pending.add(fetch(provider, targetHeight));
        LightBlock verified = trusted;
        int depth = 0;
        for (int steps = 0; steps < MAX_STEPS; steps++) {
            LightBlock next = pending.get(depth);
            if (verifyStep(verified, next)) {
                verified = next;
                trace.add(next);
                if (depth == 0) return trace;
                pending.subList(depth, pending.size()).clear();
                depth = 0;
            } else {
                if (depth == pending.size() - 1) {
                    long pivot = verified.height() + (next.height() - verified.height()) / 2;
                    pending.add(fetch(provider, pivot));
                }
                depth++;
            }
        }
        throw new LightClientException("bisection did not end within " + MAX_STEPS + " steps");
    }

    private static LightBlock fetch(Provider provider, long height) throws LightClientException {
        LightBlock b = provider.lightBlock(height);
        if (b == null || b.height() != height) {
            throw new LightClientException("asked for the light block of " + height + ", got "
                    + (b == null ? "none" : "height " + b.height()));
        }
        return b;
    }

    /**
     * One verification step from {@code trusted} to {@code untrusted}: true when verified, false when the trusted
     * set's overlap with the signers is too small to skip to it (bisect).
     *
     * @throws LightClientException the untrusted block breaks a rule
     */
    boolean verifyStep(LightBlock trusted, LightBlock untrusted) throws LightClientException {
        long h = untrusted.height();
        checkForm(untrusted);
        if (h <= trusted.height()) throw new LightClientException("light block " + h + " is not above " + trusted.height());
        if (untrusted.header().timestamp() <= trusted.header().timestamp()) {
            throw new LightClientException("light block " + h + " is not later than block " + trusted.height());
        }
        if (h == trusted.height() + 1) {
            if (!untrusted.header().prevHash().equals(trusted.hashHex())) {
                throw new LightClientException("light block " + h + " does not follow the trusted block " + trusted.height()
                        + " (prev_hash " + untrusted.header().prevHash() + ")");
            }
            if (!untrusted.header().validatorsHash().equals(trusted.header().nextValidatorsHash())) {
                throw new LightClientException("light block " + h + "'s validators_hash is not the next_validators_hash of "
                        + trusted.height());
            }
        } else if (!trustedOverlap(trusted.validators(), untrusted.commit())) {
            return false;
        }
        try {
            commits.verify(untrusted.validators(), h, untrusted.hashHex(), untrusted.commit());
        } catch (InvalidCommitException e) {
            throw new LightClientException("light block " + h + ": " + e.getMessage());
        }
        return true;
    }

    /** Basic form: the chain, the commit for this header, the set for this header. */
    private void checkForm(LightBlock b) throws LightClientException {
        long h = b.height();
        if (!chainId.equals(b.header().chainId())) {
            throw new LightClientException("light block " + h + " is of chain " + b.header().chainId() + ", not " + chainId);
        }
        if (b.commit() == null || b.commit().height() != h || !b.commit().blockHash().equals(b.hashHex())) {
            throw new LightClientException("light block " + h + "'s commit is not for its header");
        }
        if (b.validators() == null || !b.validators().hashHex().equals(b.header().validatorsHash())) {
            throw new LightClientException("light block " + h + "'s validator set does not hash to its validators_hash");
        }
    }

    /**
     * Whether the commit's valid precommits by members of {@code trusted} (same address and key) hold more than
     * 1/3 of its power. A signature that does not verify under the trusted key is not counted (it may be a new key
     * for the same address); the full check against the untrusted set follows.
     */
    private boolean trustedOverlap(ValidatorSet trusted, CommitCertificate commit) {
        long power = 0;
        Set<String> seen = new HashSet<>();
        for (CommitSignature s : commit.signatures()) {
            Validator v = trusted.byAddress(s.validatorAddress());
            if (v == null || !seen.add(v.address())) continue;
            if (!signatures.verify(v, SignBytes.vote(chainId, commit.precommitOf(s)), s.signature())) continue;
            power += v.power();
        }
        return (long) TRUST_DENOMINATOR * power > (long) TRUST_NUMERATOR * trusted.totalPower();
    }
}
