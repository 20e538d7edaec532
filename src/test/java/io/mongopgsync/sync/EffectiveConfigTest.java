package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.errors.FieldErrors;
import io.mongopgsync.source.SyncConfig;
import org.junit.jupiter.api.Test;

/** How a collection's incremental runs find new documents, from the source's and the collection's settings. */
class EffectiveConfigTest {

    private static final SyncProperties.Defaults DEFAULTS = new SyncProperties.Defaults(1000, 3, 1000, "updatedAt");

    private static EffectiveConfig of(String json) throws Exception {
        FieldErrors errors = new FieldErrors();
        SyncConfig config = SyncConfig.parse(new ObjectMapper().readTree(json), "", errors);
        errors.throwIfAny();
        return EffectiveConfig.of(config, DEFAULTS);
    }

    @Test
    void shouldFindChangesByTheWatermarkFieldUnlessToldOtherwise() throws Exception {
        EffectiveConfig config = of("{}");
        assertThat(config.incrementalBy("orders")).isEqualTo("lastSyncField");
        assertThat(config.insertsOnly("orders")).isFalse();
        assertThat(config.lastSyncField("orders")).isEqualTo("updatedAt");
    }

    @Test
    void shouldLetACollectionChooseInsertsByObjectIdOrItsOwnField() throws Exception {
        EffectiveConfig config = of("""
                {"incrementalBy": "objectIdInserts", "collectionSettings": {
                  "orders": {"lastSyncField": "modifiedAt"},
                  "audit": {"incrementalBy": "lastSyncField"},
                  "clicks": {}}}""");
        assertThat(config.insertsOnly("events")).isTrue();
        assertThat(config.insertsOnly("clicks")).isTrue();
        // a collection that names its own watermark field runs by it
        assertThat(config.incrementalBy("orders")).isEqualTo("lastSyncField");
        assertThat(config.lastSyncField("orders")).isEqualTo("modifiedAt");
        assertThat(config.incrementalBy("audit")).isEqualTo("lastSyncField");
        assertThat(config.lastSyncField("audit")).isEqualTo("updatedAt");
    }

    @Test
    void shouldKeepIncrementalByInTheStoredConfig() throws Exception {
        String json = "{\"incrementalBy\":\"objectIdInserts\",\"collectionSettings\":{\"a\":{\"incrementalBy\":\"lastSyncField\"}}}";
        EffectiveConfig config = of(json);
        assertThat(config.raw().toJson(new ObjectMapper()).toString()).isEqualTo(json);
    }
}
