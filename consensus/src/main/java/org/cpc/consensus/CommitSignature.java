package org.cpc.consensus;

/** One precommit inside a commit certificate: who signed, and the hex signature of its precommit for the block. */
public record CommitSignature(String validatorAddress, String signature) {}
