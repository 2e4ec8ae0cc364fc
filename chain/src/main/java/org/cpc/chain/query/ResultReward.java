package org.cpc.chain.query;

import java.math.BigInteger;
import org.cpc.chain.exec.ResultPayment;
import org.cpc.protocol.types.ComputeResult;

/**
 * A SUBMIT_RESULT of a committed block and what it earned its worker.
 *
 * @param index position in the block
 * @param kind {@code SYNTHETIC} (paid from the block reward's compute share) or {@code MARKET} (a job of a market
 *     task, paid from its escrow)
 * @param reward wei credited to the worker for it
 * @param pocValidator for a market job, the PoC validator credited with it; null otherwise
 */
public record ResultReward(int index, String txHash, ResultPayment.Kind kind, ComputeResult result, BigInteger reward,
                           String pocValidator) {}
