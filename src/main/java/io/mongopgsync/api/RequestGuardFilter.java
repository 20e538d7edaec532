package io.mongopgsync.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checks every request before it reaches a route, so that nothing half-reads or half-does a bad request: a body over
 * {@code sync.api.max-request-body} is answered 413 from its declared length (or as soon as it grows past the
 * limit), a changing API call with a body that is not JSON 415, JSON that is not UTF-8 400, path parameters
 * ({@code ;x}) 400, and a direct call of the servlet container's error page 404. Runs after the security filters:
 * callers without a token or from a foreign origin are refused before their body is read.
 */
public final class RequestGuardFilter extends OncePerRequestFilter {

    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final ObjectMapper mapper;
    private final long maxBody;

    public RequestGuardFilter(ObjectMapper mapper, long maxBodyBytes) {
        this.mapper = mapper;
        this.maxBody = maxBodyBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String uri = request.getRequestURI();
        if (request.getDispatcherType() == DispatcherType.REQUEST && "/error".equals(request.getServletPath())) {
            ErrorResponses.write(mapper, response, 404, "not_found", "No such endpoint: /error");
            return;
        }
        if (uri.indexOf(';') >= 0) {
            ErrorResponses.write(mapper, response, 400, "invalid_path",
                    "Paths may not contain ';' (path parameters): " + request.getServletPath());
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBody) {
            tooLarge(response);
            return;
        }
        boolean api = request.getServletPath().startsWith("/api/");
        String contentType = request.getContentType();
        if (api && CHANGING.contains(request.getMethod()) && contentType != null && !JsonBodies.isJson(contentType)) {
            ErrorResponses.write(mapper, response, 415, "unsupported_media_type",
                    "Content-Type must be application/json (or a +json type), got " + contentType);
            return;
        }
        boolean hasBody = declared > 0 || request.getHeader("Transfer-Encoding") != null;
        if (!hasBody) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = readAtMost(request.getInputStream(), maxBody);
        if (body == null) {
            tooLarge(response);
            return;
        }
        if (api && JsonBodies.isJson(contentType)) {
            int bad = firstInvalidUtf8(body);
            if (bad >= 0) {
                ErrorResponses.write(mapper, response, 400, "malformed_json", "The request body is not valid UTF-8 "
                        + "(invalid byte at offset " + bad + "); JSON must be sent as UTF-8");
                return;
            }
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        // the rest of the body is not read: the connection closes after this answer
        response.setHeader("Connection", "close");
        ErrorResponses.write(mapper, response, 413, "payload_too_large", "The request body is larger than "
                + maxBody + " bytes (sync.api.max-request-body)");
    }

    /** The whole stream, or null as soon as it holds more than {@code limit} bytes. */
    static byte[] readAtMost(InputStream in, long limit) throws IOException {
        byte[] all = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        return all.length > limit ? null : all;
    }

    /** Offset of the first byte that is not part of valid UTF-8, or -1. */
    static int firstInvalidUtf8(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in);
            return -1;
        } catch (CharacterCodingException e) {
            return in.position();
        }
    }
}
