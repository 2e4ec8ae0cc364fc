package org.cpc.poc.core;

/**
 * One hand-out of a job to a worker. {@code seq} tells hand-outs of the same job apart, so that a verification
 * finishing after its job was reassigned is recognised as stale.
 *
 * @param deadlineMs machine time after which the job goes to another worker
 * @param audit whether this run is a duplicate of an output already verified
 */
public record Assignment(long seq, Job job, long session, long timeoutMs, long deadlineMs, boolean audit) {}
