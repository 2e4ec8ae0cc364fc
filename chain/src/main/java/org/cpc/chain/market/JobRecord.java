package org.cpc.chain.market;

import java.math.BigInteger;
import java.util.Set;
import org.cpc.chain.state.JsonStateValue;

/**
 * An accepted job of a market task (state key space 0x06), with what its settlement paid.
 *
 * @param pocValidator the PoC validator that sent the result or attested it
 * @param txHash hex hash of the SUBMIT_RESULT that carried it
 */
public record JobRecord(String taskId, int job, String workerAddress, String resultHash, String pocValidator,
                        long blockHeight, String txHash, BigInteger workerReward, BigInteger pocReward,
                        BigInteger treasuryReward) implements JsonStateValue {
    static final Set<String> FIELDS = Set.of("task_id", "job", "worker_address", "result_hash", "poc_validator",
            "block_height", "tx_hash", "worker_reward", "poc_reward", "treasury_reward");

    public static JobRecord decode(byte[] v) {
        return JsonStateValue.decode(v, "job", FIELDS, f -> new JobRecord(f.string("task_id"),
                Math.toIntExact(f.uint("job")), f.string("worker_address"), f.string("result_hash"),
                f.string("poc_validator"), f.uint("block_height"), f.string("tx_hash"), f.wei("worker_reward"),
                f.wei("poc_reward"), f.wei("treasury_reward")));
    }
}
