package io.mongopgsync.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;

/** Writes {@code {error, message}} on a servlet response, for answers given before a request reaches a route. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static void write(ObjectMapper mapper, HttpServletResponse response, int status, String error,
                             String message) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(mapper.writeValueAsString(body));
        response.getWriter().flush();
    }
}
