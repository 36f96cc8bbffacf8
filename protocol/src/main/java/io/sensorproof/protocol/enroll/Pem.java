package io.sensorproof.protocol.enroll;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/** PEM encoding of DER objects (BouncyCastle's PEM reader and writer). */
public final class Pem {
    private Pem() {
    }

    /** Encodes {@code der} as PEM with the given type, e.g. "CERTIFICATE". */
    public static String encode(String type, byte[] der) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /**
     * Decodes one PEM object of the given type.
     *
     * @throws ProtocolException {@code INVALID_ENROLLMENT} when absent or of another type
     */
    public static byte[] decode(String type, String pem) {
        if (pem == null || pem.length() > 64 * 1024) {
            throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "PEM " + type + " is missing or too long");
        }
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            PemObject object = reader.readPemObject();
            if (object == null || !type.equals(object.getType())) {
                throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "expected a PEM " + type);
            }
            return object.getContent();
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProtocolException pe) {
                throw pe;
            }
            throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "PEM " + type + " cannot be read: " + e.getMessage(), e);
        }
    }
}
