package io.sensorproof.gateway.core;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ack.Rejection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One code of the rejection namespace: a protocol {@link ErrorCode} or a {@link GatewayReason}.
 * Quarantine records, metrics and signed rejections all use {@link #name()}.
 *
 * @param name the stable code, e.g. {@code BAD_SIGNATURE} or {@code CONFLICTING_DUPLICATE}
 * @param signedRejection whether an authenticated message refused with this code is answered with a
 *     signed rejection (see {@link GatewayReason})
 * @param summary a short, human-readable summary
 */
public record ReasonCode(String name, boolean signedRejection, String summary) {
    /**
     * Protocol codes that the pipeline finds only after the signature verified, and that are final
     * for the signed content (resending the same bytes cannot succeed): invalid values, and the
     * store's reading rules (a reading time already stored from another message, an emissions
     * register below its predecessor or above its successor), which nothing later can undo because
     * stored readings are never deleted.
     */
    private static final Set<ErrorCode> AUTHENTICATED_PROTOCOL_CODES = EnumSet.of(ErrorCode.INVALID_VALUE,
            ErrorCode.DUPLICATE_READING_TIME, ErrorCode.REGISTER_DECREASED);

    private static final Map<String, ReasonCode> NAMESPACE = namespace();

    public ReasonCode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(summary, "summary");
        if (!Rejection.CODE.matcher(name).matches()) {
            throw new IllegalArgumentException("reason code must match " + Rejection.CODE.pattern() + ": " + name);
        }
    }

    /** The namespace entry of a protocol code. */
    public static ReasonCode of(ErrorCode code) {
        return NAMESPACE.get(code.name());
    }

    /** The namespace entry of a gateway code. */
    public static ReasonCode of(GatewayReason reason) {
        return NAMESPACE.get(reason.name());
    }

    /** The code named {@code name}, if it is in the namespace. */
    public static Optional<ReasonCode> byName(String name) {
        return Optional.ofNullable(NAMESPACE.get(name));
    }

    /** Every code: the protocol's in declaration order, then the gateway's. */
    public static List<ReasonCode> all() {
        return List.copyOf(NAMESPACE.values());
    }

    private static Map<String, ReasonCode> namespace() {
        Map<String, ReasonCode> codes = new LinkedHashMap<>();
        List<ReasonCode> entries = new ArrayList<>();
        for (ErrorCode c : ErrorCode.values()) {
            entries.add(new ReasonCode(c.name(), AUTHENTICATED_PROTOCOL_CODES.contains(c), c.summary()));
        }
        for (GatewayReason r : GatewayReason.values()) {
            entries.add(new ReasonCode(r.name(), r.signedRejection(), r.summary()));
        }
        for (ReasonCode e : entries) {
            if (codes.putIfAbsent(e.name(), e) != null) {
                throw new IllegalStateException("reason code " + e.name() + " is defined by protocol and gateway alike");
            }
        }
        return Collections.unmodifiableMap(codes);
    }

    @Override
    public String toString() {
        return name;
    }
}
