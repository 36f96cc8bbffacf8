#!/bin/bash
# MQTT, long warm-up, batcher off: ES256 acknowledgement key (default) against EdDSA (sensorproof.ack-key.alg), main 3e9dcb8
cd /work/ci35
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:gateway/target/quarkus-app/lib/main/*:gateway/target/quarkus-app/lib/boot/*"
for v in es256 eddsa; do
  opts="-Xmx1g -Dsensorproof.batches.enabled=false"; [ $v = eddsa ] && opts="$opts -Dsensorproof.ack-key.alg=EdDSA"
  uptime >> /work/bench20/uptime-ackalg.txt
  java -cp "$CP" io.sensorproof.gateway.bench.GatewayLoadTest --devices 50 --connections 4 --window 8 --rate 0 \
    --warmup-messages 1000 --pack1-messages 1000 --pack10-messages 400 --phase-timeout-seconds 240 --gateway-jvm-options "$opts" \
    --jfr-phases none --gateway-jar gateway/target/quarkus-app/quarkus-run.jar --work /work/bench20/mqtt-ack-$v --out /work/bench20/gateway-load-ack-$v.json > /work/bench20/mqtt-ack-$v.log 2>&1
done
uptime >> /work/bench20/uptime-ackalg.txt
echo done > /work/bench20/DONE-ackalg
