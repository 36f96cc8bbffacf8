#!/bin/bash
# fleet-compare-2026-12-06.sh NAME REPO: one 1,000-device step from a fresh copy of /work/fleet/base (1,000+ enrolled devices and
# the gateway data of an earlier `load --reuse-devices` run) with REPO's simulator and gateway (waits for a 1-minute load average < 3)
set -u
NAME=$1; REPO=$2; W=/work/fleet/$NAME; rm -rf $W; mkdir -p $W; cp -a /work/fleet/base $W/work
while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
cd $REPO
java -Xmx1g -jar firmware-sim/target/firmware-sim.jar load --start-gateway gateway/target/quarkus-app/quarkus-run.jar \
  --work-dir $W/work --sizes 1000 --step-seconds 60 --non-durable-outbox --reuse-devices --processes 2 \
  --simulator-nice 19 --out $W/result.json > $W/run.log 2>&1
echo "rc=$?" >> $W/run.log
rm -rf $W/work/gateway-data $W/work/fleet
