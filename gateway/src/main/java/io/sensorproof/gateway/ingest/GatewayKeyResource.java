package io.sensorproof.gateway.ingest;

import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.gateway.security.Access;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Base64;

/**
 * The key agents verify acknowledgements with (their {@code gateway.ack-key} setting): public
 * information, readable with any valid API key.
 */
@Path("/api/v1/gateway/ack-key")
@Produces(MediaType.APPLICATION_JSON)
public class GatewayKeyResource {

    /**
     * The acknowledgement key.
     *
     * @param alg algorithm label
     * @param spki SubjectPublicKeyInfo DER, base64
     * @param kid key identifier, hex
     */
    public record AckKeyView(String alg, String spki, String kid) {
    }

    @Inject
    IngestService ingest;
    @Inject
    Access access;

    @GET
    public AckKeyView get(@Context SecurityContext security) {
        access.caller(security);
        VerificationKey key = ingest.ackKey();
        return new AckKeyView(key.algorithm().label(), Base64.getEncoder().encodeToString(key.spki()), key.kidHex());
    }
}
