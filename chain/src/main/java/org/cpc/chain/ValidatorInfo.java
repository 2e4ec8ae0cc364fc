package org.cpc.chain;

/**
 * A genesis validator.
 *
 * @param address {@code cpcvalcons...} address of the consensus key
 * @param publicKey raw ML-DSA-65 public key, hex
 * @param rewardAddress {@code cpc...} account that receives the proposer's reward and fees
 * @param power voting power (equal for all on devnet)
 */
public record ValidatorInfo(String address, String publicKey, String rewardAddress, long power) {}
