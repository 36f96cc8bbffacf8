#!/bin/bash
# One CoapLoadTest run (the -Pbench profile's CoAP parameters, batcher off, ES256 through AWS-LC) with Linux perf
# sampling the whole gateway process, kernel included, for 15 s from 3 s after the phase before the one to profile
# ended: WAITFOR=warmup profiles pack1, WAITFOR=warmupPack10 profiles pack10. JFR sees only Java and native frames of
# Java threads; perf also sees the kernel's share (UDP sends and receives, futex wake-ups, epoll) per thread.
# The JIT's code is named through the JVM's perf map (jcmd Compiler.perfmap, JDK 17) written right after sampling.
# HEAP: the gateway's heap options (default -Xmx1g). APP: a copy of gateway/target/quarkus-app inside the repository.
# Then: perf report -i $OUT/coap-$TAG.perf --no-children --sort comm,dso,sym
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench}; TAG=${TAG:-perf}; WAITFOR=${WAITFOR:-warmup}; HEAP=${HEAP:--Xmx1g}
APP=gateway/target/${APPDIR:-bench-after}
mkdir -p "$OUT"
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:$APP/lib/main/*:$APP/lib/boot/*"
java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 40 --seconds 25 \
  --warmup-messages 4000 --pack1-messages 2000 --warmup-pack10-seconds 20 --warmup-pack10-messages 1000 --pack10-messages 1500 \
  --gateway-jvm-options "$HEAP -Dsensorproof.batches.enabled=false -Dsensorproof.es256=native" \
  --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/coap-$TAG" --out "$OUT/coap-$TAG.json" > "$OUT/coap-$TAG.log" 2>&1 &
until grep -q "^$WAITFOR " "$OUT/coap-$TAG.log"; do sleep 0.5; done
sleep 3
pid=$(grep -o 'gatewayPid=[0-9]*' "$OUT/coap-$TAG.log" | head -1 | cut -d= -f2)
perf record -F 997 -g -p "$pid" -o "$OUT/coap-$TAG.perf" -- sleep 15 2> "$OUT/coap-$TAG.perf.log"
jcmd "$pid" Compiler.perfmap >> "$OUT/coap-$TAG.perf.log" 2>&1
cp "/tmp/perf-$pid.map" "$OUT/" 2>/dev/null
wait
rm -rf "$OUT/coap-$TAG"  # the run's PostgreSQL, broker and device directories
