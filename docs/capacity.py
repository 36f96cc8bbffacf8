#!/usr/bin/env python3
"""The arithmetic of docs/capacity.md: measured per-message and per-proof costs -> what 10^4, 10^5 and
10^6 devices at one reading a minute need. Every input names the benchmark it comes from; change an
input, run `python3 docs/capacity.py`, and paste the tables. No dependencies."""
import math

# ---------------------------------------------------------------- measured inputs (see docs/capacity.md, "Inputs")
INPUT = {
    # CoAP/DTLS: gateway and PostgreSQL CPU per message, µs, batcher off (sealing counted on its own below), ES256 through
    # AWS-LC (ADR 062, the default), the deployment's heap (-Xms1g -Xmx1g, ADR 064) and the profile's warm-ups (ADR 056
    # amendment), 2026-12-07 07:06-07:30 UTC: the mean of three runs (gateway README "The heap committed at start, and
    # warm-ups long enough for C2"; gateway/coap-load-defaults-{1,2,3}-2026-12-07.json, bench-2026-12-07-defaults.sh)
    "coap_gateway_us_pack1": 113, "coap_gateway_us_pack10": 131,
    "coap_postgres_us_pack1": 49, "coap_postgres_us_pack10": 210,
    # MQTT: gateway CPU per message, µs, with the commitment batcher off (sealing is counted on its own below), and the
    # PostgreSQL and broker (HiveMQ CE, embedded, in-memory sessions of ADR 049; the acknowledgement back included) CPU
    # of the same runs: GatewayLoadTest with the warm-ups of ADR 056 as amended (8,000 packs of 1, 2,000 packs of 10 per
    # device right before the pack-10 phase), ES256 through AWS-LC (ADR 062, the default), -Xms1g -Xmx1g (ADR 064),
    # -Dsensorproof.batches.enabled=false, 2026-12-07 07:10-07:30 UTC, the mean of three runs (gateway README "The heap
    # committed at start, and warm-ups long enough for C2"; gateway/gateway-load-defaults-{1,2,3}-2026-12-07.json,
    # bench-2026-12-07-defaults.sh)
    "mqtt_gateway_us_pack1": 92, "mqtt_gateway_us_pack10": 115,
    "mqtt_postgres_us_pack1": 41, "mqtt_postgres_us_pack10": 186,
    "mqtt_broker_us_pack1": 25, "mqtt_broker_us_pack10": 31,
    # stored bytes per reading, all tables with indexes and TOAST (messages, readings, batch members, batch trees),
    # StorageFootprint on the data directory of that run's default twin (gateway-load-results-2026-12-05.json:
    # 30,000 messages of 1 reading, 10,000 of 10; gateway/storage-footprint-2026-12-05.json)
    "bytes_per_reading_pack1": 1125, "bytes_per_reading_pack10": 772,
    # Poseidon sealing: CPU s per reading (oracle README "Cost of sealing", CommitmentBatchBenchmark with the
    # Montgomery-limb Poseidon of ADR 047: 3,887 readings per CPU s at 16,384, quiet machine, 2026-12-04)
    "seal_cpu_s_per_reading": 1 / 3887,
    "batch_size": 4096,               # sensorproof.batches.size (default)
    "gas_anchor_batch": 118_734,      # oracle README "Gas": anchorBatch
    # claims: the Java prover on one thread (zk-circuits README, -Pbench-java-prover, main ca1f74d, quiet machine,
    # 2026-12-05: excursion 1,176 ms, emissions 2,384 ms) + the zokrates-js witness (bench-claims-cpu.mjs: 0.27 / 0.35 s)
    "run_claim_cpu_s": 1.176 + 0.27, "emissions_claim_cpu_s": 2.384 + 0.35,
    "run_claim_readings": 16, "emissions_claim_readings": 32,
    "gas_anchor_claim": 430_620, "gas_submit_claim": 119_971,   # oracle README "Gas"
    "gas_freeze": 95_257,
}

# ---------------------------------------------------------------- stated assumptions (capacity.md, "Assumptions")
ASSUME = {
    "readings_per_device_minute": 1,
    "replica_cores": 2,              # one gateway replica = a 2-core machine like the measured one
    "target_utilisation": 0.5,       # size for 50 % CPU: headroom for reconnect storms, GC, a lost replica's load
    "min_replicas": 2,               # availability
    "broker_node_cores": 2, "min_broker_nodes": 2,
    "emission_meter_share": 0.01,    # 1 % of devices are emission meters whose every reading enters an emissions claim
    "excursions_per_cold_device_day": 0.01,  # 1 excursion (one run claim of <=16 readings, one freeze) per 100 cold-chain devices a day
    "retention_years": 1,            # raw readings kept a year (no retention job exists today: see capacity.md)
}

SIZES = [10_000, 100_000, 1_000_000]


def fmt(x, nd=1):
    if x is None:
        return "n/a"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:,.{nd}f}"


def plan(n, transport, pack):
    a, i = ASSUME, INPUT
    readings_s = n * a["readings_per_device_minute"] / 60
    msgs_s = readings_s / pack
    k = 1 if pack == 1 else 10
    gw_us = i[f"{transport}_gateway_us_pack{k}"]
    gw_cores = msgs_s * gw_us / 1e6
    replicas = max(a["min_replicas"], math.ceil(gw_cores / (a["replica_cores"] * a["target_utilisation"])))
    pg_cores = msgs_s * i[f"{transport}_postgres_us_pack{k}"] / 1e6
    broker_cores = None
    broker_nodes = None
    if transport == "mqtt":
        broker_cores = msgs_s * i[f"mqtt_broker_us_pack{k}"] / 1e6
        broker_nodes = max(a["min_broker_nodes"], math.ceil(broker_cores / (a["broker_node_cores"] * a["target_utilisation"])))
    return dict(readings_s=readings_s, msgs_s=msgs_s, gw_cores=gw_cores, replicas=replicas, pg_cores=pg_cores,
                broker_cores=broker_cores, broker_nodes=broker_nodes)


def chain_and_proofs(n):
    a, i = ASSUME, INPUT
    readings_day = n * a["readings_per_device_minute"] * 1440
    seal_cores = readings_day * i["seal_cpu_s_per_reading"] / 86400
    batches_day = math.ceil(readings_day / i["batch_size"])
    meters = n * a["emission_meter_share"]
    emissions_claims_day = meters * a["readings_per_device_minute"] * 1440 / i["emissions_claim_readings"]
    run_claims_day = (n - meters) * a["excursions_per_cold_device_day"]
    prover_cores = (emissions_claims_day * i["emissions_claim_cpu_s"] + run_claims_day * i["run_claim_cpu_s"]) / 86400
    tx_day = batches_day + emissions_claims_day * 2 + run_claims_day * 2
    gas_day = (batches_day * i["gas_anchor_batch"] + emissions_claims_day * (i["gas_anchor_claim"] + i["gas_submit_claim"])
               + run_claims_day * (i["gas_anchor_claim"] + i["gas_freeze"]))
    return dict(readings_day=readings_day, seal_cores=seal_cores, batches_day=batches_day, emissions_claims_day=emissions_claims_day,
                run_claims_day=run_claims_day, prover_cores=prover_cores, tx_day=tx_day, gas_day=gas_day)


def storage(n, bytes_per_reading):
    if bytes_per_reading is None:
        return None, None
    readings_year = n * ASSUME["readings_per_device_minute"] * 1440 * 365
    per_year = readings_year * bytes_per_reading
    return per_year, per_year * ASSUME["retention_years"]


def main():
    print("| devices | readings/s | transport, pack | messages/s | gateway cores | replicas (2 cores, 50 %) | PostgreSQL cores | broker cores | broker nodes |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for n in SIZES:
        for transport, pack in (("mqtt", 1), ("mqtt", 10), ("coap", 1), ("coap", 10)):
            p = plan(n, transport, pack)
            print(f"| {n:,} | {fmt(p['readings_s'])} | {transport}, {pack} | {fmt(p['msgs_s'])} | {fmt(p['gw_cores'])} | {p['replicas']} | "
                  f"{fmt(p['pg_cores'])} | {fmt(p['broker_cores']) if transport == 'mqtt' else '-'} | "
                  f"{p['broker_nodes'] if transport == 'mqtt' else '-'} |")
    print()
    print("| devices | readings/day | sealing cores | anchor batches/day | emissions claims/day | run claims/day | prover cores | chain tx/day | gas/day |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in SIZES:
        c = chain_and_proofs(n)
        print(f"| {n:,} | {c['readings_day']:,.0f} | {fmt(c['seal_cores'])} | {c['batches_day']:,} | {c['emissions_claims_day']:,.0f} | "
              f"{c['run_claims_day']:,.0f} | {fmt(c['prover_cores'])} | {c['tx_day']:,.0f} | {c['gas_day'] / 1e9:,.2f} G |")
    print()
    print("| devices | PostgreSQL rows/s, pack 1 (message + reading + batch member) | rows/s, packs of 10 | storage per year, pack 1 | per year, packs of 10 |")
    print("|---:|---:|---:|---:|---:|")
    for n in SIZES:
        r = n * ASSUME["readings_per_device_minute"] / 60
        y1, _ = storage(n, INPUT["bytes_per_reading_pack1"])
        y10, _ = storage(n, INPUT["bytes_per_reading_pack10"])
        tb = (lambda b: "n/a" if b is None else f"{b / 1e12:,.1f} TB")
        print(f"| {n:,} | {3 * r:,.0f} | {r / 10 + 2 * r:,.0f} | {tb(y1)} | {tb(y10)} |")


if __name__ == "__main__":
    main()
