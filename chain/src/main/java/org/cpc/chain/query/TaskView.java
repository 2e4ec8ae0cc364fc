package org.cpc.chain.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.cpc.chain.market.JobRecord;
import org.cpc.chain.market.MarketTask;

/** A committed market task as readers see it: the task, its payload and its accepted jobs in job order. */
public record TaskView(MarketTask task, ObjectNode payload, List<JobRecord> jobs) {}
