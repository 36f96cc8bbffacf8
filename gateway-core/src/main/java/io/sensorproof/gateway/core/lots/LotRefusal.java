package io.sensorproof.gateway.core.lots;

import java.util.Map;
import java.util.Objects;

/**
 * A lot, its terms or an emissions facility refused by a domain rule, with a stable upper-snake-case
 * code (e.g. {@value #INVALID_MAX_GAP}) and details naming the offending field. The gateway's REST
 * layer renders it as a 400 {@code {code, message, details}}; the codes mirror the custom errors of
 * {@code CollateralFinancing} and {@code CarbonCredit} (docs/contracts.md) so that terms the gateway
 * accepts are terms the contracts accept.
 */
public final class LotRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** No watch in the terms ({@code NoWatches}). */
    public static final String NO_WATCHES = "TERMS_NO_WATCHES";
    /** A quantity that is not a known SenML name. */
    public static final String UNKNOWN_QUANTITY = "TERMS_UNKNOWN_QUANTITY";
    /** Two watches on one quantity ({@code DuplicateWatch}). */
    public static final String DUPLICATE_WATCH = "TERMS_DUPLICATE_WATCH";
    /** lo &gt; hi ({@code InvalidRange}). */
    public static final String INVALID_RANGE = "TERMS_INVALID_RANGE";
    /** A duration that is zero or negative ({@code ZeroMinDuration}, {@code ZeroMaxAge}, ...). */
    public static final String INVALID_DURATION = "TERMS_INVALID_DURATION";
    /** maxGap not in (0, 2 × samplingInterval) ({@code InvalidMaxGap}). */
    public static final String INVALID_MAX_GAP = "TERMS_INVALID_MAX_GAP";
    /** k not in [1, devices] ({@code InvalidK}). */
    public static final String INVALID_K = "TERMS_INVALID_K";
    /** A device list that is empty, too long or names a device twice ({@code DuplicateDevice}). */
    public static final String INVALID_DEVICES = "INVALID_DEVICES";
    /** An emissions facility's baseline or substitute rate out of range ({@code InvalidTerms}). */
    public static final String INVALID_EMISSIONS_TERMS = "EMISSIONS_INVALID_TERMS";
    /** A period calendar the gateway does not know. */
    public static final String UNKNOWN_CALENDAR = "EMISSIONS_UNKNOWN_CALENDAR";

    private final String code;
    private final transient Map<String, Object> details;

    public LotRefusal(String code, String message, Map<String, Object> details) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
        this.details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** The stable code. */
    public String code() {
        return code;
    }

    /** What was refused (field, values), for the API's {@code details}. */
    public Map<String, Object> details() {
        return details;
    }
}
