package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cpc.chain.state.JsonStateValue;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * One account's work bond in one role (key space 0x20, id = role + ":" + address) with its record: the wei bonded,
 * the entries on their way back (at most {@link WorkBonds#MAX_UNBONDING} of them, oldest first), what was slashed,
 * and the counters reputation and {@code GET /pocs} read. The record stays when the bond is empty: its history is
 * what reputation is made of.
 *
 * @param endpoint a PoC validator's Task Market base URL ("" for a worker, or a genesis PoC validator that has not
 *     announced one)
 * @param tasksSettled market jobs this PoC validator put on chain (or attested) that settled
 * @param audited this worker's synthetic results audited in full (by random audit or challenge)
 * @param failedAudits of those, the ones found wrong
 * @param slashed wei taken from this bond (and its unbonding entries) by slashes, all told
 * @param slashes how many slashes hit it
 */
public record WorkBond(BondRole role, String address, BigInteger amount, String endpoint, String name,
                       List<Unbonding> unbonding, long tasksSettled, long audited, long failedAudits,
                       BigInteger slashed, long slashes) implements JsonStateValue {
    static final Set<String> FIELDS = Set.of("role", "address", "amount", "endpoint", "name", "unbonding",
            "tasks_settled", "audited", "failed_audits", "slashed", "slashes");
    static final Set<String> ENTRY_FIELDS = Set.of("balance", "created_height", "matures_height");

    /** Coins on their way back: {@code balance} is paid at {@code maturesHeight} unless a slash lowers it first. */
    public record Unbonding(BigInteger balance, long createdHeight, long maturesHeight) {}

    public WorkBond {
        unbonding = List.copyOf(unbonding);
    }

    public static String id(BondRole role, String address) {
        return role.wire() + ":" + address;
    }

    public String id() {
        return id(role, address);
    }

    static WorkBond empty(BondRole role, String address) {
        return new WorkBond(role, address, BigInteger.ZERO, "", "", List.of(), 0, 0, 0, BigInteger.ZERO, 0);
    }

    /** The wei of the unbonding entries, all told. */
    public BigInteger unbondingTotal() {
        return unbonding.stream().map(Unbonding::balance).reduce(BigInteger.ZERO, BigInteger::add);
    }

    WorkBond withAmount(BigInteger a) {
        return new WorkBond(role, address, a, endpoint, name, unbonding, tasksSettled, audited, failedAudits, slashed,
                slashes);
    }

    WorkBond withListing(String e, String n) {
        return new WorkBond(role, address, amount, e, n, unbonding, tasksSettled, audited, failedAudits, slashed,
                slashes);
    }

    WorkBond withUnbonding(List<Unbonding> u) {
        return new WorkBond(role, address, amount, endpoint, name, u, tasksSettled, audited, failedAudits, slashed,
                slashes);
    }

    WorkBond withCounts(long settled, long aud, long failed) {
        return new WorkBond(role, address, amount, endpoint, name, unbonding, settled, aud, failed, slashed, slashes);
    }

    WorkBond withSlash(BigInteger wei) {
        return new WorkBond(role, address, amount, endpoint, name, unbonding, tasksSettled, audited, failedAudits,
                slashed.add(wei), slashes + 1);
    }

    public static WorkBond decode(byte[] v) {
        if (v == null) return null;
        JsonFields f = JsonFields.of(Json.parse(v), "work bond", FIELDS);
        List<Unbonding> u = new ArrayList<>();
        for (JsonNode n : f.raw("unbonding")) {
            JsonFields e = JsonFields.of(n, "work bond unbonding entry", ENTRY_FIELDS);
            u.add(new Unbonding(e.wei("balance"), e.uint("created_height"), e.uint("matures_height")));
        }
        BondRole role = switch (f.string("role")) {
            case "worker" -> BondRole.WORKER;
            case "poc_validator" -> BondRole.POC_VALIDATOR;
            default -> throw new IllegalArgumentException("work bond role '" + f.string("role") + "'");
        };
        return new WorkBond(role, f.string("address"), f.wei("amount"), f.string("endpoint"), f.string("name"), u,
                f.uint("tasks_settled"), f.uint("audited"), f.uint("failed_audits"), f.wei("slashed"),
                f.uint("slashes"));
    }
}
