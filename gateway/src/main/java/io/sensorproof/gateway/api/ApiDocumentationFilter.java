package io.sensorproof.gateway.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Completes the OpenAPI document at build time: the {@value #SECURITY_SCHEME} bearer scheme as a
 * requirement of the whole document, and 401 and 403 responses on every operation. A filter rather than
 * annotations because SmallRye reads {@code @OpenAPIDefinition}/{@code @SecurityScheme} only from a
 * JAX-RS {@code Application} subclass, which would change how the REST layer is set up.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiDocumentationFilter implements OASFilter {
    /** Name of the bearer security scheme in the OpenAPI document. */
    public static final String SECURITY_SCHEME = "apiKey";
    /** Paths that do not take an API key: the enrollment exchange, authenticated by its token. */
    public static final java.util.Set<String> PUBLIC_PATHS = java.util.Set.of("/api/v1/enroll");
    /** Paths that take no credential at all: the device CA's certificates and revocation lists (ADR 039). */
    public static final java.util.Set<String> PUBLIC_PKI_PATHS = io.sensorproof.gateway.enroll.DeviceCaResource.PUBLIC_PATHS;

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getInfo() == null) {
            openAPI.setInfo(OASFactory.createInfo());
        }
        openAPI.getInfo().title("sensorproof gateway API").version("v1").description(
                "API of the gateway. Every /api/v1 path requires 'Authorization: Bearer <api key>' except POST"
                        + " /api/v1/enroll, which the one-time enrollment token authenticates; what a key may"
                        + " do follows from its role (operator, factory, bank, exchange, regulator) and tenant: 403"
                        + " FORBIDDEN when the role or the tenant in the path rules it out, 404 (as if missing) for a"
                        + " device, entry or key the key may not see. Errors are {code, message, details}; a request body"
                        + " that is not JSON is 400 MALFORMED_JSON (details.line, details.column), one with a value of the"
                        + " wrong type or not an allowed value is 400 INVALID_REQUEST (details.field: the path).");
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSecurityScheme(SECURITY_SCHEME, OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.HTTP)
                .scheme("bearer")
                .bearerFormat("spk_<43 base64url characters>")
                .description("An API key from POST /api/v1/api-keys, or the bootstrap operator key written to"
                        + " <sensorproof.data-dir>/operator-api-key at the first start."));
        openAPI.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(SECURITY_SCHEME));
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (java.util.Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            PathItem item = path.getValue();
            if (item.getOperations() == null) {
                continue;
            }
            for (Operation operation : item.getOperations().values()) {
                if (operation.getResponses() == null) {
                    operation.setResponses(OASFactory.createAPIResponses());
                }
                if (PUBLIC_PKI_PATHS.contains(path.getKey())) {
                    // public like a CA certificate: signed data for relying parties, no credential (ADR 039)
                    operation.setSecurity(new java.util.ArrayList<>());
                    continue;
                }
                if (PUBLIC_PATHS.contains(path.getKey())) {
                    // authenticated by the one-time enrollment token in the body, not by an API key
                    operation.setSecurity(new java.util.ArrayList<>());
                    operation.getResponses().addAPIResponse("401", OASFactory.createAPIResponse()
                            .description("UNKNOWN_TOKEN, TOKEN_EXPIRED, TOKEN_SUPERSEDED, TOKEN_CA_NOT_TRUSTED"));
                    operation.getResponses().addAPIResponse("403", OASFactory.createAPIResponse()
                            .description("TOKEN_FOR_OTHER_DEVICE, DEVICE_INACTIVE"));
                    continue;
                }
                operation.getResponses().addAPIResponse("401", OASFactory.createAPIResponse()
                        .description("UNAUTHENTICATED: missing, unknown or revoked API key"));
                operation.getResponses().addAPIResponse("403", OASFactory.createAPIResponse()
                        .description("FORBIDDEN: the key's role, or the tenant in the path, does not allow this"
                                + " (decided before the request is validated)"));
            }
        }
    }
}
