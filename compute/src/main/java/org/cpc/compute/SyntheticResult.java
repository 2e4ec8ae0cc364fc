package org.cpc.compute;

/**
 * What a worker submits for a synthetic task (the ComputeResult fields this engine fills), with how long it took.
 *
 * @param taskId     the task's UUID
 * @param resultHash RFC 6962 root over the rows of C, hex
 * @param proof      the challenged rows' audit paths, hex
 * @param nonce      the height of the block the task came from
 * @param timings    the worker's time, for its status line
 */
public record SyntheticResult(String taskId, String resultHash, String proof, long nonce, ProverTimings timings) {}
