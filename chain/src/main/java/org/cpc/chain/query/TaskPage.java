package org.cpc.chain.query;

import java.util.List;
import org.cpc.chain.market.MarketTask;

/**
 * One page of market tasks, newest first (by the position of their CREATE_TASK).
 *
 * @param more whether tasks beyond this page match
 */
public record TaskPage(List<MarketTask> tasks, boolean more) {}
