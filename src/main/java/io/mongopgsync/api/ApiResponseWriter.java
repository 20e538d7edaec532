package io.mongopgsync.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Turns an {@link ApiResponse} body into the HTTP status, JSON body and content type of the reply. */
@Component("apiResponseWriter")
public class ApiResponseWriter implements Processor {

    private final ObjectMapper mapper;

    public ApiResponseWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        Object body = message.getBody();
        ApiResponse response = body instanceof ApiResponse r ? r : ApiResponse.ok(body);
        write(message, response.status(), response.body() == null ? null : mapper.writeValueAsString(response.body()));
    }

    static void write(Message message, int status, String json) {
        // Request headers must not leak into the response (for example Content-Length of the request).
        message.removeHeaders("*", Exchange.HTTP_RESPONSE_CODE);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (json != null) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            message.setBody(json);
        } else {
            message.setBody(null);
        }
    }
}
