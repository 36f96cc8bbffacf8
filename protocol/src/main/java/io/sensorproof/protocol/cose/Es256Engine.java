package io.sensorproof.protocol.cose;

/**
 * Which implementation verifies ES256 signatures and signs {@link Signatures#signHedged} ones (ADR 062). Chosen once
 * per JVM, at first use or by {@link Signatures#chooseEs256Engine(Es256Engine)}.
 */
public enum Es256Engine {
    /** Native (Amazon Corretto Crypto Provider, AWS-LC) when it is on the class path, loads and agrees with BouncyCastle; else BouncyCastle. */
    AUTO,
    /** Native, or fail at first use: for deployments sized on its figures. */
    NATIVE,
    /** BouncyCastle's lightweight API, whatever is on the class path. */
    BOUNCYCASTLE
}
