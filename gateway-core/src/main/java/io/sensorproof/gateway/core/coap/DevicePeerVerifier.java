package io.sensorproof.gateway.core.coap;

import io.sensorproof.gateway.core.coap.PeerResolver.PeerRefusedException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.x500.X500Principal;
import org.eclipse.californium.elements.util.CertPathUtil;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertLevel;
import org.eclipse.californium.scandium.dtls.CertificateMessage;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.CertificateVerificationResult;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.x509.NewAdvancedCertificateVerifier;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * Scandium's client-certificate check for devices: an X.509 chain must validate against the device
 * CA certificates of the moment (a {@link Supplier}, so a CA rotation is picked up at the next
 * handshake), carry the clientAuth usage and name a device ({@link PeerResolver}); a raw public key
 * must belong to a registered active device. Anything else fails the handshake with a fatal alert.
 * Refusals are counted by code.
 *
 * <p>The check runs on Scandium's handshake threads and may query the registry (which the gateway
 * caches); handshakes are rare compared to messages.
 */
public final class DevicePeerVerifier implements NewAdvancedCertificateVerifier {
    private static final Logger LOG = Logger.getLogger(DevicePeerVerifier.class.getName());

    private final Supplier<List<X509Certificate>> trustedCas;
    private final PeerResolver resolver;
    private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
    private final LongAdder accepted = new LongAdder();

    /**
     * @param trustedCas the device CA certificates currently trusted (current CA first, then CAs still
     *     trusted during a rotation window); may be empty, then only raw public keys are accepted
     */
    public DevicePeerVerifier(Supplier<List<X509Certificate>> trustedCas, PeerResolver resolver) {
        this.trustedCas = Objects.requireNonNull(trustedCas, "trustedCas");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        for (String code : REFUSAL_CODES) {
            refused.put(code, new LongAdder());
        }
    }

    /** Codes of refused handshakes. */
    public static final List<String> REFUSAL_CODES = List.of("PEER_UNKNOWN", "PEER_INACTIVE", "PEER_KEY_UNSUPPORTED", "PEER_CERTIFICATE_USAGE",
            "PEER_UNTRUSTED", "PEER_REGISTRY_UNAVAILABLE");

    /** The live counters of refused handshakes by code (for a metrics bridge). */
    public Map<String, LongAdder> refusedCounters() {
        return java.util.Collections.unmodifiableMap(refused);
    }

    @Override
    public List<CertificateType> getSupportedCertificateTypes() {
        return List.of(CertificateType.X_509, CertificateType.RAW_PUBLIC_KEY);
    }

    @Override
    public CertificateVerificationResult verifyCertificate(ConnectionId cid, ServerNames serverName, InetSocketAddress remotePeer,
            boolean clientUsage, boolean verifySubject, boolean truncateCertificatePath, CertificateMessage message) {
        try {
            CertPath chain = message.getCertificateChain();
            if (chain == null) {
                resolver.resolveRawPublicKey(message.getPublicKey());
                accepted.increment();
                return new CertificateVerificationResult(cid, message.getPublicKey(), null);
            }
            if (message.isEmpty()) {
                throw refuse("PEER_UNKNOWN", "the client sent no certificate", AlertDescription.BAD_CERTIFICATE);
            }
            X509Certificate leaf = (X509Certificate) chain.getCertificates().get(0);
            if (!CertPathUtil.canBeUsedForAuthentication(leaf, true)) {
                throw refuse("PEER_CERTIFICATE_USAGE", "certificate " + leaf.getSubjectX500Principal()
                        + " is not usable for client authentication (key usage / extended key usage)", AlertDescription.BAD_CERTIFICATE);
            }
            X509Certificate[] trust = trustedCas.get().toArray(new X509Certificate[0]);
            if (trust.length == 0) {
                throw refuse("PEER_UNTRUSTED", "no device CA is configured; certificates cannot be verified",
                        AlertDescription.UNKNOWN_CA);
            }
            CertPath validated;
            try {
                validated = CertPathUtil.validateCertificatePathWithIssuer(truncateCertificatePath, chain, trust);
            } catch (GeneralSecurityException e) {
                throw refuse("PEER_UNTRUSTED", "certificate " + leaf.getSubjectX500Principal() + " does not validate against the device CAs: "
                        + e.getMessage(), AlertDescription.BAD_CERTIFICATE);
            }
            resolver.resolveCertificate(leaf);
            accepted.increment();
            return new CertificateVerificationResult(cid, validated, null);
        } catch (HandshakeException e) {
            return new CertificateVerificationResult(cid, e, null);
        } catch (PeerRefusedException e) {
            count(e.code(), e.getMessage());
            return new CertificateVerificationResult(cid, new HandshakeException(e.getMessage(),
                    new AlertMessage(AlertLevel.FATAL, AlertDescription.ACCESS_DENIED)), null);
        } catch (RuntimeException e) {
            count("PEER_REGISTRY_UNAVAILABLE", e.toString());
            LOG.log(Level.WARNING, "DTLS peer check failed; handshake refused", e);
            return new CertificateVerificationResult(cid, new HandshakeException("device registry unavailable",
                    new AlertMessage(AlertLevel.FATAL, AlertDescription.INTERNAL_ERROR)), null);
        }
    }

    private HandshakeException refuse(String code, String message, AlertDescription alert) {
        count(code, message);
        return new HandshakeException(message, new AlertMessage(AlertLevel.FATAL, alert));
    }

    private void count(String code, String message) {
        refused.computeIfAbsent(code, c -> new LongAdder()).increment();
        LOG.fine(() -> "DTLS peer refused (" + code + "): " + message);
    }

    @Override
    public List<X500Principal> getAcceptedIssuers() {
        return CertPathUtil.toSubjects(trustedCas.get());
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        // verification is synchronous
    }

    /** Handshakes whose peer was accepted. */
    public long accepted() {
        return accepted.sum();
    }

    /** Refused handshakes by code ({@code PEER_UNTRUSTED}, {@code PEER_UNKNOWN}, ...). */
    public Map<String, Long> refused() {
        Map<String, Long> out = new TreeMap<>();
        refused.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
