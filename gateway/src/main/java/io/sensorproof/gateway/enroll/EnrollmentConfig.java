package io.sensorproof.gateway.enroll;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the device CA and enrollment; environment variables override (e.g. SENSORPROOF_CA_PASSWORD). */
@ConfigMapping(prefix = "sensorproof")
public interface EnrollmentConfig {

    /** Standalone data directory (the CA files default to files in it). */
    @WithDefault("./data")
    String dataDir();

    /** The device CA. */
    Ca ca();

    /** Enrollment tokens and certificates. */
    Enrollment enrollment();

    /** Where the device CA lives and how it rotates. */
    interface Ca {
        /** PKCS#12 file of the CA generations; default {@code <data-dir>/device-ca.p12}; mode 0600 required. */
        Optional<String> file();

        /** Key store password (set it through SENSORPROOF_CA_PASSWORD, never in a committed file). */
        Optional<String> password();

        /**
         * File whose first line is the password (mode 0600 required); default
         * {@code <data-dir>/device-ca.password}, written with a random password when the CA is created.
         */
        Optional<String> passwordFile();

        /** Create the key store (and its password file) at the first start when it is missing. */
        @WithDefault("true")
        boolean createIfMissing();

        /** Validity of a newly generated CA certificate. */
        @WithDefault("3650d")
        Duration validity();

        /** How long a replaced CA stays trusted after a rotation (its certificates and pinned tokens). */
        @WithDefault("90d")
        Duration rotationWindow();
    }

    /** Tokens and device certificates. */
    interface Enrollment {
        /** Lifetime of an enrollment token from the operator API. */
        @WithDefault("7d")
        Duration tokenTtl();

        /** Validity of a device certificate. */
        @WithDefault("90d")
        Duration certificateValidity();

        /**
         * After a re-key, how long the replaced key stays accepted when it had no certificate
         * (registered with its public key); keys with certificates stay accepted until the newest expires.
         */
        @WithDefault("30d")
        Duration retiredKeyGrace();

        /**
         * How long after a token's use an identical request (same token, same key) still gets the same
         * certificate back, for an agent that lost the response.
         */
        @WithDefault("1h")
        Duration retryWindow();

        /** Enrollment requests processed at once by this replica; more are refused with 503 ENROLLMENT_BUSY. */
        @WithDefault("8")
        int maxConcurrent();
    }
}
