package org.cpc.chain.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.cpc.chain.market.JobDispute;
import org.cpc.chain.market.JobRecord;
import org.cpc.chain.market.MarketTask;

/**
 * A committed market task as readers see it: the task, its payload and its accepted jobs in job order, and where its
 * disputes stand.
 *
 * @param lastSettledHeight the height of its last accepted job, 0 when none
 * @param disputeUntil the last height at which a FRAUD_PROOF may dispute one of its jobs; null while the task still
 *     takes results (at the head's time) or has no accepted job
 * @param disputes the jobs proven wrong, in job order
 */
public record TaskView(MarketTask task, ObjectNode payload, List<JobRecord> jobs, long lastSettledHeight,
                       Long disputeUntil, List<JobDispute> disputes) {}
