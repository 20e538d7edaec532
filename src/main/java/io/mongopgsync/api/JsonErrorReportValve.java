package io.mongopgsync.api;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Tomcat refuses some requests before any filter or route sees them (an encoded '/' or NUL in the path, a malformed
 * URI): those answers use the API's error shape {@code {error, message}} too, not the container's HTML page.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String error = known == null ? "error" : known.name().toLowerCase();
        String message = status == 400
                ? "The request was refused before it reached the API: its path or headers are malformed (an encoded "
                        + "'/' (%2F), '\\\\' or NUL (%00) in a path, or an invalid escape, is not accepted)"
                : known == null ? "Request failed" : known.getReasonPhrase();
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"error\":\"" + error + "\",\"message\":\"" + message + "\"}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response was committed meanwhile: nothing more to say
        }
    }
}
