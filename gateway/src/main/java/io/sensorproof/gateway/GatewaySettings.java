package io.sensorproof.gateway;

import io.sensorproof.gateway.coap.CoapConfig;
import io.sensorproof.gateway.persistence.PersistenceSettings;
import io.sensorproof.zk.prover.ProverEngine;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Every {@code sensorproof.*} setting of the gateway, declared once here with its type, default and
 * meaning; each is also settable as a system property, an environment variable
 * ({@code sensorproof.data-dir} = {@code SENSORPROOF_DATA_DIR}) or in
 * {@code config/application.properties}. Quarkus validates system properties of the
 * {@code sensorproof} namespace against this one mapping, so a key declared nowhere (or in a second
 * mapping the launcher does not know) stops the start; the launcher
 * ({@link io.sensorproof.gateway.standalone.StandaloneConfig}) reads the same mapping before Quarkus
 * starts. Groups used by framework-free wiring ({@link CoapConfig}, {@link PersistenceSettings})
 * are their own types, produced as beans by {@link SettingsProducer}. The configuration table of
 * {@code gateway/README.md} lists exactly these keys (checked by {@code SettingsDocumentationTest}).
 */
@ConfigMapping(prefix = "sensorproof")
public interface GatewaySettings {

    /** Directory for all standalone data; the embedded PostgreSQL cluster is its {@code postgres/} folder. */
    @WithDefault("./data")
    String dataDir();

    /**
     * What verifies devices' ES256 signatures and signs ES256 acknowledgements (ADR 062): {@code auto} (AWS-LC through
     * Amazon Corretto Crypto Provider where its native library loads, Linux x86-64; BouncyCastle elsewhere),
     * {@code native} (refuse to start without it) or {@code bouncycastle}. One choice per JVM, made at start-up.
     */
    @WithDefault("auto")
    io.sensorproof.protocol.cose.Es256Engine es256();

    /** The embedded PostgreSQL server of standalone mode. */
    EmbeddedPostgres embeddedPostgres();

    /** The MQTT broker process of standalone mode. */
    EmbeddedBroker embeddedBroker();

    /** The database. */
    Database database();

    /** MQTT ingestion. */
    Mqtt mqtt();

    /** Acknowledgement key settings. */
    AckKey ackKey();

    /** Pipeline time windows and the ingest audit trail. */
    Ingest ingest();

    /** The PostgreSQL adapters of the ingest ports. */
    PersistenceSettings persistence();

    /** CoAP over DTLS ingestion. */
    CoapConfig coap();

    /** The device CA. */
    Ca ca();

    /** Enrollment tokens and certificates. */
    Enrollment enrollment();

    /** Metrics computed from the database. */
    Metrics metrics();

    /** The collateral watch: committed readings of lots' devices evaluated by the rules engine. */
    Collateral collateral();

    /** Settings of the collateral watch ({@code CollateralWatch}). */
    interface Collateral {
        /** Evaluate the readings of open lots' devices with the lots' terms and write collateral alerts. */
        @WithDefault("true")
        boolean enabled();

        /** Committed batches waiting for evaluation; beyond it a device is marked dirty and re-read from the database. */
        @WithDefault("10000")
        int queueCapacity();

        /** How often time passes for gap rules (each watched device evaluated with a tick). */
        @WithDefault("5s")
        java.time.Duration tickInterval();

        /** How often open lots and their terms are re-read. */
        @WithDefault("2s")
        java.time.Duration lotsRefresh();

        /** Hysteresis of threshold rules, fixed-point units (50 = 0.5 K). */
        @WithDefault("50")
        long hysteresis();

        /** A device is silent after this multiple of the largest maxGap of its lot's terms. */
        @WithDefault("2")
        int gapFactor();

        /** Re-reads from the database start this long before the stored position (commit lag of other batches). */
        @WithDefault("2m")
        java.time.Duration rereadMargin();
    }

    /** Webhook delivery of alert events: the relay, the dispatcher and the endpoints API. */
    Webhooks webhooks();

    /** Settings of the embedded PostgreSQL server. */
    interface EmbeddedPostgres {
        /** TCP port on localhost; 0 picks a free port at each start. */
        @WithDefault("0")
        int port();
    }

    /** Settings of the embedded broker (ADR 019). */
    interface EmbeddedBroker {
        /** Plain listener on 127.0.0.1: the gateway's own client, by password. */
        @WithDefault("1883")
        int port();

        /** Device listener: TLS with a client certificate from the device CA. */
        @WithDefault("8883")
        int tlsPort();

        /** Address of the device listener; 0.0.0.0 is every interface. */
        @WithDefault("0.0.0.0")
        String tlsBind();

        /** Path of embedded-broker.jar; default next to the application or the build's. */
        Optional<String> jar();
    }

    /** Settings of the database connection. */
    interface Database {
        /**
         * A real PostgreSQL server ({@code postgresql://host:port/db} or {@code jdbc:postgresql://...});
         * when set, or when the quarkus.datasource URLs are set, no embedded server starts.
         */
        Optional<String> url();

        /**
         * Readiness is DOWN while the server runs with {@code fsync}, {@code full_page_writes} or
         * {@code synchronous_commit} off, since an acknowledged message could then be lost.
         */
        @WithDefault("true")
        boolean requireDurable();
    }

    /** Settings of MQTT ingestion. */
    interface Mqtt {
        /** Broker URL; absent means no MQTT ingestion (standalone mode sets it to its own broker). */
        Optional<String> url();

        /** This replica's client id; default gateway-<host>-<pid>. */
        Optional<String> clientId();

        /** Shared-subscription group of all replicas. */
        @WithDefault("gateway")
        String shareGroup();

        /** MQTT Receive Maximum: messages in flight from the broker before it waits for PUBACKs. */
        @WithDefault("256")
        int receiveMaximum();

        /** Most messages per pipeline batch (one database transaction). */
        @WithDefault("256")
        int batchMax();

        /** How long a partial batch waits for more messages. */
        @WithDefault("2ms")
        Duration batchLinger();

        /** Broker user name. */
        Optional<String> username();

        /** Broker password (from the environment: SENSORPROOF_MQTT_PASSWORD). */
        Optional<String> password();
    }

    /** The key that signs acknowledgements. */
    interface AckKey {
        /** PKCS#8 file of the acknowledgement key; default <data-dir>/gateway-ack-key.p8, created on first start. */
        Optional<String> file();

        /** Algorithm of an acknowledgement key created on first start (ES256, EdDSA, ML-DSA-44, ML-DSA-65); an existing file keeps its key. */
        @WithDefault("ES256")
        String alg();
    }

    /** Pipeline time windows and the ingest audit trail. */
    interface Ingest {
        /** Readings further ahead of the receive time are rejected (FUTURE_TIMESTAMP). */
        @WithDefault("5m")
        Duration futureSkew();

        /** Readings older than this at receipt are stored and flagged late. */
        @WithDefault("15m")
        Duration lateAfter();

        /**
         * Appends COMMITTED / ACKED lines to {@code <data-dir>/ingest-audit.log} ({@code ingest.IngestAuditLog});
         * for crash and replica tests.
         */
        @WithDefault("false")
        boolean auditLog();
    }

    /** Where the device CA lives and how it rotates. */
    interface Ca {
        /** PKCS#12 file of the CA generations; default {@code <data-dir>/device-ca.p12}; mode 0600 required. */
        Optional<String> file();

        /** Key store password (set it through SENSORPROOF_CA_PASSWORD, never in a committed file). */
        Optional<String> password();

        /**
         * File whose first line is the password (mode 0600 required); default
         * {@code <data-dir>/device-ca.password}, written with a random password when the CA is created.
         */
        Optional<String> passwordFile();

        /** Create the key store (and its password file) at the first start when it is missing. */
        @WithDefault("true")
        boolean createIfMissing();

        /** Validity of a newly generated CA certificate. */
        @WithDefault("3650d")
        Duration validity();

        /** How long a replaced CA stays trusted after a rotation (its certificates and pinned tokens). */
        @WithDefault("90d")
        Duration rotationWindow();

        /**
         * nextUpdate minus thisUpdate of the device CA's revocation lists; a list is reissued after a
         * quarter of it (or at once when a certificate is revoked). Relying parties refuse every device
         * of a CA whose list has passed nextUpdate: keep it well above the refresh interval of the brokers.
         */
        @WithDefault("7d")
        Duration crlValidity();
    }

    /** Tokens and device certificates. */
    interface Enrollment {
        /** Lifetime of an enrollment token from the operator API. */
        @WithDefault("7d")
        Duration tokenTtl();

        /** Validity of a device certificate. */
        @WithDefault("90d")
        Duration certificateValidity();

        /**
         * After a re-key, how long the replaced key stays accepted when it had no certificate
         * (registered with its public key); keys with certificates stay accepted until the newest expires.
         */
        @WithDefault("30d")
        Duration retiredKeyGrace();

        /**
         * How long after a token's use an identical request (same token, same key) still gets the same
         * certificate back, for an agent that lost the response.
         */
        @WithDefault("1h")
        Duration retryWindow();

        /** Enrollment requests processed at once by this replica; more are refused with 503 ENROLLMENT_BUSY. */
        @WithDefault("8")
        int maxConcurrent();
    }

    /** Metrics computed from the database. */
    interface Metrics {
        /** How often the devices' reported outbox backlog is read from {@code device_status} (at least 1 s). */
        @WithDefault("15s")
        Duration backlogRefresh();
    }

    /** Webhook delivery (issue 14). */
    interface Webhooks {
        /** Whether this replica relays alert events to the outbox and runs the dispatcher. */
        @WithDefault("true")
        boolean enabled();

        /** How often the relay looks for new alert events and the dispatcher for due deliveries. */
        @WithDefault("200ms")
        Duration pollInterval();

        /** Delivery attempts running at once per replica (at most one per endpoint). */
        @WithDefault("16")
        int maxInFlight();

        /** Longest connection set-up to a receiver. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Longest attempt, connect to status; the claim lease is twice this plus 30 s. */
        @WithDefault("10s")
        Duration requestTimeout();

        /** How long the old secret still signs after a rotation. */
        @WithDefault("24h")
        Duration secretOverlap();
    }

    /** Commitment batches of stored readings (issue 15, protocol §7.5). */
    Batches batches();

    /** Settings of the commitment batcher ({@code CommitmentBatchRuntime}). */
    interface Batches {
        /** Whether this replica seals commitment batches (one replica seals at a time, by an advisory lock). */
        @WithDefault("true")
        boolean enabled();

        /**
         * Most readings per batch, 1 to 65,536. Sealing costs two Poseidon hashes per reading (about 0.6 core of
         * sealing for 5,000 readings/s, ADR 061): 4,096 readings take about half a second of one core and 256 KiB of
         * stored tree nodes.
         */
        @WithDefault("4096")
        int size();

        /** A batch is sealed with what is pending once its earliest reading was received this long ago. */
        @WithDefault("1m")
        Duration window();

        /** How often the batcher looks for a due batch. */
        @WithDefault("1s")
        Duration pollInterval();
    }

    /** The chain the oracle anchors on: an external node, or the local chain of standalone mode (issue 15). */
    Chain chain();

    /** Settings of the chain connection ({@code oracle.ChainConnection}). */
    interface Chain {
        /**
         * JSON-RPC URL of an external chain (a consortium's Besu node). Absent: standalone mode starts
         * anvil (the local chain) and deploys the contracts itself.
         */
        Optional<String> rpcUrl();

        /**
         * The deployment ({@code chain.json}: chain id, contract addresses); default
         * {@code <data-dir>/chain/chain.json}. With an external chain it must exist (DeployCommand writes it).
         */
        Optional<String> deploymentFile();

        /**
         * File with the oracle account's private key (hex, mode 0600). With an external chain it is
         * required; standalone mode writes a development key to {@code <data-dir>/chain/oracle.key}.
         */
        Optional<String> oracleKeyFile();

        /** The local chain (anvil) of standalone mode. */
        Local local();

        /** Settings of the local chain of standalone mode. */
        interface Local {
            /** JSON-RPC port on 127.0.0.1. */
            @WithDefault("8545")
            int port();

            /** One block every so many seconds (interval mining: realistic confirmation latency). */
            @WithDefault("1")
            int blockTime();

            /** anvil dumps its state to {@code <data-dir>/chain/state.json} this often; a SIGKILL of anvil loses at most this much. */
            @WithDefault("2")
            int stateInterval();

            /** CarbonCredit's challenge window of an automatic deployment. */
            @WithDefault("7d")
            Duration challengeWindow();

            /** Path of the anvil binary; default the npm package under the repository's node_modules. */
            Optional<String> anvil();
        }

        /** Reading the deployed contracts' events back (chain.ChainEventFollower, ADR 026). */
        Events events();

        /** Settings of the chain-event follower. */
        interface Events {
            /** Whether this replica follows the contracts' events when a chain is configured (one replica at a time does). */
            @WithDefault("true")
            boolean enabled();

            /** Pause between follower steps once it has caught up with the chain. */
            @WithDefault("2s")
            Duration interval();

            /** Blocks (the block itself included) before its events are read; 1 = the head. */
            @WithDefault("1")
            int confirmations();

            /** Most blocks per eth_getLogs request (halved while the node refuses a range as too large). */
            @WithDefault("1000")
            int maxBlockRange();
        }
    }

    /** The prover workers (zk-circuits' {@code ProverClient}): Node.js processes running zokrates-js, and the Java prover. */
    Prover prover();

    /** Settings of the prover workers ({@code oracle.ProverPool}). */
    interface Prover {
        /** Start the workers; default on in standalone mode (no sensorproof.chain.rpc-url), off otherwise. */
        Optional<Boolean> enabled();

        /** Worker processes, each proving one claim at a time on one core. */
        @WithDefault("2")
        int workers();

        /**
         * Who proves: java (the workers compute only the witness, the JVM proves with zk-circuits' Groth16Prover)
         * or snarkjs (the fallback: snarkjs in the workers). Same circuit.zkey either way.
         */
        @WithDefault("java")
        ProverEngine engine();

        /** Threads of the Java prover, shared by all workers' requests; default the available processors. */
        Optional<Integer> threads();

        /** Proof requests that may wait for a worker; more are refused with QUEUE_FULL. */
        @WithDefault("16")
        int queueCapacity();

        /** A worker taking longer for one request is killed and replaced. */
        @WithDefault("120s")
        Duration requestTimeout();

        /** Node.js executable. */
        @WithDefault("node")
        String node();

        /**
         * Directory of the circuits' build ({@code excursion/}, {@code emissions/}: program, proving key);
         * default the zk-circuits build cache of the repository, {@code zk-circuits/target/zk-build},
         * built at start by {@code build-circuits.mjs} when missing or stale.
         */
        Optional<String> circuitsDir();

        /**
         * Directory holding {@code node_modules} (zokrates-js, anvil) and {@code zk-circuits/scripts};
         * default the repository the application was built in (found above the application's jar).
         */
        Optional<String> repository();
    }

    /** The oracle's durable jobs (issue 15, ADR 022): anchoring commitment batches on the chain. */
    Oracle oracle();

    /** Settings of the oracle's job runner ({@code oracle.OracleJobs}). */
    interface Oracle {
        /** Whether this replica runs oracle jobs when a chain is configured (jobs are enqueued either way). */
        @WithDefault("true")
        boolean enabled();

        /** Worker threads of this replica's job runner (any job: chain work first, then proofs). */
        @WithDefault("2")
        int workers();

        /**
         * Further worker threads that take only jobs needing no proof now (anchors, freezes, closes, mints,
         * receipts), so that chain work never waits while every other worker is proving; 0 for none.
         */
        @WithDefault("1")
        int chainWorkers();

        /** Blocks (the mining block included) before a job's transaction counts as confirmed. */
        @WithDefault("1")
        int confirmations();

        /** Idle wait between claims and between receipt checks. */
        @WithDefault("500ms")
        Duration pollInterval();

        /**
         * How long a claimed job belongs to this replica before another may resume it, also this replica
         * after a restart (its owner name changes): a crashed replica's claimed jobs wait this long. Not
         * renewed, so longer than any one step (sending and confirming an anchor takes seconds).
         */
        @WithDefault("2m")
        Duration lease();

        /** How often stored transactions are compared with the chain (besides at start). */
        @WithDefault("1m")
        Duration reconcileInterval();

        /**
         * How long after a claim window's last reading arrived a hole in the device's message ids no longer
         * holds the claim back (ADR 023, {@code SettlementRule}).
         */
        @WithDefault("2m")
        Duration settleWait();

        /**
         * How often the carbon loop plans, submits, closes and mints the linked emissions facilities' periods
         * (ADR 025); 0 switches the loop off on this replica.
         */
        @WithDefault("10s")
        Duration carbonInterval();

        /**
         * How often the freeze path's sweep runs: register-device jobs for devices of open lots, jobs for
         * stored run claims that have none, claims found on chain marked anchored (ADR 024); also the freeze
         * loop's round (ADR 030: claims planned for linked lots' excursions, freezes recorded and followed).
         */
        @WithDefault("5s")
        Duration enforcementInterval();
    }
}
