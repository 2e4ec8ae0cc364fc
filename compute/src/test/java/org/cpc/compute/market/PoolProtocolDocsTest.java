package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/api.md's message table says what the codec writes: every message, its fields, in their order. */
class PoolProtocolDocsTest {
    private static final Path API_DOC = Path.of("..", "docs", "api.md"); // tests run in the module's directory
    private static final Pattern FIELD = Pattern.compile("`([a-z_]+)`");

    @Test
    void theSamplesCoverEveryMessage() {
        assertThat(PoolSamples.all()).map(Object::getClass).containsExactlyInAnyOrderElementsOf(records(PoolMessage.class));
    }

    @Test
    void theMessageTableListsEachMessagesFieldsInTheirOrder() throws Exception {
        List<String> lines = Files.readAllLines(API_DOC);
        for (PoolMessage m : PoolSamples.all()) {
            JsonNode json = PoolSamples.json(m);
            String type = json.get("type").textValue();
            List<String> written = new ArrayList<>();
            json.fieldNames().forEachRemaining(written::add);
            written.remove("type");
            String row = lines.stream().filter(l -> l.startsWith("| `" + type + "` |")).findFirst().orElse(null);
            assertThat(row).as("docs/api.md has a row for " + type).isNotNull();
            String fieldsCell = row.split("\\|")[3];
            List<String> documented = new ArrayList<>();
            Matcher f = FIELD.matcher(fieldsCell);
            while (f.find()) documented.add(f.group(1));
            assertThat(documented).as("the fields of " + type + " in docs/api.md").isEqualTo(written);
        }
    }

    /** The records of a sealed hierarchy. */
    private static List<Class<?>> records(Class<?> sealed) {
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> c : sealed.getPermittedSubclasses()) {
            if (c.isRecord()) out.add(c);
            else out.addAll(records(c));
        }
        return out;
    }
}
