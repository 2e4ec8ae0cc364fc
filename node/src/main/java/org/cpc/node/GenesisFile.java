package org.cpc.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.cpc.chain.Genesis;
import org.cpc.chain.ValidatorInfo;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;

/**
 * The genesis file, {@code genesis.json}: the network parameters, the genesis timestamp, initial balances (decimal
 * wei strings) and validators. Every node of a network must hold the same file.
 */
public final class GenesisFile {
    private static final Set<String> FIELDS = Set.of("params", "timestamp_ms", "alloc", "validators");
    private static final Set<String> VALIDATOR_FIELDS = Set.of("address", "public_key", "reward_address", "power");

    private GenesisFile() {}

    public static ObjectNode toJson(Genesis g) {
        ObjectNode o = Json.object();
        o.set("params", g.params().toJson());
        o.put("timestamp_ms", g.timestampMs());
        ObjectNode alloc = o.putObject("alloc");
        g.alloc().forEach((addr, wei) -> alloc.put(addr, wei.toString()));
        ArrayNode vals = o.putArray("validators");
        for (ValidatorInfo v : g.validators()) {
            ObjectNode vo = vals.addObject();
            vo.put("address", v.address());
            vo.put("public_key", v.publicKey());
            vo.put("reward_address", v.rewardAddress());
            vo.put("power", v.power());
        }
        return o;
    }

    public static Genesis fromJson(JsonNode node) {
        JsonFields f = JsonFields.of(node, "genesis", FIELDS);
        NetworkParams params = NetworkParams.fromJson(f.object("params"));
        SortedMap<String, BigInteger> alloc = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = f.object("alloc").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Address.decodeAccount(e.getKey());
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("genesis.alloc." + e.getKey() + " must be a string of decimal wei");
            }
            alloc.put(e.getKey(), Amounts.parseWei(e.getValue().textValue()));
        }
        JsonNode vals = f.raw("validators");
        if (!vals.isArray() || vals.isEmpty()) {
            throw new IllegalArgumentException("genesis.validators must be a non-empty array");
        }
        List<ValidatorInfo> validators = new ArrayList<>();
        for (JsonNode v : vals) {
            JsonFields vf = JsonFields.of(v, "genesis validator", VALIDATOR_FIELDS);
            validators.add(new ValidatorInfo(vf.string("address"), vf.string("public_key"),
                    vf.string("reward_address"), vf.uint("power")));
        }
        return new Genesis(params, f.uint("timestamp_ms"), alloc, List.copyOf(validators));
    }

    public static Genesis read(Path file) {
        try {
            return fromJson(Json.parse(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read genesis file " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("genesis file " + file + ": " + e.getMessage(), e);
        }
    }

    public static void write(Path file, Genesis g) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, Json.pretty(toJson(g)) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write genesis file " + file + ": " + e.getMessage(), e);
        }
    }
}
