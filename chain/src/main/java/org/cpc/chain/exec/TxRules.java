package org.cpc.chain.exec;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.cpc.chain.staking.BondPayload;
import org.cpc.chain.staking.StakingPayload;
import org.cpc.chain.staking.StakingRules;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.compute.market.ChallengeType;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * The rules of a transaction that need no state: gas, form, fee, and the signature. Pure functions. What each
 * transaction costs is {@link GasSchedule}'s, shared with clients; these rules check a transaction offers enough.
 */
public final class TxRules {
    private static final java.util.Set<String> CANCEL_FIELDS = java.util.Set.of("task_id");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** secp256k1 n / 2: a signature's S must not exceed it. */
    private static final BigInteger HALF_N =
            new BigInteger("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", 16);

    private TxRules() {}

    /** Largest proof of a synthetic result: k audit paths of at most ceil(log2 n) hashes of 32 bytes. */
    public static long maxProofBytes(NetworkParams p) {
        int n = p.syntheticMatrixSize();
        int depth = 64 - Long.numberOfLeadingZeros(n - 1L);
        return (long) p.syntheticSpotChecks() * depth * 32;
    }

    /**
     * What the stateless rules parsed out of a transaction's payload: the ComputeResult of a SUBMIT_RESULT, the
     * ComputeTask and its job count of a CREATE_TASK, the task_id a CANCEL_TASK or CHALLENGE_RESULT names, what a
     * staking transaction's payload says, what a BOND's or UNBOND's payload says (the others null / 0).
     */
    public record Checked(ComputeResult result, ComputeTask task, int jobs, String namedTaskId,
                          StakingPayload staking, BondPayload bond) {
        static final Checked NONE = new Checked(null, null, 0, null, null, null);
    }

    /** Every rule that needs neither state nor a signature check; cheapest first. Returns the parsed payload. */
    public static Checked checkStateless(PreparedTx p, NetworkParams params) throws TxRejected {
        Transaction tx = p.tx();
        if (!tx.chainId().equals(params.chainId())) {
            throw new TxRejected("transaction for chain " + tx.chainId() + " sent to " + params.chainId());
        }
        if (p.size() > params.maxTxBytes()) {
            throw new TxRejected("transaction is " + p.size() + " bytes, above max_tx_bytes " + params.maxTxBytes());
        }
        if (tx.gasPrice() < params.minGasPrice()) {
            throw new TxRejected("gas_price " + tx.gasPrice() + " is below the minimum " + params.minGasPrice());
        }
        BigInteger expectedFee = BigInteger.valueOf(tx.gasLimit()).multiply(BigInteger.valueOf(tx.gasPrice()));
        if (!tx.fee().equals(expectedFee)) {
            throw new TxRejected("fee " + tx.fee() + " != gas_limit " + tx.gasLimit() + " × gas_price " + tx.gasPrice()
                    + " (= " + expectedFee + ")");
        }
        long gas = GasSchedule.minimumGas(tx, params);
        if (tx.gasLimit() < gas) {
            throw new TxRejected("gas_limit " + tx.gasLimit() + " is below the intrinsic gas " + gas + " of "
                    + tx.txType());
        }
        if (!Address.isAccount(tx.fromAddress())) {
            throw new TxRejected("from_address '" + tx.fromAddress() + "' is not a valid cpc address");
        }
        return switch (tx.txType()) {
            case TRANSFER -> {
                if (tx.toAddress() == null) throw new TxRejected("TRANSFER needs a to_address");
                if (!Address.isAccount(tx.toAddress())) {
                    throw new TxRejected("to_address '" + tx.toAddress() + "' is not a valid cpc address");
                }
                yield Checked.NONE;
            }
            case SUBMIT_RESULT -> {
                if (tx.amount().signum() != 0) {
                    throw new TxRejected("SUBMIT_RESULT must carry amount 0, got " + tx.amount());
                }
                yield new Checked(checkResultStructure(tx), null, 0, null, null, null);
            }
            case CREATE_TASK -> checkCreateTask(tx, params);
            case STAKE, UNSTAKE, DELEGATE, UNDELEGATE, WITHDRAW_REWARDS, UPDATE_VALIDATOR, UNJAIL, SUBMIT_EVIDENCE ->
                    new Checked(null, null, 0, null, StakingRules.check(tx), null);
            case BOND, UNBOND -> new Checked(null, null, 0, null, null, BondPayload.check(tx));
            case FRAUD_PROOF -> {
                FraudProofs.form(tx);
                yield Checked.NONE;
            }
            case CANCEL_TASK, CHALLENGE_RESULT -> new Checked(null, null, 0, taskIdPayload(tx), null, null);
        };
    }

    /** The payload {@code {"task_id"}} of a CANCEL_TASK or CHALLENGE_RESULT, which moves no coins and names no one. */
    private static String taskIdPayload(Transaction tx) throws TxRejected {
        TxType t = tx.txType();
        if (tx.toAddress() != null) throw new TxRejected(t + " must have to_address null");
        if (tx.amount().signum() != 0) throw new TxRejected(t + " must carry amount 0, got " + tx.amount());
        String id;
        try {
            id = JsonFields.of(tx.payload(), t + " payload", CANCEL_FIELDS).string("task_id");
        } catch (IllegalArgumentException e) {
            throw new TxRejected(e.getMessage() + "; " + t + "'s payload is {\"task_id\":\"<uuid>\"}");
        }
        requireUuid(t + " task_id", id);
        return id;
    }

    private static void requireUuid(String field, String id) throws TxRejected {
        if (!UUID.matcher(id).matches()) throw new TxRejected(field + " '" + id + "' is not a lowercase UUID");
    }

    /** A payload parsed by {@code parse}; what it refuses is a rejection "TYPE payload is not a valid {@code what}". */
    private static <T> T payload(Transaction tx, Function<JsonNode, T> parse, String what) throws TxRejected {
        try {
            return parse.apply(tx.payload());
        } catch (IllegalArgumentException e) {
            throw new TxRejected(tx.txType() + " payload is not a valid " + what + ": " + e.getMessage());
        }
    }

    /**
     * CREATE_TASK's stateless rules: to_address null; payload a ComputeTask whose reward equals amount and is
     * positive, task_id a lowercase UUID, challenge_type known with a valid payload of at most
     * max_task_payload_bytes (its JCS). The deadline is checked against the block's time at execution.
     */
    static Checked checkCreateTask(Transaction tx, NetworkParams params) throws TxRejected {
        if (tx.toAddress() != null) {
            throw new TxRejected("CREATE_TASK must have to_address null (the reward is held by the task)");
        }
        ComputeTask t = payload(tx, ComputeTask::fromJson, "ComputeTask");
        requireUuid("ComputeTask.task_id", t.taskId());
        if (t.reward().signum() <= 0) throw new TxRejected("ComputeTask.reward must be more than 0 wei");
        if (!t.reward().equals(tx.amount())) {
            throw new TxRejected("ComputeTask.reward " + t.reward() + " != amount " + tx.amount()
                    + " (CREATE_TASK escrows amount as the reward)");
        }
        int bytes = Jcs.canonicalize(t.payload()).length;
        if (bytes > params.maxTaskPayloadBytes()) {
            throw new TxRejected("ComputeTask.payload is " + bytes + " bytes (JCS), above max_task_payload_bytes "
                    + params.maxTaskPayloadBytes() + "; put large inputs in blobs and reference them by hash");
        }
        int jobs;
        try {
            ChallengeType type = ChallengeType.require(t.challengeType());
            type.validatePayload(t.payload());
            jobs = type.jobCount(t.payload());
        } catch (IllegalArgumentException e) {
            throw new TxRejected("ComputeTask: " + e.getMessage());
        }
        if (jobs < 1 || jobs > ChallengeType.MAX_JOBS) {
            throw new TxRejected("ComputeTask splits into " + jobs + " jobs; 1.." + ChallengeType.MAX_JOBS + " allowed");
        }
        return new Checked(null, t, jobs, null, null, null);
    }

    /**
     * The seed's structural validation of a ComputeResult, the part common to synthetic and market results:
     * task_id a lowercase UUID, worker_address valid, result_hash 64 hex, nonce present, signature 65 bytes or null.
     * Which kind it is depends on state (does task_id name a market task?); see {@link #checkSyntheticForm} and
     * {@link #checkMarketForm}.
     */
    public static ComputeResult checkResultStructure(Transaction tx) throws TxRejected {
        ComputeResult r = payload(tx, ComputeResult::fromJson, "ComputeResult");
        requireUuid("ComputeResult.task_id", r.taskId());
        if (!Address.isAccount(r.workerAddress())) {
            throw new TxRejected("ComputeResult.worker_address '" + r.workerAddress() + "' is not a valid cpc address");
        }
        if (r.resultHash().length() != 64 || !Hex.isHex(r.resultHash())) {
            throw new TxRejected("ComputeResult.result_hash must be 32 bytes as 64 lowercase hex characters");
        }
        if (r.nonce() == null) {
            throw new TxRejected("ComputeResult.nonce is missing (the source block's height for a synthetic task,"
                    + " the job index for a market task)");
        }
        if (r.signature() != null && (r.signature().length() != 130 || !Hex.isHex(r.signature()))) {
            throw new TxRejected("ComputeResult.signature must be 65 bytes as 130 lowercase hex characters, or null");
        }
        return r;
    }

    /** A synthetic result's form: worker_address == from_address, a proof of whole hashes within its bound, and gas. */
    public static void checkSyntheticForm(Transaction tx, ComputeResult r, NetworkParams params) throws TxRejected {
        if (!r.workerAddress().equals(tx.fromAddress())) {
            throw new TxRejected("ComputeResult.worker_address " + r.workerAddress() + " does not match from_address "
                    + tx.fromAddress());
        }
        long gas = GasSchedule.intrinsicGas(tx, params);
        if (tx.gasLimit() < gas) {
            throw new TxRejected("gas_limit " + tx.gasLimit() + " is below the intrinsic gas " + gas
                    + " of a synthetic SUBMIT_RESULT");
        }
        if (r.proof() == null) throw new TxRejected("ComputeResult.proof is missing");
        long max = maxProofBytes(params);
        if (!Hex.isHex(r.proof()) || r.proof().length() % 64 != 0) {
            throw new TxRejected("ComputeResult.proof must be lowercase hex of whole 32-byte hashes");
        }
        if (r.proof().length() / 2 > max) {
            throw new TxRejected("ComputeResult.proof is " + r.proof().length() / 2 + " bytes, above the bound " + max
                    + " (spot checks × tree depth × 32)");
        }
    }

    /**
     * A market result's form: the worker's signature present; proof null when a PoC validator sends it, the
     * 65-byte attestation (130 hex) when the worker does. Who may send is checked against genesis at execution.
     */
    public static void checkMarketForm(ComputeResult r, boolean sentByPocValidator) throws TxRejected {
        if (r.signature() == null) {
            throw new TxRejected("ComputeResult.signature (the worker's recoverable signature over the job digest) is"
                    + " missing; a market job result needs it");
        }
        if (sentByPocValidator) {
            if (r.proof() != null) {
                throw new TxRejected("ComputeResult.proof must be null when a PoC validator sends a market job result"
                        + " (an attestation is only for results the worker sends itself)");
            }
        } else if (r.proof() == null || r.proof().length() != 130 || !Hex.isHex(r.proof())) {
            throw new TxRejected("ComputeResult.proof must be a PoC validator's attestation (65-byte recoverable"
                    + " signature over the job digest, 130 lowercase hex) when the worker sends its market job result");
        }
    }

    /** The signature rules: 33-byte key, from_address = address(pub_key), 64-byte low-S r‖s over the hash. */
    public static void checkSignature(PreparedTx p) throws TxRejected {
        Transaction tx = p.tx();
        if (tx.pubKey().length() != 66 || !Hex.isHex(tx.pubKey())) {
            throw new TxRejected("pub_key must be a 33-byte compressed secp256k1 key as 66 lowercase hex characters");
        }
        byte[] pub = Hex.decode(tx.pubKey());
        if (!Address.account(pub).equals(tx.fromAddress())) {
            throw new TxRejected("from_address " + tx.fromAddress() + " is not the address of pub_key ("
                    + Address.account(pub) + ")");
        }
        String sig = tx.signature();
        if (sig == null) throw new TxRejected("transaction is not signed");
        if (sig.length() != 128 || !Hex.isHex(sig)) {
            throw new TxRejected("signature must be 64 bytes r‖s as 128 lowercase hex characters");
        }
        byte[] s = Hex.decode(sig);
        if (new BigInteger(1, java.util.Arrays.copyOfRange(s, 32, 64)).compareTo(HALF_N) > 0) {
            throw new TxRejected("signature has a high S value; use low-S signatures");
        }
        if (!Secp256k1.get().verify(pub, p.hash(), s)) {
            throw new TxRejected("signature does not verify against pub_key over the transaction hash");
        }
    }
}
