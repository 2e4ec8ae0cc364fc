package org.cpc.consensus;

import java.util.Objects;

/** A committed block with the certificate that makes it final: what block sync serves and what a lagging node applies. */
public record Decision<B>(long height, B block, CommitCertificate certificate) implements ConsensusMessage {
    public Decision {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(certificate, "certificate");
        if (certificate.height() != height) {
            throw new IllegalArgumentException("certificate is for height " + certificate.height() + ", not " + height);
        }
    }
}
