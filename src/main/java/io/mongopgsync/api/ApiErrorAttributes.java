package io.mongopgsync.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.web.servlet.error.DefaultErrorAttributes;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.WebRequest;

/**
 * Errors answered outside the Camel routes (unknown path, unsupported method) use the API's error shape too:
 * {@code {error, message}} and no stack trace.
 */
@Component
public class ApiErrorAttributes extends DefaultErrorAttributes {

    @Override
    public Map<String, Object> getErrorAttributes(WebRequest request, ErrorAttributeOptions options) {
        Map<String, Object> defaults = super.getErrorAttributes(request, ErrorAttributeOptions.defaults());
        int status = defaults.get("status") instanceof Integer s ? s : 500;
        String path = String.valueOf(defaults.getOrDefault("path", ""));
        Map<String, Object> body = new LinkedHashMap<>();
        HttpStatus httpStatus = HttpStatus.resolve(status);
        body.put("error", httpStatus == null ? "error" : httpStatus.name().toLowerCase());
        body.put("message", switch (status) {
            case 404 -> "No such endpoint: " + path;
            case 405 -> "Method not allowed on " + path;
            default -> httpStatus == null ? "Request failed" : httpStatus.getReasonPhrase();
        });
        return body;
    }
}
