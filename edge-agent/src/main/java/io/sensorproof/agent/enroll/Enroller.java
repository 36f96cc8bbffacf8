package io.sensorproof.agent.enroll;

import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.agent.outbox.Durable;
import io.sensorproof.agent.outbox.FileIo;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.enroll.CertificateRequests;
import io.sensorproof.protocol.enroll.EnrollmentRequest;
import io.sensorproof.protocol.enroll.EnrollmentResponse;
import io.sensorproof.protocol.enroll.EnrollmentToken;
import io.sensorproof.protocol.enroll.Pem;
import io.sensorproof.protocol.message.ReadingMessages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Enrollment, renewal and re-key on the device, through the one exchange of protocol §6:
 * <ul>
 *   <li>{@link #enroll}: the device key is generated here when absent (it never leaves the
 *       device), a CSR is sent with the operator's one-time token;</li>
 *   <li>{@link #renew}: a fresh CSR for the same key with the renewal token of the last response;</li>
 *   <li>{@link #rekey}: a new key, its CSR with the renewal token; on success the new key becomes
 *       the device key and the old one is kept under {@code retired-keys/} (messages it signed
 *       that are still in the outbox stay valid at the gateway until its certificate expires).</li>
 * </ul>
 * Every response is checked with {@link EnrollmentResponse#verify} against the CA pinned by the
 * token used.
 *
 * <p>A hybrid device (ADR 029) has a second, ML-DSA key ({@code post-quantum-key.file}): every exchange
 * then also sends {@code postQuantumCsr}, the request of that key signed with it, so the gateway registers
 * (enrollment, re-key) or keeps (renewal) the pair; a re-key replaces both keys. The request is written to {@value #PENDING_FILE} before it is sent, so a retry after
 * a lost response sends the very same CSR and gets the very same certificate.
 */
public final class Enroller {
    /** The request in flight (token, CSR, kind), kept until a response or a refusal. */
    public static final String PENDING_FILE = "enrollment-pending.properties";

    private final Path dataDir;
    private final Path keyFile;
    private final Optional<Path> postQuantumKeyFile;
    private final Clock clock;
    private final FileIo io;

    /** What an exchange did. */
    public enum Kind {
        /** First enrollment with an operator token (or re-enrollment with a new one). */
        ENROLL,
        /** Same key, new certificate. */
        RENEW,
        /** New key and certificate. */
        REKEY
    }

    /**
     * The outcome of an exchange.
     *
     * @param kind what was done
     * @param state the stored state after it
     * @param certificate the device certificate
     * @param ackKey the gateway's acknowledgement key
     * @param postQuantumKid the kid (hex) of the ML-DSA key registered with the device key, for a hybrid device
     */
    public record Result(Kind kind, EnrollmentState state, X509Certificate certificate, VerificationKey ackKey,
            Optional<String> postQuantumKid) {
    }

    public Enroller(Path dataDir, Path keyFile, Clock clock) {
        this(dataDir, keyFile, Optional.empty(), clock, FileIo.SYSTEM);
    }

    /** An enroller of a device that is hybrid when {@code postQuantumKeyFile} is given (ADR 029). */
    public Enroller(Path dataDir, Path keyFile, Optional<Path> postQuantumKeyFile, Clock clock) {
        this(dataDir, keyFile, postQuantumKeyFile, clock, FileIo.SYSTEM);
    }

    /** An enroller whose key and state files go through {@code io} (fault tests). */
    public Enroller(Path dataDir, Path keyFile, Clock clock, FileIo io) {
        this(dataDir, keyFile, Optional.empty(), clock, io);
    }

    /** As above, hybrid when {@code postQuantumKeyFile} is given. */
    public Enroller(Path dataDir, Path keyFile, Optional<Path> postQuantumKeyFile, Clock clock, FileIo io) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
        this.postQuantumKeyFile = Objects.requireNonNull(postQuantumKeyFile, "postQuantumKeyFile");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.io = Objects.requireNonNull(io, "io");
    }

    /** True when less than a third of the certificate's lifetime remains at {@code now}. */
    public static boolean renewalDue(Instant notBefore, Instant notAfter, Instant now) {
        Duration lifetime = Duration.between(notBefore, notAfter);
        return Duration.between(now, notAfter).compareTo(lifetime.dividedBy(3)) < 0;
    }

    /** The stored enrollment state, if any. */
    public Optional<EnrollmentState> state() throws IOException {
        return EnrollmentState.load(dataDir);
    }

    /**
     * Enrolls with an operator token: generates the device key ({@code alg}) if the key file does
     * not exist yet, and sends its CSR.
     *
     * @param deviceId the device this agent expects to be, if known (the gateway refuses a token
     *     bound to another one)
     */
    public Result enroll(EnrollmentClient client, URI gatewayUrl, Optional<Path> caFile, String token, Optional<String> deviceId,
            SignatureAlgorithm alg) throws IOException, InterruptedException {
        return enroll(client, gatewayUrl, caFile, token, deviceId, alg, Optional.empty());
    }

    /**
     * Enrolls as above; with {@code postQuantumAlg} (or an existing ML-DSA key file) the device is hybrid: the
     * ML-DSA key is generated into the post-quantum key file if absent and registered with the device key.
     *
     * @throws IllegalArgumentException for a hybrid pair that is not ES256/EdDSA with ML-DSA-44/65, or an ML-DSA
     *     algorithm without a post-quantum key file
     */
    public Result enroll(EnrollmentClient client, URI gatewayUrl, Optional<Path> caFile, String token, Optional<String> deviceId,
            SignatureAlgorithm alg, Optional<SignatureAlgorithm> postQuantumAlg) throws IOException, InterruptedException {
        EnrollmentToken.parse(token);
        if (postQuantumAlg.isPresent() && postQuantumKeyFile.isEmpty()) {
            throw new IllegalArgumentException("a hybrid enrollment needs the ML-DSA key file (post-quantum-key.file)");
        }
        SigningKey key = Files.exists(keyFile) ? KeyFiles.load(keyFile) : KeyFiles.generate(keyFile, alg, io);
        Optional<SigningKey> postQuantum = Optional.empty();
        if (postQuantumKeyFile.isPresent() && (postQuantumAlg.isPresent() || Files.exists(postQuantumKeyFile.get()))) {
            Path pqFile = postQuantumKeyFile.get();
            postQuantum = Optional.of(Files.exists(pqFile) ? KeyFiles.load(pqFile)
                    : KeyFiles.generate(pqFile, requireHybridPair(key.algorithm(), postQuantumAlg.get()), io));
            requireHybridPair(key.algorithm(), postQuantum.get().algorithm());
        }
        return exchange(client, gatewayUrl.toString(), caFile.map(Path::toString).orElse(null), Kind.ENROLL, token, key, keyFile,
                postQuantum, deviceId);
    }

    /** Renews the certificate of the current key with the stored renewal token (a hybrid device sends its ML-DSA key too). */
    public Result renew(EnrollmentClient client) throws IOException, InterruptedException {
        EnrollmentState state = requireState();
        return exchange(client, state.gatewayUrl(), state.caFile(), Kind.RENEW, renewalToken(state), KeyFiles.load(keyFile), keyFile,
                currentPostQuantumKey(), Optional.of(state.device()));
    }

    /** The ML-DSA key of a hybrid device, if this device is one (its key file is configured and exists). */
    private Optional<SigningKey> currentPostQuantumKey() throws IOException {
        if (postQuantumKeyFile.isEmpty() || !Files.exists(postQuantumKeyFile.get())) {
            return Optional.empty();
        }
        return Optional.of(KeyFiles.load(postQuantumKeyFile.get()));
    }

    private static SignatureAlgorithm requireHybridPair(SignatureAlgorithm classical, SignatureAlgorithm postQuantum) {
        if (!ReadingMessages.HYBRID_CLASSICAL.contains(classical) || !postQuantum.isPostQuantum()) {
            throw new IllegalArgumentException("a hybrid device pairs an ES256 or EdDSA key with an ML-DSA-44 or ML-DSA-65 key, not "
                    + classical.label() + " and " + postQuantum.label());
        }
        return postQuantum;
    }

    /**
     * Replaces the device key: a new key ({@code alg}) in {@code <key file>.next}, certified with the
     * stored renewal token, then moved into place; the old key file goes to {@code retired-keys/<kid>.p8}.
     * The agent must not be running.
     */
    public Result rekey(EnrollmentClient client, SignatureAlgorithm alg) throws IOException, InterruptedException {
        return rekey(client, alg, Optional.empty());
    }

    /**
     * Replaces the device key as above; a hybrid device (its ML-DSA key file exists, or {@code postQuantumAlg} is
     * given) replaces its ML-DSA key too ({@code <post-quantum key file>.next}, of {@code postQuantumAlg} or the
     * current key's algorithm), and the old one goes to {@code retired-keys/} as well.
     */
    public Result rekey(EnrollmentClient client, SignatureAlgorithm alg, Optional<SignatureAlgorithm> postQuantumAlg)
            throws IOException, InterruptedException {
        EnrollmentState state = requireState();
        if (postQuantumAlg.isPresent() && postQuantumKeyFile.isEmpty()) {
            throw new IllegalArgumentException("a hybrid re-key needs the ML-DSA key file (post-quantum-key.file)");
        }
        Path next = keyFile.resolveSibling(keyFile.getFileName() + ".next");
        SigningKey key = Files.exists(next) ? KeyFiles.load(next) : KeyFiles.generate(next, alg, io);
        Optional<SigningKey> current = currentPostQuantumKey();
        Optional<Path> pqNext = Optional.empty();
        Optional<SigningKey> postQuantum = Optional.empty();
        if (current.isPresent() || postQuantumAlg.isPresent()) {
            Path pqFile = postQuantumKeyFile.get();
            pqNext = Optional.of(pqFile.resolveSibling(pqFile.getFileName() + ".next"));
            SignatureAlgorithm pqAlg = requireHybridPair(key.algorithm(),
                    postQuantumAlg.orElseGet(() -> current.get().algorithm()));
            postQuantum = Optional.of(Files.exists(pqNext.get()) ? KeyFiles.load(pqNext.get()) : KeyFiles.generate(pqNext.get(), pqAlg, io));
        }
        Result result = exchange(client, state.gatewayUrl(), state.caFile(), Kind.REKEY, renewalToken(state), key, next,
                postQuantum, Optional.of(state.device()));
        SigningKey old = KeyFiles.load(keyFile);
        Path retired = dataDir.resolve("retired-keys");
        if (!Files.isDirectory(retired)) {
            Files.createDirectories(retired);
            io.forceDirectory(dataDir);
        }
        Durable.moveAtomically(io, keyFile, retired.resolve(old.verificationKey().kidHex() + ".p8"));
        io.forceDirectory(keyFile.toAbsolutePath().getParent());
        Durable.moveAtomically(io, next, keyFile);
        if (pqNext.isPresent()) {
            Path pqFile = postQuantumKeyFile.get();
            if (current.isPresent()) {
                Durable.moveAtomically(io, pqFile, retired.resolve(current.get().verificationKey().kidHex() + ".p8"));
            }
            io.forceDirectory(pqFile.toAbsolutePath().getParent());
            Durable.moveAtomically(io, pqNext.get(), pqFile);
        }
        return result;
    }

    /** Renews when {@link #renewalDue} says so; empty when not enrolled or not due. */
    public Optional<Result> renewIfDue(EnrollmentClient client) throws IOException, InterruptedException {
        Optional<EnrollmentState> state = state();
        if (state.isEmpty() || !renewalDue(state.get().notBefore(), state.get().notAfter(), clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(renew(client));
    }

    private EnrollmentState requireState() throws IOException {
        return state().orElseThrow(() -> new IOException("not enrolled: no " + dataDir.resolve(EnrollmentState.FILE)
                + "; run 'enroll' with a token first"));
    }

    private static String renewalToken(EnrollmentState state) throws IOException {
        if (state.renewalToken() == null) {
            throw new IOException("no renewal token stored; ask the operator for a new enrollment token and run 'enroll'");
        }
        return state.renewalToken();
    }

    private Result exchange(EnrollmentClient client, String gatewayUrl, String caFile, Kind kind, String token, SigningKey key,
            Path keyPath, Optional<SigningKey> postQuantum, Optional<String> deviceId) throws IOException, InterruptedException {
        EnrollmentToken parsed = EnrollmentToken.parse(token);
        String csr = pendingCsr(token, key, "csr").orElse(null);
        String postQuantumCsr = postQuantum.isEmpty() ? null : pendingCsr(token, postQuantum.get(), "post-quantum.csr").orElse(null);
        if (csr == null || (postQuantum.isPresent() && postQuantumCsr == null)) {
            csr = CertificateRequests.create(key, deviceId.orElse(""));
            Properties pending = new Properties();
            pending.setProperty("kind", kind.name());
            pending.setProperty("token", token);
            pending.setProperty("csr", csr);
            pending.setProperty("key.file", keyPath.toString());
            if (postQuantum.isPresent()) {
                // the ML-DSA key's own request: its signature is the proof of possession (ADR 029)
                postQuantumCsr = CertificateRequests.create(postQuantum.get(), deviceId.orElse(""));
                pending.setProperty("post-quantum.csr", postQuantumCsr);
            }
            EnrollmentState.writePrivate(dataDir.resolve(PENDING_FILE), pending, io);
        }
        EnrollmentResponse response;
        try {
            response = client.exchange(new EnrollmentRequest(token, csr, postQuantumCsr), deviceId);
        } catch (EnrollmentRefusedException e) {
            if (e.status() != 503) {
                // refused for good with this token and CSR: a retry would be refused the same way
                Files.deleteIfExists(dataDir.resolve(PENDING_FILE));
            }
            throw e;
        }
        VerificationKey ackKey;
        try {
            ackKey = response.verify(parsed, key.verificationKey());
        } catch (ProtocolException e) {
            throw new IOException("the gateway's enrollment response does not verify: " + e.getMessage(), e);
        }
        X509Certificate certificate = certificate(response.certificateChain().get(0));
        X509Certificate ca = certificate(response.certificateChain().get(response.certificateChain().size() - 1));
        EnrollmentState state;
        try {
            state = new EnrollmentState(gatewayUrl, caFile, response.tenantId(), response.deviceId(), key.verificationKey().kidHex(),
                    certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(),
                    HexFormat.of().formatHex(EnrollmentToken.fingerprint(ca.getEncoded())),
                    Base64.getEncoder().encodeToString(ackKey.spki()), response.renewalToken());
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        EnrollmentState.writePrivate(dataDir.resolve(EnrollmentState.CHAIN_FILE),
                String.join("", response.certificateChain()).getBytes(StandardCharsets.US_ASCII), io);
        state.store(dataDir, io);
        Files.deleteIfExists(dataDir.resolve(PENDING_FILE));
        return new Result(kind, state, certificate, ackKey, postQuantum.map(k -> k.verificationKey().kidHex()));
    }

    /** The CSR ({@code property}) of a pending request with the same token and key, for an identical retry. */
    private Optional<String> pendingCsr(String token, SigningKey key, String property) throws IOException {
        Path file = dataDir.resolve(PENDING_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties pending = EnrollmentState.readPrivate(file);
        if (!token.equals(pending.getProperty("token"))) {
            return Optional.empty();
        }
        String csr = pending.getProperty(property);
        if (csr == null) {
            return Optional.empty();
        }
        try {
            return CertificateRequests.parseAndVerify(csr).equals(key.verificationKey()) ? Optional.of(csr) : Optional.empty();
        } catch (ProtocolException e) {
            return Optional.empty();
        }
    }

    private static X509Certificate certificate(String pem) throws IOException {
        try {
            // BouncyCastle: the JDK's factory cannot parse certificates of SM2 keys
            return (X509Certificate) CertificateFactory.getInstance("X.509", new BouncyCastleProvider())
                    .generateCertificate(new ByteArrayInputStream(Pem.decode("CERTIFICATE", pem)));
        } catch (GeneralSecurityException | ProtocolException e) {
            throw new IOException("certificate in the response does not parse: " + e.getMessage(), e);
        }
    }
}
