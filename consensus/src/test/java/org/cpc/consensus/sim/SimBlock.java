package org.cpc.consensus.sim;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;

/** The simulation's block: a list of values on top of a parent. Valid values are ≥ 0 (a Byzantine proposer can break that). */
public record SimBlock(long height, String prevHash, String proposer, int round, List<Long> values) {
    public SimBlock {
        values = List.copyOf(values);
    }

    public String hashHex() {
        String canon = height + "|" + prevHash + "|" + proposer + "|" + round + "|" + values;
        return Hex.encode(Sha256.hash(canon.getBytes(StandardCharsets.UTF_8)));
    }
}
