package io.sensorproof.oracle.jobs.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobException;
import java.io.IOException;

/** Reads the payloads of the CarbonCredit job kinds (facility and period ids, plus named fields). */
final class CarbonPayloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CarbonPayloads() {}

    static JsonNode read(Job job, String kind, String... fields) {
        JsonNode p;
        try {
            p = JSON.readTree(job.payload());
        } catch (IOException e) {
            throw new JobException(JobException.Code.INVALID_JOB, "payload is not JSON: " + e.getMessage());
        }
        if (!p.path("facilityId").canConvertToLong() || p.path("facilityId").asLong() <= 0
                || !p.path("periodId").canConvertToLong() || p.path("periodId").asLong() <= 0) {
            throw new JobException(JobException.Code.INVALID_JOB, kind + " payload lacks positive facilityId and periodId");
        }
        for (String field : fields) {
            if (!p.path(field).isTextual()) {
                throw new JobException(JobException.Code.INVALID_JOB, kind + " payload lacks " + field);
            }
        }
        return p;
    }
}
