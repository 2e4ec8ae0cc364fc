package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;
import org.cpc.protocol.codec.Hex;

/**
 * The checks a fraud proof of either kind starts with, in this order: the task's payload is a valid task of its type,
 * the job's result_hash is 64 lowercase hex, the proof's job is one of the task's, and the item it disputes (a row of
 * C, a sample) is one that job computed. The first that fails is a {@link Refused} saying what is wrong.
 */
final class DisputedJob {
    /** The first thing wrong with a proof; the verifier turns it into {@link FraudVerdict.Malformed}. */
    static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private DisputedJob() {}

    /**
     * @param item  the disputed row of C or sample
     * @param noun  what an item is called in the reason ("row", "sample")
     * @param done  what the job did to it ("computed", "run")
     * @return the task's payload, read
     */
    static <S extends JobSplit> S check(ChallengeType type, Function<JsonNode, S> read, JsonNode payload,
                                        String jobResultHash, int job, int item, String noun, String done) {
        S s;
        try {
            type.validatePayload(payload);
            s = read.apply(payload);
        } catch (IllegalArgumentException e) {
            throw new Refused("the task is not a valid " + type.name() + " task: " + e.getMessage());
        }
        if (jobResultHash == null || jobResultHash.length() != 64 || !Hex.isHex(jobResultHash)) {
            throw new Refused("the job's result_hash is not 64 lowercase hex");
        }
        if (job >= s.jobs()) throw new Refused("job " + job + " is not a job of the task (it has " + s.jobs() + ")");
        int first = s.first(job);
        int n = s.count(job);
        if (item < first || item >= first + n) {
            throw new Refused(noun + " " + item + " is not " + done + " by job " + job + " (" + noun + "s " + first
                    + ".." + (first + n - 1) + ")");
        }
        return s;
    }
}
