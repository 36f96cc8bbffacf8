package io.sensorproof.protocol.cose;

import static org.assertj.core.api.Assertions.assertThat;

import com.authlete.cbor.CBORDecoder;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.pqc.crypto.mldsa.MLDSASigner;
import org.junit.jupiter.api.Test;

/**
 * How a JVM chooses its ES256 engine (ADR 062), each case in a JVM of its own because the choice is made once:
 * without ACCP on the class path {@code auto} falls back to BouncyCastle and says why, and {@code native} refuses;
 * with it, {@code SENSORPROOF_ES256=bouncycastle} and {@code -Dsensorproof.es256=…} are obeyed (the property over the
 * variable), and an unknown value is refused naming the allowed ones.
 */
class Es256EngineChoiceTest {

    /** Prints the engine, or the failure, of a fresh JVM. */
    public static final class Probe {
        public static void main(String[] args) {
            try {
                System.out.println("ENGINE " + Signatures.es256Engine());
            } catch (RuntimeException | LinkageError e) {
                System.out.println("FAILED " + e.getMessage());
            }
        }
    }

    @Test
    void withoutTheProviderAutoFallsBackToBouncyCastleAndNativeRefuses() throws Exception {
        assertThat(probe(false, List.of(), Map.of())).isEqualTo("ENGINE BouncyCastle (ACCP is not on the class path)");
        assertThat(probe(false, List.of("-Dsensorproof.es256=native"), Map.of()))
                .isEqualTo("FAILED the ES256 engine was set to native but ACCP is not on the class path");
    }

    @Test
    void withTheProviderTheSettingIsObeyed() throws Exception {
        assertThat(probe(true, List.of(), Map.of())).startsWith("ENGINE AmazonCorrettoCryptoProvider").contains("AWS-LC");
        assertThat(probe(true, List.of(), Map.of("SENSORPROOF_ES256", "bouncycastle")))
                .isEqualTo("ENGINE BouncyCastle (the ES256 engine was set to bouncycastle)");
        assertThat(probe(true, List.of("-Dsensorproof.es256=AUTO"), Map.of("SENSORPROOF_ES256", "bouncycastle")))
                .as("the system property over the variable").startsWith("ENGINE AmazonCorrettoCryptoProvider");
        assertThat(probe(true, List.of("-Dsensorproof.es256=fast"), Map.of()))
                .isEqualTo("FAILED sensorproof.es256 (or SENSORPROOF_ES256) must be auto, native or bouncycastle, not 'fast'");
    }

    private static String probe(boolean withProvider, List<String> options, Map<String, String> environment) throws Exception {
        List<String> classPath = new ArrayList<>();
        for (Class<?> type : List.of(Probe.class, Signatures.class, ECDSASigner.class, MLDSASigner.class, ASN1Primitive.class,
                CBORDecoder.class)) {
            classPath.add(location(type));
        }
        if (withProvider) {
            classPath.add(location(Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider")));
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                String.join(File.pathSeparator, classPath.stream().distinct().toList())));
        command.addAll(options);
        command.add(Probe.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("SENSORPROOF_ES256");
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the probe ends").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return output.lines().filter(l -> l.startsWith("ENGINE ") || l.startsWith("FAILED ")).findFirst().orElse(output);
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
