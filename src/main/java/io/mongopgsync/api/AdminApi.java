package io.mongopgsync.api;

import io.mongopgsync.source.ReEncryption;
import org.springframework.stereotype.Component;

/** Administrative operations of the REST API (routes/api-admin-keys.camel.yaml calls these). */
@Component("adminApi")
public class AdminApi {

    private final ReEncryption reEncryption;

    public AdminApi(ReEncryption reEncryption) {
        this.reEncryption = reEncryption;
    }

    /** POST /api/admin/re-encrypt: every stored connection string with the primary key; answers the counts. */
    public ApiResponse reEncrypt() {
        return ApiResponse.ok(reEncryption.run());
    }
}
