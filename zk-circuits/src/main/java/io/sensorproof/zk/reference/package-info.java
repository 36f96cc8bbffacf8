/**
 * Straightforward {@link java.math.BigInteger} implementation of BN254 (alt_bn128): the field
 * tower, G1, G2 and the optimal-ate pairing, written for clarity rather than speed.
 *
 * <p>It is the test oracle for the fast implementation in {@code io.sensorproof.zk.bn254}: it
 * uses schoolbook tower arithmetic, affine points over F<sub>p<sup>12</sup></sub> in the Miller
 * loop, generic exponentiation for the Frobenius map and the whole final exponentiation
 * {@code (p^12 - 1) / r}, so it shares none of the fast implementation's shortcuts.
 */
package io.sensorproof.zk.reference;
