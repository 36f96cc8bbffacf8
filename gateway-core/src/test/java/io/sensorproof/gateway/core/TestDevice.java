package io.sensorproof.gateway.core;

import com.authlete.cbor.CBORByteArray;
import com.authlete.cbor.CBORInteger;
import com.authlete.cbor.CBORLong;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.protocol.senml.SenmlCodec;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;

/** A device with a real key pair, signing real reading messages. */
final class TestDevice {
    private static final SecureRandom RANDOM = new SecureRandom();

    final String tenant;
    final String id;
    final SigningKey key;

    TestDevice(String tenant, String id, SignatureAlgorithm alg) {
        this.tenant = tenant;
        this.id = id;
        this.key = Keys.generate(alg, RANDOM);
    }

    static SigningKey freshKey(SignatureAlgorithm alg) {
        return Keys.generate(alg, RANDOM);
    }

    RegisteredDevice registered(DeviceStatus status) {
        return new RegisteredDevice(tenant, id, key.verificationKey(), status);
    }

    String up() {
        return Topics.up(tenant, id);
    }

    String ack() {
        return Topics.ack(tenant, id);
    }

    /** A message signed by this device with its own id as base name. */
    byte[] sign(long boot, long seq, Instant deviceTime, Reading... readings) {
        return ReadingMessages.sign(new ReadingPack(id, List.of(readings)), boot, seq, deviceTime.toEpochMilli(), key);
    }

    /** A message signed by this device whose pack names {@code bn}. */
    byte[] signWithBaseName(String bn, long boot, long seq, Instant deviceTime, Reading... readings) {
        return ReadingMessages.sign(new ReadingPack(bn, List.of(readings)), boot, seq, deviceTime.toEpochMilli(), key);
    }

    /**
     * A well-formed message that claims {@code claimedKid} and names this device, but is signed by
     * {@code signer}: what an attacker who copied the kid (but not the key) can produce.
     */
    byte[] forge(byte[] claimedKid, SigningKey signer, long boot, long seq, Instant deviceTime, Reading... readings) {
        CBORPairList header = new CBORPairList(List.of(
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_ALG), new CBORInteger(signer.algorithm().coseId())),
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_CONTENT_TYPE), new CBORInteger(ReadingMessages.CONTENT_FORMAT_SENML_CBOR)),
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_KID), new CBORByteArray(claimedKid)),
                new CBORPair(new CBORInteger((int) ReadingMessages.HEADER_BOOT), new CBORLong(boot)),
                new CBORPair(new CBORInteger((int) ReadingMessages.HEADER_SEQ), new CBORLong(seq)),
                new CBORPair(new CBORInteger((int) ReadingMessages.HEADER_DEVICE_TIME), new CBORLong(deviceTime.toEpochMilli()))));
        return CoseSign1.sign(header, SenmlCodec.encode(new ReadingPack(id, List.of(readings))), signer);
    }

    static Reading temperature(double celsius, Instant time) {
        return new Reading(Quantity.TEMPERATURE, celsius, time.toEpochMilli());
    }

    static Reading humidity(double percent, Instant time) {
        return new Reading(Quantity.HUMIDITY, percent, time.toEpochMilli());
    }

    /** An emissions register reading: the cumulative CO2e mass in whole grams. */
    static Reading register(long grams, Instant time) {
        return new Reading(Quantity.CO2E_REGISTER, grams, time.toEpochMilli());
    }
}
