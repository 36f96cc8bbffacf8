package io.sensorproof.gateway.enroll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.protocol.enroll.EnrollmentRequest;
import io.sensorproof.protocol.enroll.EnrollmentResponse;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/v1/enroll}: the device side of enrollment, renewal and re-key (protocol §6).
 * Not behind the API-key filter: the one-time token in the body authenticates the request.
 */
@Path(EnrollResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "enrollment")
public class EnrollResource {
    /** The public path (exempt from API keys). */
    public static final String PATH = "/api/v1/enroll";
    private static final int MAX_BODY_CHARS = 80_000;

    @Inject
    EnrollmentService service;
    @Inject
    ObjectMapper json;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Enroll, renew or re-key a device: {token, csr} (PKCS#10 PEM) → certificate chain, ack key, renewal token."
            + " A hybrid device (ADR 029) adds postQuantumCsr, the PKCS#10 request of its ML-DSA key signed with that key."
            + " Authenticated by the one-time token, not by an API key. Optional deviceId: the device the caller expects"
            + " the token to be bound to (TOKEN_FOR_OTHER_DEVICE otherwise).")
    public Uni<EnrollmentResponse> enroll(@QueryParam("deviceId") String deviceId, String body) {
        EnrollmentRequest request;
        try {
            request = parse(body);
        } catch (EnrollmentException e) {
            service.countRefusal(e.refusal());
            throw e;
        }
        return service.enroll(request, Optional.ofNullable(deviceId).filter(d -> !d.isEmpty()));
    }

    private EnrollmentRequest parse(String body) {
        if (body == null || body.isBlank() || body.length() > MAX_BODY_CHARS) {
            throw new EnrollmentException(EnrollmentRefusal.MALFORMED_REQUEST, "body must be JSON {token, csr} of at most "
                    + MAX_BODY_CHARS + " characters");
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new EnrollmentException(EnrollmentRefusal.MALFORMED_REQUEST, "body is not JSON");
        }
        if (node == null || !node.isObject() || !node.path("token").isTextual() || !node.path("csr").isTextual()) {
            throw new EnrollmentException(EnrollmentRefusal.MALFORMED_REQUEST, "body must be {\"token\": string, \"csr\": PEM string}");
        }
        JsonNode pq = node.get("postQuantumCsr");
        if (pq != null && !pq.isNull() && !pq.isTextual()) {
            throw new EnrollmentException(EnrollmentRefusal.MALFORMED_REQUEST, "postQuantumCsr, when given, is a PEM string");
        }
        return new EnrollmentRequest(node.get("token").asText(), node.get("csr").asText(),
                pq == null || pq.isNull() ? null : pq.asText());
    }
}
