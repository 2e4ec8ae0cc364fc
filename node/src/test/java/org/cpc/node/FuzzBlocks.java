package org.cpc.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.BlockHeader;
import org.cpc.protocol.types.Transaction;

/** Blocks and transactions for the node's fuzz targets' seed corpora (the shapes peers send). */
public final class FuzzBlocks {
    public static final String TRANSFER = """
            {"chain_id":"cpc-devnet-1","tx_type":"TRANSFER","from_address":"cpc1lxvp7agw998t68qm76ek6t20gh320yrs6jw5h9",\
            "to_address":"cpc187fefza3704syhadgplfqyptdaqssue9uv7mum","amount":"5000000000000000000","fee":"21000000",\
            "nonce":0,"gas_price":1000,"gas_limit":21000,"timestamp":1700000000,\
            "pub_key":"032a5bbcb0eede528e6abe5f2ec50ad7887eb5677af383a460b05ee23bf892dfe5","payload":{},\
            "signature":"8fc083f56a4e8436dfa3b09505f6f35b76acd1a3e0d242ddb82584c919df309304027081f8f047018af538a84ddad88d31d4b7b1dba2d1dcbfc1bcad2b8d1f59"}""";
    public static final String VALIDATOR = "cpcvalcons1lxvp7agw998t68qm76ek6t20gh320yrssakkwx";

    private FuzzBlocks() {}

    public static Block block(long height, boolean withTx) {
        BlockHeader h = new BlockHeader(height, "11".repeat(32), 1_700_000_000L + height, "cpc-devnet-1", VALIDATOR, 0,
                "22".repeat(32), "33".repeat(32), "", 21_000, 100_000_000, "44".repeat(32), "44".repeat(32), "", "", null, null);
        List<Transaction> txs = withTx ? List.of(Transaction.fromJson(Json.parse(TRANSFER))) : List.of();
        return new Block(h, txs, "ab".repeat(40));
    }

    /** {@code block(height, withTx)}'s JSON. */
    public static ObjectNode json(long height, boolean withTx) {
        return block(height, withTx).toJson();
    }
}
