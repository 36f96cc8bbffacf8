#!/bin/bash
# MQTT load test with the profile's long warm-up, batcher off: the gateway of wt/q (ADR 052) with the
# embedded broker's default in-flight window of 50 (before) and with 256 (after, ADR 053, not adopted).
# gateway/target/qa-before and qa-after: copies of the gateway of main d1ca6bb (quarkus-app), qa-before with
# the broker jar of main, qa-after with that of wt/q 9a1da8d. Pair 1 ran before then after, pair 2 after
# then before (the loop below is pair 2's; pair 1 had "for v in before after").
cd /work/wt-q
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:gateway/target/quarkus-app/lib/main/*:gateway/target/quarkus-app/lib/boot/*"
for pair in 2; do
for v in after before; do
  uptime >> /work/bench22/uptime.txt
  java -cp "$CP" io.sensorproof.gateway.bench.GatewayLoadTest --devices 50 --connections 4 --window 8 --rate 0 \
    --warmup-messages 1000 --pack1-messages 1000 --pack10-messages 400 --phase-timeout-seconds 240 \
    --gateway-jvm-options "-Xmx1g -Dsensorproof.batches.enabled=false" --jfr-phases none \
    --gateway-jar gateway/target/qa-$v/quarkus-run.jar --work /work/bench22/$v-$pair --out /work/bench22/gateway-load-window-$v-$pair.json > /work/bench22/$v-$pair.log 2>&1
done
done
uptime >> /work/bench22/uptime.txt
echo done > /work/bench22/DONE
