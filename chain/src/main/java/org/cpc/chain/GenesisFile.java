package org.cpc.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;

/**
 * The genesis file: {@code {"params":{...}, "timestamp_ms":N, "alloc":{"cpc1...":"wei",...},
 * "validators":[{"address":"cpcvalcons1...","public_key":"hex ML-DSA-65","reward_address":"cpc1...",
 * "power":1}], "poc_validators":["cpc1...",...], "treasury_address":"cpc1..."}}. Reading checks every address, that
 * each validator's address is the one of its key, that there is at least one validator, and that no PoC validator
 * is listed twice.
 */
public final class GenesisFile {
    private static final Set<String> FIELDS = Set.of("params", "timestamp_ms", "alloc", "validators", "poc_validators",
            "treasury_address");
    private static final Set<String> VALIDATOR_FIELDS = Set.of("address", "public_key", "reward_address", "power");

    private GenesisFile() {}

    public static Genesis read(Path file) throws IOException {
        try {
            return fromJson(Json.parse(Files.readAllBytes(file)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("genesis file " + file + ": " + e.getMessage(), e);
        }
    }

    public static void write(Genesis g, Path file) throws IOException {
        Files.writeString(file, Json.pretty(toJson(g)), StandardCharsets.UTF_8);
    }

    public static ObjectNode toJson(Genesis g) {
        ObjectNode o = Json.object();
        o.set("params", g.params().toJson());
        o.put("timestamp_ms", g.timestampMs());
        ObjectNode alloc = o.putObject("alloc");
        for (Map.Entry<String, BigInteger> e : g.alloc().entrySet()) alloc.put(e.getKey(), e.getValue().toString());
        ArrayNode vs = o.putArray("validators");
        for (ValidatorInfo v : g.validators()) vs.add(validatorJson(v));
        ArrayNode pv = o.putArray("poc_validators");
        for (String a : g.pocValidators()) pv.add(a);
        o.put("treasury_address", g.treasuryAddress());
        return o;
    }

    public static ObjectNode validatorJson(ValidatorInfo v) {
        ObjectNode o = Json.object();
        o.put("address", v.address());
        o.put("public_key", v.publicKey());
        o.put("reward_address", v.rewardAddress());
        o.put("power", v.power());
        return o;
    }

    public static Genesis fromJson(JsonNode node) {
        JsonFields f = JsonFields.of(node, "genesis", FIELDS);
        NetworkParams params = NetworkParams.fromJson(f.raw("params"));
        long ts = f.uint("timestamp_ms");
        ObjectNode allocNode = f.object("alloc");
        TreeMap<String, BigInteger> alloc = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = allocNode.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!Address.isAccount(e.getKey())) {
                throw new IllegalArgumentException("alloc address '" + e.getKey() + "' is not a valid cpc address");
            }
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("alloc." + e.getKey() + " must be a string of decimal wei");
            }
            alloc.put(e.getKey(), Amounts.parseWei(e.getValue().textValue()));
        }
        JsonNode vs = f.raw("validators");
        if (!vs.isArray() || vs.isEmpty()) throw new IllegalArgumentException("genesis needs at least one validator");
        List<ValidatorInfo> validators = new ArrayList<>();
        for (JsonNode v : vs) {
            JsonFields vf = JsonFields.of(v, "validator", VALIDATOR_FIELDS);
            validators.add(new ValidatorInfo(vf.string("address"), vf.string("public_key"),
                    vf.string("reward_address"), vf.uint("power")));
        }
        JsonNode pv = f.raw("poc_validators");
        if (!pv.isArray()) throw new IllegalArgumentException("genesis poc_validators must be an array of cpc addresses");
        List<String> poc = new ArrayList<>();
        for (JsonNode a : pv) {
            if (!a.isTextual()) throw new IllegalArgumentException("genesis poc_validators must hold cpc address strings");
            poc.add(a.textValue());
        }
        Genesis g = new Genesis(params, ts, alloc, List.copyOf(validators), poc, f.string("treasury_address"));
        check(g);
        return g;
    }

    /** The rules every genesis obeys, whether read from a file or built in code. */
    public static void check(Genesis g) {
        if (g.validators().isEmpty()) throw new IllegalArgumentException("genesis needs at least one validator");
        Set<String> seen = new HashSet<>();
        for (ValidatorInfo v : g.validators()) {
            byte[] pub;
            try {
                pub = Hex.decode(v.publicKey(), MlDsa.PUBLIC_KEY_LENGTH, "validator public_key");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("validator " + v.address() + ": " + e.getMessage(), e);
            }
            String expected = Address.validatorConsensus(pub);
            if (!expected.equals(v.address())) {
                throw new IllegalArgumentException("validator address " + v.address()
                        + " is not the cpcvalcons address of its public_key (" + expected + ")");
            }
            if (!Address.isAccount(v.rewardAddress())) {
                throw new IllegalArgumentException("validator " + v.address() + ": reward_address '"
                        + v.rewardAddress() + "' is not a valid cpc address");
            }
            if (v.power() <= 0) throw new IllegalArgumentException("validator " + v.address() + ": power must be positive");
            if (!seen.add(v.address())) throw new IllegalArgumentException("validator " + v.address() + " listed twice");
        }
        Set<String> poc = new HashSet<>();
        for (String a : g.pocValidators()) {
            if (!Address.isAccount(a)) {
                throw new IllegalArgumentException("poc_validators entry '" + a + "' is not a valid cpc address");
            }
            if (!poc.add(a)) throw new IllegalArgumentException("PoC validator " + a + " listed twice");
        }
        g.bonds().forEach((address, bond) -> {
            BigInteger has = g.alloc().getOrDefault(address, BigInteger.ZERO);
            if (has.compareTo(bond) < 0) {
                throw new IllegalArgumentException("genesis bonds " + Amounts.formatCpc(bond) + " CPC of " + address
                        + " (the power of the validator it operates, in CPC, and min_poc_bond if it is a PoC"
                        + " validator), but its alloc holds only " + Amounts.formatCpc(has) + " CPC: bonds come out of"
                        + " the alloc, so give it at least " + Amounts.formatCpc(bond) + " CPC there (a genesis file"
                        + " made before this rule must be made again: cpc node init, or ./cpc devnet --reset)");
            }
        });
        if (g.treasuryAddress() == null || !Address.isAccount(g.treasuryAddress())) {
            throw new IllegalArgumentException("treasury_address '" + g.treasuryAddress() + "' is not a valid cpc address");
        }
        BigInteger total = BigInteger.ZERO;
        for (BigInteger b : g.alloc().values()) total = total.add(b);
        if (total.bitLength() > 255) throw new IllegalArgumentException("genesis alloc total is too large");
    }
}
