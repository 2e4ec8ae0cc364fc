package org.cpc.chain.market;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A committed market task as readers see it: the task, its payload and its accepted jobs in job order. */
public record TaskView(MarketTask task, ObjectNode payload, List<JobRecord> jobs) {}
