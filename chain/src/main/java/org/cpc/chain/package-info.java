/**
 * The chain: state machine, block building and validation, mempool and RocksDB storage, behind {@link
 * org.cpc.chain.Chain}.
 *
 * <p>How a node uses it:
 * <pre>{@code
 * Genesis g = GenesisFile.read(Path.of("genesis.json"));
 * LocalChain chain = LocalChain.open(dataDir, g, LocalChain.Options.defaults()
 *         .withClock(System::currentTimeMillis));         // the only clock the chain sees; proofs are checked by
 *                                                         // SyntheticResultVerifier (the compute module)
 * chain.submit(tx);                                       // Admission.Accepted | Admission.Rejected(reason)
 * // every block_time_ms, on the proposer chosen by ProposerSchedule.proposer(validators, height, round):
 * Block unsigned = chain.propose(myValconsAddress, round, nowMs);
 * Block signed = BlockSigner.sign(unsigned, myMlDsaPrivateKey);
 * chain.commit(signed);                                   // validates (cheaply: proposed here), writes atomically
 * // a block from a peer: chain.validate(block) then chain.commit(block), or commit alone (it validates)
 * }</pre>
 *
 * <p>Layout: this package ({@link org.cpc.chain.LocalChain} wiring {@code TxAdmission}, {@code BlockBuilder},
 * {@code BlockValidator}, {@code ChainHead} and {@code StoreQuery}), {@code exec} (pure rules and execution:
 * {@link org.cpc.chain.exec.TxRules}, {@link org.cpc.chain.exec.HeaderRules},
 * {@link org.cpc.chain.exec.BlockExecutor}), {@code query} (the read API {@link org.cpc.chain.query.ChainQuery}
 * and its records), {@code market} (market tasks: the task state machine
 * {@link org.cpc.chain.market.TaskMachine} as pure functions, task and job records, the job digest),
 * {@code state} (key spaces and the sparse Merkle tree behind {@code state_root}), {@code store} (RocksDB, with
 * the deadline index of open market tasks beside the state), {@code mempool}, {@code bench} (plain-main
 * benchmarks).
 */
package org.cpc.chain;
