#!/bin/bash
# Same-session run on main d706d9c (fresh clone /work/ci34 after .ci/run): durable insert limit, then CoAP and MQTT load
cd /work/ci34
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:gateway/target/quarkus-app/lib/main/*:gateway/target/quarkus-app/lib/boot/*"
uptime > /work/bench20/uptime-start.txt
(cd gateway && java -cp "$(echo $CP | sed 's#gateway/#/work/ci34/gateway/#g; s#edge-agent/#/work/ci34/edge-agent/#g')" io.sensorproof.gateway.persistence.MessageStoreThroughput 5 2) > /work/bench20/mst.log 2>&1
cp gateway/target/persistence-throughput.txt /work/bench20/persistence-throughput.txt
uptime >> /work/bench20/uptime-start.txt
java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 10 --seconds 25 \
  --warmup-messages 1000 --pack1-messages 2000 --pack10-messages 1500 --gateway-jar gateway/target/quarkus-app/quarkus-run.jar \
  --work /work/bench20/coap --out /work/bench20/coap-load.json > /work/bench20/coap.log 2>&1
uptime >> /work/bench20/uptime-start.txt
java -cp "$CP" io.sensorproof.gateway.bench.GatewayLoadTest --devices 50 --connections 4 --window 8 --rate 0 \
  --warmup-messages 200 --pack1-messages 400 --pack10-messages 200 --gateway-jvm-options "-Xmx1g" \
  --jfr-phases none --gateway-jar gateway/target/quarkus-app/quarkus-run.jar --work /work/bench20/mqtt --out /work/bench20/gateway-load.json > /work/bench20/mqtt.log 2>&1
uptime >> /work/bench20/uptime-start.txt
echo done > /work/bench20/DONE
