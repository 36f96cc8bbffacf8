package io.sensorproof.gateway.lots;

import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.sensorproof.gateway.security.ApiKeyRole;
import java.util.Optional;

/**
 * Who may do what with lots, emissions facilities and collateral alerts (ADR 011 roles; plain Java,
 * no lookups). Decisions by role alone answer 403 FORBIDDEN; whether the caller is a party of a given
 * lot or facility is decided in the query ({@link #visibleTo}), and a non-party gets the 404 of a
 * missing one.
 *
 * <ul>
 *   <li>create a lot: an operator key, or a factory key of the lot's tenant;</li>
 *   <li>set a lot's terms: a bank key of the lot's bank only (the terms mirror the on-chain facility that
 *       the bank creates; the factory can neither set nor widen them, the operator does not decide a
 *       lender's risk);</li>
 *   <li>close a lot (ends monitoring, revokes the bank's lot grants): a bank key of the lot's bank, or an
 *       operator key (offboarding); never the factory, which would escape its monitoring;</li>
 *   <li>read lots and their alerts: operator and regulator keys, and keys of the lot's factory and bank;</li>
 *   <li>acknowledge an alert: a factory or bank key of the lot's factory or bank (the parties);</li>
 *   <li>create an emissions facility and set its terms: operator keys, acting as the platform's verifier
 *       (CarbonCredit's VERIFIER_ROLE; regulator keys write nothing by ADR 011, and the owner may never set
 *       its own terms);</li>
 *   <li>read an emissions facility: operator and regulator keys, its factory's and its exchange's keys.</li>
 * </ul>
 */
public final class LotPolicy {
    private LotPolicy() {
    }

    /** Creating a lot, before the body is read: operator and factory keys. */
    public static ApiKeyPrincipal requireLotCreator(ApiKeyPrincipal caller) {
        if (caller.role() == ApiKeyRole.OPERATOR || caller.role() == ApiKeyRole.FACTORY) {
            return caller;
        }
        throw Access.forbidden(caller, "lots are created by operator keys and the factory's own keys");
    }

    /** Creating a lot of {@code tenant}, once the body names it. */
    public static ApiKeyPrincipal requireLotCreator(ApiKeyPrincipal caller, String tenant) {
        requireLotCreator(caller);
        if (caller.role() == ApiKeyRole.FACTORY && !caller.belongsTo(tenant)) {
            throw Access.forbidden(caller, "a factory key creates lots of its own tenant only");
        }
        return caller;
    }

    /** Setting terms: bank keys (the lot must then be of the caller's bank). */
    public static ApiKeyPrincipal requireTermsSetter(ApiKeyPrincipal caller) {
        if (caller.role() == ApiKeyRole.BANK && caller.tenantId() != null) {
            return caller;
        }
        throw Access.forbidden(caller, "a lot's terms are set by its bank's keys only");
    }

    /** Closing a lot: bank keys (of the lot's bank) and operator keys. */
    public static ApiKeyPrincipal requireCloser(ApiKeyPrincipal caller) {
        if (caller.role() == ApiKeyRole.OPERATOR || (caller.role() == ApiKeyRole.BANK && caller.tenantId() != null)) {
            return caller;
        }
        throw Access.forbidden(caller, "a lot is closed by its bank's keys or an operator key");
    }

    /** Acknowledging an alert: factory and bank keys (of the lot's parties). */
    public static ApiKeyPrincipal requireAcknowledger(ApiKeyPrincipal caller) {
        if ((caller.role() == ApiKeyRole.BANK || caller.role() == ApiKeyRole.FACTORY) && caller.tenantId() != null) {
            return caller;
        }
        throw Access.forbidden(caller, "alerts are acknowledged by the lot's factory or bank keys");
    }

    /** Writing emissions facilities: operator keys (the platform's verifier). */
    public static ApiKeyPrincipal requireVerifier(ApiKeyPrincipal caller) {
        if (caller.role() == ApiKeyRole.OPERATOR) {
            return caller;
        }
        throw Access.forbidden(caller, "emissions facilities and their terms are set by operator (verifier) keys");
    }

    /**
     * The tenant whose lots, facilities and alerts the caller sees: empty for operator and regulator
     * keys (everything), else the key's tenant. 403 for a key without tenant that does not read
     * everything (none exists today).
     */
    public static Optional<String> visibleTo(ApiKeyPrincipal caller) {
        if (caller.role().readsEverything()) {
            return Optional.empty();
        }
        if (caller.tenantId() == null) {
            throw Access.forbidden(caller, "this key reads no lot");
        }
        return Optional.of(caller.tenantId());
    }
}
