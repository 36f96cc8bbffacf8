#!/bin/bash
# fleet-2026-12-06-adr061.sh BASE NAME SIZES [REPO]: the runs of ADR 061 (firmware-sim README, "Packs out of phase, a fixed
# worker pool and the broker's queue"). BASE is a work directory made once by
#   java -Xmx1g -jar firmware-sim/target/firmware-sim.jar load --start-gateway gateway/target/quarkus-app/quarkus-run.jar \
#     --work-dir BASE --sizes 5000 --step-seconds 10 --non-durable-outbox --reuse-devices --processes 2 --simulator-nice 19 \
#     --pack-max-records 10 --pack-max-age-millis 10000 --agent-status-seconds 30 --out /tmp/base.json
# (enrolls 5,000 devices: about 4 minutes here). Each run: a fresh copy of BASE, after a 1-minute load average below 3;
# results in /work/fleet/NAME/result.json, each simulator process's log in /work/fleet/NAME/logs.
set -u
BASE=$1; NAME=$2; SIZES=$3; REPO=${4:-.}; W=/work/fleet/$NAME
rm -rf $W; mkdir -p $W; cp -a $BASE $W/work
while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
cd $REPO
java -Xmx1g -jar firmware-sim/target/firmware-sim.jar load --start-gateway gateway/target/quarkus-app/quarkus-run.jar \
  --work-dir $W/work --sizes $SIZES --step-seconds 60 --non-durable-outbox --reuse-devices --processes 2 --simulator-nice 19 \
  --pack-max-records 10 --pack-max-age-millis 10000 --agent-status-seconds 30 --out $W/result.json > $W/run.log 2>&1
echo "rc=$?" >> $W/run.log
for p in $W/work/fleet-*/process-*; do d=$W/logs/$(basename $(dirname $p)); mkdir -p $d; cp -r $p $d/; done
rm -rf $W/work
