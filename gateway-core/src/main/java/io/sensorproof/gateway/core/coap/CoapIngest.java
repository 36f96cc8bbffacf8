package io.sensorproof.gateway.core.coap;

import io.sensorproof.gateway.core.BatchTaker;
import io.sensorproof.gateway.core.InboundMessage;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.core.Outcome;
import io.sensorproof.gateway.core.StatusHandler;
import io.sensorproof.gateway.core.TransportPeer;
import io.sensorproof.gateway.core.coap.PeerResolver.PeerRefusedException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;

/**
 * The transport-independent half of CoAP ingestion: takes uplink requests from the transport's
 * threads into a bounded queue (full: 5.03 with Max-Age at once, never blocking the caller), and one
 * worker feeds them in batches to the {@link IngestPipeline} and answers each request with the
 * outcome of <em>its</em> message once the batch's transaction committed (see {@link CoapReplies}).
 *
 * <p>Per request, before the pipeline: the DTLS principal is mapped to a device
 * ({@link PeerResolver}); the pipeline then refuses a path naming another device
 * ({@code PEER_MISMATCH}, quarantined like every refusal). Status messages go to the
 * {@link StatusHandler} after the same peer check and are answered 2.04 (recorded) or 4.00.
 *
 * <p>Counters: {@code requests}, {@code overloaded} (5.03 because the queue was full),
 * {@code deferred} (5.03 because a port failed), {@code replies.<code class>} (e.g.
 * {@code replies.2.04}), {@code peer_refused}, {@code unsupported_content_format},
 * {@code status.accepted}, {@code status.refused}.
 */
public final class CoapIngest implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CoapIngest.class.getName());
    /** How long the worker waits for a first message before it checks whether it should stop. */
    private static final java.time.Duration IDLE_POLL = java.time.Duration.ofMillis(200);

    /** Sends the response of one request; called once, from the worker or the caller's thread. */
    @FunctionalInterface
    public interface Responder {
        void respond(CoapReply reply);
    }

    /** The response codes the adapter sends; each has its {@code replies.<code>} counter from the start. */
    public static final List<String> RESPONSE_CODES = List.of("2.04", "4.00", "4.03", "4.04", "4.09", "4.13", "4.15", "4.29", "5.00", "5.03");

    /**
     * The counter name of each response code ({@code replies.2.04}), made once: formatting it per reply with
     * {@code String.format} cost about 0.44 µs a reply ({@code CoapRequestOverheadBenchmark}; issue 18).
     */
    private static final Map<ResponseCode, String> REPLY_COUNTERS = replyCounterNames();

    private static Map<ResponseCode, String> replyCounterNames() {
        Map<ResponseCode, String> names = new java.util.EnumMap<>(ResponseCode.class);
        for (ResponseCode code : ResponseCode.values()) {
            names.put(code, "replies." + code.codeClass + "." + String.format(java.util.Locale.ROOT, "%02d", code.codeDetail));
        }
        return names;
    }

    private record Pending(CoapUplink uplink, Responder responder, Instant receivedAt) {
    }

    private final CoapIngestSettings settings;
    private final IngestPipeline pipeline;
    private final StatusHandler statusHandler;
    private final PeerResolver resolver;
    private final Clock clock;
    private final BlockingQueue<Pending> queue;
    private final Thread worker;
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    /**
     * @param statusHandler verifies status messages; null answers {@code /status} with 4.04
     */
    public CoapIngest(CoapIngestSettings settings, IngestPipeline pipeline, StatusHandler statusHandler, PeerResolver resolver,
            Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.statusHandler = statusHandler;
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        for (String name : List.of("requests", "overloaded", "deferred", "peer_refused", "unsupported_content_format", "status.accepted",
                "status.refused")) {
            counters.put(name, new LongAdder());
        }
        for (String code : RESPONSE_CODES) {
            counters.put("replies." + code, new LongAdder());
        }
        this.worker = new Thread(this::work, "coap-ingest");
        this.worker.setDaemon(true);
    }

    /** Starts the worker. */
    public void start() {
        worker.start();
    }

    /**
     * Takes a request from the transport. Never blocks: a full queue is answered 5.03 with Max-Age
     * right away; so is a request after {@link #close()}.
     */
    public void offer(CoapUplink uplink, Responder responder) {
        count("requests");
        if (uplink.contentFormat() != -1 && uplink.contentFormat() != CoapReply.COSE_SIGN1) {
            count("unsupported_content_format");
            reply(responder, CoapReplies.diagnostic(ResponseCode.UNSUPPORTED_CONTENT_FORMAT, "UNSUPPORTED_CONTENT_FORMAT",
                    "Content-Format must be " + CoapReply.COSE_SIGN1 + " (application/cose; cose-type=\"cose-sign1\")"));
            return;
        }
        if (uplink.isStatus() && statusHandler == null) {
            reply(responder, CoapReplies.diagnostic(ResponseCode.NOT_FOUND, "NOT_FOUND", "status messages are not taken here"));
            return;
        }
        if (!running || !queue.offer(new Pending(uplink, responder, clock.instant()))) {
            count("overloaded");
            reply(responder, CoapReplies.unavailable("OVERLOADED", "the gateway is busy; try again after Max-Age seconds",
                    settings.retryAfter()));
        }
    }

    /** Requests waiting for the worker. */
    public int queueDepth() {
        return queue.size();
    }

    /** A snapshot of the counters by name. */
    public Map<String, Long> counters() {
        Map<String, Long> out = new java.util.TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** The counters themselves (for a metrics bridge); response classes appear as they are first used. */
    public Map<String, LongAdder> liveCounters() {
        return Collections.unmodifiableMap(counters);
    }

    private void work() {
        List<Pending> batch = new ArrayList<>(settings.batchMax());
        while (running || !queue.isEmpty()) {
            try {
                if (!BatchTaker.take(queue, batch, IDLE_POLL, settings.batchMax(), settings.batchLinger())) {
                    continue;
                }
                process(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "CoAP ingest batch failed; its requests get 5.03 and the devices resend", e);
                for (Pending p : batch) {
                    deferred(p.responder());
                }
            } finally {
                batch.clear();
            }
        }
    }

    /** Runs one batch: peers resolved, status messages handled, uplinks through the pipeline, every request answered. */
    private void process(List<Pending> batch) {
        List<InboundMessage> inbound = new ArrayList<>(batch.size());
        List<Responder> waiting = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            Optional<TransportPeer> peer = peer(p);
            if (peer.isEmpty()) {
                continue;
            }
            if (p.uplink().isStatus()) {
                status(p, peer.get());
            } else {
                inbound.add(new InboundMessage(p.uplink().topic(), p.uplink().payload(), "coap:" + peer.get(), p.receivedAt(), peer));
                waiting.add(p.responder());
            }
        }
        if (inbound.isEmpty()) {
            return;
        }
        List<Outcome> outcomes;
        try {
            outcomes = pipeline.process(inbound);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "pipeline failed for a CoAP batch; 5.03 to its devices", e);
            waiting.forEach(this::deferred);
            return;
        }
        for (int i = 0; i < waiting.size(); i++) {
            Outcome o = i < outcomes.size() ? outcomes.get(i) : new Outcome.Deferred("pipeline returned too few outcomes");
            if (o instanceof Outcome.Deferred) {
                count("deferred");
            }
            reply(waiting.get(i), CoapReplies.of(o, settings.retryAfter()));
        }
    }

    /** The device behind the request's DTLS session, or empty after answering the request. */
    private Optional<TransportPeer> peer(Pending p) {
        try {
            return Optional.of(resolver.resolve(p.uplink().peer()));
        } catch (PeerRefusedException e) {
            count("peer_refused");
            LOG.fine(() -> "CoAP request from an unaccepted peer: " + e.getMessage());
            reply(p.responder(), CoapReplies.diagnostic(ResponseCode.FORBIDDEN, e.code(), "the DTLS identity is not an active device"));
            return Optional.empty();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "resolving a DTLS peer failed; 5.03", e);
            deferred(p.responder());
            return Optional.empty();
        }
    }

    private void status(Pending p, TransportPeer peer) {
        List<String> path = p.uplink().path();
        boolean samePeer = path.size() == 5 && peer.tenant().equals(path.get(1)) && peer.deviceId().equals(path.get(3));
        if (!samePeer) {
            count("status.refused");
            reply(p.responder(), CoapReplies.diagnostic(ResponseCode.FORBIDDEN, "PEER_MISMATCH",
                    "the path does not name the device the DTLS session authenticated"));
            return;
        }
        if (statusHandler.handle(p.uplink().topic(), p.uplink().payload(), p.receivedAt())) {
            count("status.accepted");
            reply(p.responder(), new CoapReply(ResponseCode.CHANGED, -1, new byte[0], java.util.OptionalLong.empty(), "STATUS_RECORDED"));
        } else {
            count("status.refused");
            reply(p.responder(), CoapReplies.diagnostic(ResponseCode.BAD_REQUEST, "STATUS_REFUSED", "status message not recorded"));
        }
    }

    private void deferred(Responder responder) {
        count("deferred");
        reply(responder, CoapReplies.unavailable("DEFERRED", "the gateway could not decide now; try again", settings.retryAfter()));
    }

    private void reply(Responder responder, CoapReply reply) {
        count(REPLY_COUNTERS.get(reply.code()));
        try {
            responder.respond(reply);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "sending a CoAP response failed; the device will retransmit", e);
        }
    }

    private void count(String name) {
        counters.computeIfAbsent(name, n -> new LongAdder()).increment();
    }

    /** Stops taking requests, answers what is queued and stops the worker. */
    @Override
    public void close() {
        running = false;
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            deferred(p.responder());
        }
    }
}
