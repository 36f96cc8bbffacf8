package io.sensorproof.gateway.enroll;

import io.sensorproof.gateway.enroll.CaKeyStore.CaEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The CA generations of a key store (oldest first) and the rotation rule: the newest is current;
 * an older one stays trusted (its certificates valid, its pinned tokens served) until its
 * successor's notBefore plus the rotation window, and never past its own notAfter.
 *
 * @param entries CA generations, oldest first (at least one)
 * @param rotationWindow how long a replaced CA stays trusted
 */
public record CaGenerations(List<CaEntry> entries, Duration rotationWindow) {
    public CaGenerations {
        entries = List.copyOf(entries);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("at least one CA generation is required");
        }
        Objects.requireNonNull(rotationWindow, "rotationWindow");
    }

    /** The current CA: the one that signs new certificates and that new tokens pin. */
    public CaEntry current() {
        return entries.get(entries.size() - 1);
    }

    /** Until when {@code entries().get(index)} is trusted. */
    Instant trustedUntil(int index) {
        Instant notAfter = entries.get(index).certificate().getNotAfter().toInstant();
        if (index == entries.size() - 1) {
            return notAfter;
        }
        Instant replaced = entries.get(index + 1).certificate().getNotBefore().toInstant().plus(DeviceCertificates.BACKDATE);
        Instant end = replaced.plus(rotationWindow);
        return end.isBefore(notAfter) ? end : notAfter;
    }

    /** The trusted CA generations at {@code now}, current first. */
    public List<CaEntry> trusted(Instant now) {
        List<CaEntry> trusted = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (now.isBefore(trustedUntil(i))) {
                trusted.add(entries.get(i));
            }
        }
        return trusted;
    }

    /** The trusted CA certificates at {@code now}, current first. */
    public List<X509Certificate> trustedCertificates(Instant now) {
        return trusted(now).stream().map(CaEntry::certificate).toList();
    }

    /** The CA generation with this certificate fingerprint (lowercase hex), if it is trusted at {@code now}. */
    public Optional<CaEntry> trustedByFingerprint(String fingerprintHex, Instant now) {
        return trusted(now).stream().filter(e -> e.fingerprintHex().equals(fingerprintHex)).findFirst();
    }

    /** When the CA generation with this fingerprint stops being trusted. */
    public Optional<Instant> trustedUntil(String fingerprintHex) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).fingerprintHex().equals(fingerprintHex)) {
                return Optional.of(trustedUntil(i));
            }
        }
        return Optional.empty();
    }
}
