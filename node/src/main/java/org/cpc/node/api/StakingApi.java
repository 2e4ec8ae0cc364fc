package org.cpc.node.api;

import static org.cpc.http.JsonHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.cpc.consensus.Validator;
import org.cpc.chain.query.ChainQuery;
import org.cpc.chain.query.DelegationView;
import org.cpc.chain.query.ValidatorView;
import org.cpc.chain.staking.Supply;
import org.cpc.chain.staking.UnbondingEntry;
import org.cpc.http.ApiException;
import org.cpc.http.Requests;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.AddressException;
import org.cpc.protocol.types.Amounts;

/**
 * The staking routes: the validators with their bonds, status and liveness ({@code /validators},
 * {@code /validator/{address}}, {@code /validators/leaderboard}, {@code /validators/jailed}), an account's bonds,
 * rewards and unbonding entries ({@code /delegator/{address}/...}) and where every wei is ({@code /supply}). Every
 * read goes through {@link ChainQuery}; amounts are wei strings with a {@code _cpc} twin.
 */
public final class StakingApi {
    /** How many recent commit certificates the liveness fields of a validator are read from. */
    static final int LIVENESS_WINDOW = 100;
    /** A validator is "online" when it signed one of this many latest commits. */
    static final int ONLINE_WINDOW = 10;

    private final ChainQuery query;

    public StakingApi(ChainQuery query) {
        this.query = query;
    }

    /** Registers the GET routes with {@code get} (path, handler). */
    public void register(BiConsumer<String, Handler> get) {
        get.accept("/validators", this::consensusValidators);
        get.accept("/validators/leaderboard", ctx -> validators(ctx, v -> true, true));
        get.accept("/validators/jailed", ctx -> validators(ctx,
                v -> v.status().equals("jailed") || v.status().equals("tombstoned"), false));
        get.accept("/validator/{address}", this::validator);
        get.accept("/delegator/{address}/delegations", this::delegations);
        get.accept("/delegator/{address}/rewards", this::rewards);
        get.accept("/delegator/{address}/unbonding", this::unbonding);
        get.accept("/supply", this::supply);
    }

    /** Who signed the certificates of the last {@link #LIVENESS_WINDOW} blocks. */
    private record Liveness(long head, int counted, Map<String, Long> lastSigned, Map<String, Integer> signedCount) {
        static Liveness read(ChainQuery query) {
            long head = query.head().header().height();
            Map<String, Long> lastSigned = new HashMap<>();
            Map<String, Integer> signed = new HashMap<>();
            int counted = 0;
            // Newest first, so the first certificate an address appears in is its last signed height.
            for (long h = head; h >= 1 && h > head - LIVENESS_WINDOW; h--) {
                Optional<JsonNode> cert = query.commitOf(h);
                if (cert.isEmpty()) continue;
                counted++;
                Set<String> seen = new HashSet<>();
                for (JsonNode s : cert.get().path("signatures")) {
                    String a = s.path("validator_address").asText();
                    if (!seen.add(a)) continue;
                    lastSigned.putIfAbsent(a, h);
                    signed.merge(a, 1, Integer::sum);
                }
            }
            return new Liveness(head, counted, lastSigned, signed);
        }
    }

    /**
     * The validator set of the next height (head + 1), in set order, with the power certificates are counted in
     * (what the next block's commit certificate is verified against), each with its staking fields.
     */
    private void consensusValidators(Context ctx) {
        Liveness l = Liveness.read(query);
        Map<String, ValidatorView> staking = new HashMap<>();
        for (ValidatorView v : query.stakingValidators()) staking.put(v.consensusAddress(), v);
        ObjectNode o = Json.object();
        o.put("height", l.head());
        o.put("set_height", l.head() + 1);
        o.put("online_window", ONLINE_WINDOW);
        o.put("liveness_window", l.counted());
        ArrayNode arr = o.putArray("validators");
        for (Validator m : query.validatorSet(l.head() + 1).validators()) {
            arr.add(validatorJson(m, staking.get(m.address()), l));
        }
        json(ctx, 200, o);
    }

    /**
     * The staking validators (operator order, or by bond for the leaderboard) with their liveness, read from the
     * commit certificates of the last {@link #LIVENESS_WINDOW} blocks. A certificate holds the precommits its node
     * had when it decided (at least 2/3 of the power), so a live but slow validator may be missing from some.
     */
    private void validators(Context ctx, java.util.function.Predicate<ValidatorView> filter, boolean byBond) {
        Liveness l = Liveness.read(query);
        Map<String, Validator> active = activeByAddress(l.head());
        List<ValidatorView> list = new ArrayList<>(query.stakingValidators().stream().filter(filter).toList());
        if (byBond) {
            list.sort(Comparator.comparing(ValidatorView::tokens).reversed()
                    .thenComparing(ValidatorView::operatorAddress));
        }
        ObjectNode o = Json.object();
        o.put("height", l.head());
        o.put("online_window", ONLINE_WINDOW);
        o.put("liveness_window", l.counted());
        ArrayNode arr = o.putArray("validators");
        int rank = 0;
        for (ValidatorView v : list) {
            ObjectNode vo = validatorJson(active.get(v.consensusAddress()), v, l);
            if (byBond) vo.put("rank", ++rank);
            arr.add(vo);
        }
        json(ctx, 200, o);
    }

    private void validator(Context ctx) {
        String address = ctx.pathParam("address");
        ValidatorView found;
        if (address.startsWith(Address.VALIDATOR_PREFIX + "1")) {
            try {
                Address.decodeValidator(address);
            } catch (AddressException e) {
                throw ApiException.badRequest("'" + address + "' is not a cpcvalcons1... consensus address: " + e.getMessage());
            }
            found = query.stakingValidators().stream().filter(v -> v.consensusAddress().equals(address)).findFirst()
                    .orElseThrow(() -> ApiException.notFound("no validator has consensus address " + address));
        } else {
            Requests.account(address, "a cpc1... operator address or a cpcvalcons1... consensus address");
            found = query.stakingValidator(address)
                    .orElseThrow(() -> ApiException.notFound("no validator is operated by " + address
                            + " (an account becomes a validator with its first STAKE)"));
        }
        Liveness l = Liveness.read(query);
        json(ctx, 200, validatorJson(activeByAddress(l.head()).get(found.consensusAddress()), found, l));
    }

    /** The members of the next height's set by consensus address. */
    private Map<String, Validator> activeByAddress(long head) {
        Map<String, Validator> m = new HashMap<>();
        for (Validator v : query.validatorSet(head + 1).validators()) m.put(v.address(), v);
        return m;
    }

    /**
     * @param m the validator as a member of the next height's set, or null when it is not in it
     * @param v its staking record; null only for a set member staking does not know (none should be)
     */
    private static ObjectNode validatorJson(Validator m, ValidatorView v, Liveness l) {
        ObjectNode vo = Json.object();
        String consensus = m != null ? m.address() : v.consensusAddress();
        // The consensus view: address, key and the power certificates count (0 outside the set).
        vo.put("address", consensus);
        if (m == null) vo.putNull("public_key"); else vo.put("public_key", m.publicKey());
        vo.put("reward_address", v != null ? v.operatorAddress() : null);
        vo.put("power", m != null ? m.power() : 0);
        Long signed = l.lastSigned().get(consensus);
        if (signed == null) vo.putNull("last_signed_height"); else vo.put("last_signed_height", signed);
        vo.put("online", signed != null && signed > l.head() - ONLINE_WINDOW);
        int signedCount = l.signedCount().getOrDefault(consensus, 0);
        vo.put("missed_blocks", l.counted() - signedCount);
        vo.put("uptime_bps", l.counted() == 0 ? 10_000 : (int) (10_000L * signedCount / l.counted()));
        if (v == null) return vo;
        // Staking.
        vo.put("operator_address", v.operatorAddress());
        vo.put("consensus_address", v.consensusAddress());
        vo.put("name", v.name());
        vo.put("website", v.website());
        vo.put("commission_bps", v.commissionBps());
        vo.put("bonded_power", v.power());
        WeiJson.put(vo, "tokens", v.tokens());
        WeiJson.put(vo, "self_bond", v.selfBond());
        WeiJson.put(vo, "delegated", v.tokens().subtract(v.selfBond()).max(BigInteger.ZERO));
        WeiJson.put(vo, "outstanding_rewards", v.outstandingRewards());
        vo.put("status", v.status());
        vo.put("jailed_until", v.jailedUntil());
        return vo;
    }

    private void delegations(Context ctx) {
        String address = Requests.accountPath(ctx, "address");
        List<DelegationView> ds = query.delegations(address);
        ObjectNode o = Json.object();
        o.put("address", address);
        o.put("height", query.head().header().height());
        ArrayNode arr = o.putArray("delegations");
        BigInteger total = BigInteger.ZERO;
        for (DelegationView d : ds) {
            arr.add(delegationJson(d));
            total = total.add(d.amount());
        }
        WeiJson.put(o, "total", total);
        json(ctx, 200, o);
    }

    private static ObjectNode delegationJson(DelegationView d) {
        ObjectNode o = Json.object();
        o.put("validator", d.validator());
        o.put("self_bond", d.validator().equals(d.delegator()));
        o.put("shares", d.shares().toString());
        WeiJson.put(o, "amount", d.amount());
        WeiJson.put(o, "pending_rewards", d.pendingRewards());
        return o;
    }

    private void rewards(Context ctx) {
        String address = Requests.accountPath(ctx, "address");
        ObjectNode o = Json.object();
        o.put("address", address);
        o.put("height", query.head().header().height());
        ArrayNode arr = o.putArray("rewards");
        BigInteger total = BigInteger.ZERO;
        for (DelegationView d : query.delegations(address)) {
            ObjectNode r = arr.addObject();
            r.put("validator", d.validator());
            WeiJson.put(r, "pending_rewards", d.pendingRewards());
            total = total.add(d.pendingRewards());
        }
        WeiJson.put(o, "total", total);
        json(ctx, 200, o);
    }

    private void unbonding(Context ctx) {
        String address = Requests.accountPath(ctx, "address");
        long head = query.head().header().height();
        ObjectNode o = Json.object();
        o.put("address", address);
        o.put("height", head);
        ArrayNode arr = o.putArray("entries");
        BigInteger total = BigInteger.ZERO;
        for (UnbondingEntry e : query.unbonding(address)) {
            ObjectNode eo = e.toJson();
            eo.put("balance_cpc", Amounts.formatCpc(e.balance()));
            eo.put("blocks_left", Math.max(0, e.maturesHeight() - head));
            arr.add(eo);
            total = total.add(e.balance());
        }
        WeiJson.put(o, "total", total);
        json(ctx, 200, o);
    }

    /** {@link Supply#toJson} with a {@code _cpc} twin of every amount. */
    private void supply(Context ctx) {
        Supply s = query.supply();
        ObjectNode o = s.toJson();
        o.put("total_cpc", Amounts.formatCpc(s.total()));
        ObjectNode cpc = o.putObject("buckets_cpc");
        s.buckets().forEach((k, v) -> cpc.put(k, Amounts.formatCpc(v)));
        json(ctx, 200, o);
    }
}
