package io.sensorproof.gateway.lots;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.core.lots.LotRefusal;
import io.sensorproof.gateway.core.lots.LotTerms;
import io.sensorproof.gateway.core.lots.Watch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The JSON shapes of lots and emissions facilities in the API, and the mapping of domain refusals. */
public final class LotViews {
    private LotViews() {
    }

    /**
     * One watch of a lot's terms, as sent and shown; lo/hi fixed-point as stored, durations in ms. Every
     * field is required: a missing bound must not silently become 0 (0 centi-kelvin would disable a lower
     * bound).
     */
    public record WatchView(String quantity, Long lo, Long hi, Long minDurationMs, Long maxGapMs, Long samplingIntervalMs,
            Long maxAgeMs, Integer k) {
        Watch toWatch() {
            if (k == null) {
                throw ApiException.badRequest("INVALID_REQUEST", "watch field k is required", Map.of("field", "k"));
            }
            return new Watch(LotTerms.quantity(quantity), requireLong("lo", lo), requireLong("hi", hi),
                    requireLong("minDurationMs", minDurationMs), requireLong("maxGapMs", maxGapMs),
                    requireLong("samplingIntervalMs", samplingIntervalMs), requireLong("maxAgeMs", maxAgeMs), k);
        }
    }

    /**
     * A lot: {@code terms} empty until the bank sets them ({@code termsVersion} 0), {@code chainFacilityId}
     * (decimal uint256) null until the oracle links it, {@code closedAt} null while open. {@code chain} is the
     * linked facility as the chain's events say (ADR 026: state PROPOSED/ACTIVE/FROZEN, lastChange with its
     * transaction and block, the freeze with its run-claim ids, the last unfreeze with the bank's reason),
     * null until the follower has read an event of it.
     */
    public record LotView(long id, String tenant, String siteId, String bank, String name, List<String> deviceIds,
            String chainFacilityId, List<WatchView> terms, int termsVersion, Instant termsSetAt, Instant createdAt,
            Instant closedAt, boolean open, com.fasterxml.jackson.databind.JsonNode chain) {
    }

    /** Body of a lot creation (factory or operator key): no terms, those are the bank's. */
    public record CreateLotRequest(String tenant, String siteId, String bank, String name, List<String> deviceIds) {
    }

    /** Body of a terms change (the lot's bank): the whole set of watches, replacing the previous one. */
    public record TermsRequest(List<WatchView> watches) {
        LotTerms toTerms() {
            if (watches == null) {
                throw new LotRefusal(LotRefusal.NO_WATCHES, "terms need at least one watch", Map.of("field", "watches"));
            }
            List<Watch> list = new ArrayList<>();
            for (WatchView w : watches) {
                if (w == null) {
                    throw ApiException.badRequest("INVALID_REQUEST", "a watch is null", Map.of("field", "watches"));
                }
                list.add(w.toWatch());
            }
            return new LotTerms(list);
        }
    }

    /**
     * An emissions facility with its verifier's terms; {@code chainPeriods} its periods as the chain's events
     * say (state, close, void, mint, units held and retired; ADR 026), null until there are any.
     */
    public record FacilityView(long id, String tenant, String exchange, String name, List<String> deviceIds,
            String chainFacilityId, long baselineKg, String calendar, long maxGapMs, long substituteRateKgPerHour,
            int termsVersion, Instant termsSetAt, Instant createdAt, com.fasterxml.jackson.databind.JsonNode chainPeriods) {
    }

    /** Body of an emissions facility creation (operator key). */
    public record CreateFacilityRequest(String tenant, String exchange, String name, List<String> deviceIds,
            Long baselineKg, String calendar, Long maxGapMs, Long substituteRateKgPerHour) {
    }

    /** Body of an emissions facility's terms change (operator key). */
    public record FacilityTermsRequest(Long baselineKg, String calendar, Long maxGapMs, Long substituteRateKgPerHour) {
    }

    /** 400 with the refusal's code and details. */
    public static ApiException badRequest(LotRefusal refusal) {
        return ApiException.badRequest(refusal.code(), refusal.getMessage(), refusal.details());
    }

    /** 404 LOT_NOT_FOUND: the same for a missing lot and one the caller is no party of. */
    public static ApiException lotNotFound(long id) {
        return ApiException.notFound("LOT_NOT_FOUND", "no lot " + id, Map.of("lot", id));
    }

    /** 404 EMISSION_FACILITY_NOT_FOUND, likewise. */
    public static ApiException facilityNotFound(long id) {
        return ApiException.notFound("EMISSION_FACILITY_NOT_FOUND", "no emissions facility " + id, Map.of("facility", id));
    }

    static String requireText(String field, String value, int maxLength) {
        if (value == null || value.isBlank() || value.length() > maxLength) {
            throw ApiException.badRequest("INVALID_REQUEST", field + " is required, 1-" + maxLength + " characters",
                    Map.of("field", field));
        }
        return value.strip();
    }

    static long requireLong(String field, Long value) {
        if (value == null) {
            throw ApiException.badRequest("INVALID_REQUEST", field + " is required", Map.of("field", field));
        }
        return value;
    }
}
