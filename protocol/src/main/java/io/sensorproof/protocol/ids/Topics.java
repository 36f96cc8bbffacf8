package io.sensorproof.protocol.ids;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import java.util.List;
import java.util.function.Supplier;

/**
 * MQTT topics and CoAP resource paths of the protocol.
 *
 * <ul>
 *   <li>{@code t/{tenant}/d/{device}/up}: device to gateway, signed reading messages (QoS 1).
 *   <li>{@code t/{tenant}/d/{device}/ack}: gateway to device, signed acknowledgements and
 *       rejections (QoS 1).
 *   <li>{@code t/{tenant}/d/{device}/status}: device to gateway, signed status messages (QoS 1).
 *   <li>CoAP: {@code POST /t/{tenant}/d/{device}/up}; the response body is the signed
 *       acknowledgement or rejection.
 * </ul>
 */
public final class Topics {
    /** Shared subscription through which gateway replicas share the uplink. */
    public static final String SHARED_UPLINK_FILTER = "$share/gateway/t/+/d/+/up";
    /** Shared subscription through which gateway replicas share status messages. */
    public static final String SHARED_STATUS_FILTER = "$share/gateway/t/+/d/+/status";

    private Topics() {
    }

    /** The direction a topic carries. */
    public enum Channel {
        /** Device to gateway. */
        UP("up"),
        /** Gateway to device. */
        ACK("ack"),
        /** Device to gateway, signed status (heartbeat) messages. */
        STATUS("status");

        private final String segment;

        Channel(String segment) {
            this.segment = segment;
        }

        /** The last topic level or path segment. */
        public String segment() {
            return segment;
        }
    }

    /**
     * A parsed topic.
     *
     * @param tenant tenant id
     * @param device device id
     * @param channel direction
     */
    public record Address(String tenant, String device, Channel channel) {
        public Address {
            Identifiers.requireValid(tenant, "tenant id");
            Identifiers.requireValid(device, "device id");
            if (channel == null) {
                throw new IllegalArgumentException("channel");
            }
        }

        /** The MQTT topic name. */
        public String topic() {
            return "t/" + tenant + "/d/" + device + "/" + channel.segment();
        }

        /** The CoAP URI path segments. */
        public List<String> coapPath() {
            return List.of("t", tenant, "d", device, channel.segment());
        }
    }

    /** {@code t/{tenant}/d/{device}/up}. */
    public static String up(String tenant, String device) {
        return new Address(tenant, device, Channel.UP).topic();
    }

    /** {@code t/{tenant}/d/{device}/status}. */
    public static String status(String tenant, String device) {
        return new Address(tenant, device, Channel.STATUS).topic();
    }

    /** {@code t/{tenant}/d/{device}/ack}. */
    public static String ack(String tenant, String device) {
        return new Address(tenant, device, Channel.ACK).topic();
    }

    /**
     * Parses an MQTT topic name of the protocol.
     *
     * @throws ProtocolException {@code INVALID_IDENTIFIER} for any other topic
     */
    public static Address parse(String topic) {
        if (topic == null || topic.length() > 128) {
            throw new ProtocolException(ErrorCode.INVALID_IDENTIFIER, "topic is missing or too long");
        }
        return parseSegments(List.of(topic.split("/", -1)), () -> "topic '" + Identifiers.printable(topic) + "'");
    }

    /**
     * Parses CoAP URI path segments of the protocol.
     *
     * @throws ProtocolException {@code INVALID_IDENTIFIER} for any other path
     */
    public static Address parseCoapPath(List<String> segments) {
        return parseSegments(segments, () -> "path " + segments);
    }

    /**
     * @param what names the topic or path in an error; built only for an error (every message is parsed on the
     *     ingest path, where building it each time was 3 % of the CoAP ingest worker's samples in a JFR profile, issue 18)
     */
    private static Address parseSegments(List<String> s, Supplier<String> what) {
        if (s.size() != 5 || !"t".equals(s.get(0)) || !"d".equals(s.get(2))) {
            throw new ProtocolException(ErrorCode.INVALID_IDENTIFIER, what.get() + " is not of the form t/{tenant}/d/{device}/{up|ack|status}");
        }
        Channel channel;
        if (Channel.UP.segment().equals(s.get(4))) {
            channel = Channel.UP;
        } else if (Channel.ACK.segment().equals(s.get(4))) {
            channel = Channel.ACK;
        } else if (Channel.STATUS.segment().equals(s.get(4))) {
            channel = Channel.STATUS;
        } else {
            throw new ProtocolException(ErrorCode.INVALID_IDENTIFIER, what.get() + " must end in /up, /ack or /status");
        }
        if (!Identifiers.isValid(s.get(1))) {
            Identifiers.requireValid(s.get(1), "tenant id in " + what.get());
        }
        if (!Identifiers.isValid(s.get(3))) {
            Identifiers.requireValid(s.get(3), "device id in " + what.get());
        }
        return new Address(s.get(1), s.get(3), channel);
    }
}
