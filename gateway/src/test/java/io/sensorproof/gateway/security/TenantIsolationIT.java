package io.sensorproof.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.OpenApiOperations.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Generated tenant-isolation probes over the OpenAPI document: every operation is called with keys
 * of other tenants (a factory of another tenant, a bank and an exchange without grants), with the
 * path naming the victim tenant's real resources and a plausible body, and must refuse with 403 or
 * 404 — never 2xx, never a 400/409/422 that would show validation or existence. A listing without
 * path parameters may answer 200, but nothing of the victim may be in it. The regulator reads every
 * operation and every write is refused. Control requests with the operator key show that the paths
 * and bodies are real, so the refusals are authorization, not typos (for a lot's terms and an alert's
 * acknowledgement, which operators may not do, the lot's bank and factory keys make the control).
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class TenantIsolationIT extends TenancyTestSupport {
    /**
     * Open to every key (the acknowledgement key and the device CA certificates are trust anchors, no
     * tenant's data) or to nobody's key (enrollment is authenticated by its one-time token; the device
     * CA's certificates and revocation lists are public, ADR 039); the session ("who am I") answers every key
     * with that key's own record.
     */
    static final Set<String> EXEMPT = Set.of("GET /api/v1/gateway/ack-key", "GET /api/v1/gateway/device-ca", "POST /api/v1/enroll",
            "GET /api/v1/gateway/device-ca/crl", "GET /api/v1/gateway/device-ca/crls.pem", "GET /api/v1/gateway/device-ca/certificates.pem",
            "GET /api/v1/session");

    /**
     * Reads whose control cannot be 200 in-process, with the code they answer instead: past authorization and
     * the lookups of the victim's resources, refused for a state the in-process application (no chain) never
     * reaches. A verification bundle exists only for a minted period, and nothing is minted without a chain; a
     * claim is audited only once anchored, and nothing is anchored without a chain.
     */
    static final Map<String, String> READ_CONTROL_STATE = Map.of(
            "GET /api/v1/emission-facilities/{facilityId}/periods/{periodId}/verification-bundle", "CARBON_PERIOD_NOT_MINTED",
            "GET /api/v1/lots/{lotId}/freezes/{freezeId}/evidence-bundle", "FREEZE_NOT_CONFIRMED",
            "GET /api/v1/claims/{claimId}/audit", "CLAIM_NOT_ANCHORED",
            "GET /api/v1/claims/{claimId}/audit-bundle", "CLAIM_NOT_ANCHORED");

    TenantIsolationIT() {
        super("iso-");
    }

    @org.junit.jupiter.api.AfterEach
    void removeTheVictimsClaim() throws Exception {
        world.removeVictimClaim();
    }

    @Test
    void everyOperationRefusesOtherTenantsKeysAndTheProbeCoversTheWholeDocument() throws Exception {
        OpenApiOperations api = OpenApiOperations.load(world);
        List<Operation> operations = api.all();
        Map<String, String> foreignKeys = new LinkedHashMap<>();
        foreignKeys.put("factory of another tenant", world.otherFactoryKey);
        foreignKeys.put("bank without grants", world.bankKey);
        foreignKeys.put("exchange without grants", world.exchangeKey);

        Set<String> probed = new TreeSet<>();
        for (Operation op : operations) {
            if (EXEMPT.contains(op.key())) {
                continue;
            }
            if (op.isRead()) {
                Response control = api.send(op, OperatorKey.bootstrap());
                assertReadAllowed(op, control, "control: operator ");
                if (!op.hasPathParameters()) {
                    assertThat(control.asString()).as("control: " + op + " lists something of the victim").contains(world.marker);
                }
            }
            for (Map.Entry<String, String> caller : foreignKeys.entrySet()) {
                Response r = api.send(op, caller.getValue());
                String what = caller.getKey() + ": " + op + " -> " + r.statusCode() + " " + r.asString();
                if (op.isRead() && !op.hasPathParameters() && r.statusCode() == 200) {
                    assertThat(r.asString()).as(what).doesNotContain(world.marker);
                } else {
                    assertThat(r.statusCode()).as(what).isIn(403, 404);
                    assertThat(r.jsonPath().getString("code")).as(what).matches("FORBIDDEN|[A-Z_]+_NOT_FOUND");
                }
            }
            probed.add(op.key());
        }

        Set<String> documented = new TreeSet<>();
        operations.forEach(op -> documented.add(op.key()));
        Set<String> expected = new TreeSet<>(documented);
        expected.removeAll(EXEMPT);
        assertThat(probed).as("every operation of the document was probed").isEqualTo(expected);
        assertThat(probed).as("the document lists the API").hasSizeGreaterThan(20);

        // The writes were refused for want of rights, not because their paths or bodies were wrong: the
        // operator's identical requests are well-formed and hit real resources (2xx, or 409 for a duplicate).
        // Writes that are the lot's parties' business and not the operator's are controlled with the party's key.
        // (a key of its own for the factory: the control of DELETE /api-keys/{id} revokes the world's one)
        String victimFactoryControlKey = (String) world.createKey(OperatorKey.bootstrap(), "control", "factory", world.victim)
                .get("key");
        Map<String, String> controlKeys = Map.of(
                "PUT /api/v1/lots/{lotId}/terms", world.bank2Key,
                "POST /api/v1/collateral-alerts/{alertId}/acknowledge", victimFactoryControlKey);
        for (Operation op : operations) {
            if (!EXEMPT.contains(op.key()) && !op.isRead()) {
                Response control = api.send(op, controlKeys.getOrDefault(op.key(), OperatorKey.bootstrap()));
                assertThat(control.statusCode()).as("control: " + op + " -> " + control.asString())
                        .isIn(200, 201, 204, 409);
            }
        }
    }

    @Test
    void regulatorReadsEveryOperationAndEveryWriteIsRefused() throws Exception {
        OpenApiOperations api = OpenApiOperations.load(world);
        int reads = 0;
        int writes = 0;
        for (Operation op : api.all()) {
            if (EXEMPT.contains(op.key())) {
                continue;
            }
            Response r = api.send(op, world.regulatorKey);
            String what = "regulator: " + op + " -> " + r.statusCode() + " " + r.asString();
            if (op.isRead()) {
                reads++;
                assertReadAllowed(op, r, "regulator: ");
                if (!op.hasPathParameters()) {
                    assertThat(r.asString()).as(what).contains(world.marker);
                }
            } else {
                writes++;
                assertThat(r.statusCode()).as(what).isEqualTo(403);
                assertThat(r.jsonPath().getString("code")).as(what).isEqualTo(Access.FORBIDDEN);
            }
        }
        assertThat(reads).isGreaterThan(10);
        assertThat(writes).isGreaterThan(5);
    }

    /** A read the caller may make: 200, or the state refusal of {@link #READ_CONTROL_STATE}. */
    private static void assertReadAllowed(Operation op, Response r, String who) {
        String what = who + op + " -> " + r.statusCode() + " " + r.asString();
        String state = READ_CONTROL_STATE.get(op.key());
        if (state == null) {
            assertThat(r.statusCode()).as(what).isEqualTo(200);
        } else {
            assertThat(r.statusCode()).as(what).isEqualTo(409);
            assertThat(r.jsonPath().getString("code")).as(what).isEqualTo(state);
        }
    }
}
