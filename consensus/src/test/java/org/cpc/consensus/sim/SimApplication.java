package org.cpc.consensus.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.cpc.consensus.Application;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.Decision;

/**
 * A tiny deterministic application: a chain of {@link SimBlock}s. Validity is a pure function of the committed
 * chain and the block: right height, parent = our head, at most 8 values, all ≥ 0.
 */
public final class SimApplication implements Application<SimBlock> {
    public static final String GENESIS_HASH = "0".repeat(64);

    private final List<Decision<SimBlock>> chain = new ArrayList<>(); // index i = height i + 1
    private final Consumer<Decision<SimBlock>> onCommit;

    public SimApplication(Consumer<Decision<SimBlock>> onCommit) {
        this.onCommit = onCommit;
    }

    @Override
    public String hashHex(SimBlock block) {
        return block.hashHex();
    }

    public long headHeight() {
        return chain.size();
    }

    public String headHash() {
        return chain.isEmpty() ? GENESIS_HASH : chain.getLast().block().hashHex();
    }

    @Override
    public SimBlock propose(long height, int round, String proposerAddress, long timestampMs,
            org.cpc.consensus.CommitCertificate lastCommit) {
        List<Long> values = List.of(height * 1000 + round, timestampMs, (long) proposerAddress.hashCode() & 0xffff);
        return new SimBlock(height, headHash(), proposerAddress, round, values);
    }

    @Override
    public boolean validate(long height, SimBlock b) {
        return b.height() == height && height == headHeight() + 1 && b.prevHash().equals(headHash())
                && b.values().size() <= 8 && b.values().stream().allMatch(v -> v >= 0);
    }

    @Override
    public void commit(long height, SimBlock block, CommitCertificate certificate) {
        if (height != headHeight() + 1 || !validate(height, block)) {
            throw new AssertionError("commit of an invalid or out-of-order block at height " + height + ": " + block);
        }
        Decision<SimBlock> d = new Decision<>(height, block, certificate);
        chain.add(d);
        onCommit.accept(d);
    }

    @Override
    public Optional<Decision<SimBlock>> committed(long height) {
        return height >= 1 && height <= chain.size() ? Optional.of(chain.get((int) height - 1)) : Optional.empty();
    }
}
