package io.sensorproof.agent;

import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.outbox.BootCounter;
import io.sensorproof.agent.outbox.EmissionsRegister;
import io.sensorproof.agent.outbox.FileIo;
import io.sensorproof.agent.outbox.MessageId;
import io.sensorproof.agent.outbox.Outbox;
import io.sensorproof.agent.outbox.OutboxConfig;
import io.sensorproof.agent.outbox.OutboxFullException;
import io.sensorproof.agent.outbox.OutboxMessage;
import io.sensorproof.agent.outbox.OutboxStats;
import io.sensorproof.agent.transport.Transport;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.ack.BootAck;
import io.sensorproof.protocol.ack.Rejection;
import io.sensorproof.protocol.ack.SeqRange;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.message.MessageHeader;
import io.sensorproof.agent.config.Setting;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.protocol.senml.SenmlCodec;
import io.sensorproof.protocol.status.AgentStatus;
import io.sensorproof.protocol.status.StatusCodec;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.ThreadFactory;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import io.sensorproof.agent.runtime.AgentRuntime;
import io.sensorproof.agent.runtime.Coalescing;
import io.sensorproof.agent.runtime.SerialExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The edge agent: takes readings, batches them into packs (by count and age), signs each pack as
 * one message under a fresh (boot, seq), makes it durable in the {@link Outbox} before anything is
 * sent, sends in order over a {@link Transport}, and deletes a message only when a gateway
 * acknowledgement that verifies with the gateway key names it.
 *
 * <p>Identity: the boot counter is persisted (and forced to disk) at every start before any
 * message of the boot is signed; the sequence number restarts at 0 in each boot and a message
 * exists only once its outbox append is durable. A crash can therefore skip numbers (a pack signed
 * but not yet written) but never reuse a (boot, seq). Readings still in the open pack (at most
 * {@code pack.max-records} or {@code pack.max-age-millis} worth) are not yet durable.
 *
 * <p>Emissions: the device's {@link EmissionsRegister} is durable in the data directory. A meter's
 * {@code co2e-register} reading advances it; an {@link IntervalEmission} is added to it and the new
 * register value is sent as a {@code co2e-register} reading. Either way the register file is written
 * durably before the reading joins the open pack, and a lower value is refused ({@code
 * REGISTER_DECREASED}). One reading per quantity and time: a reading with the quantity and time of the
 * last one of its quantity accepted in this run is refused ({@code DUPLICATE_READING_TIME}); since the
 * open pack's times never go backwards (a backward step seals it first), no pack holds two.
 *
 * <p>Sending: up to {@code send.max-in-flight} messages wait for acknowledgement at a time; after
 * every reconnect, and when the oldest waits longer than the resend timer, everything
 * unacknowledged is sent again from the oldest. The timer is {@code ack.timeout-millis} while the
 * gateway answers within it and follows the measured acknowledgement delay, backing off on
 * timeouts while acknowledgements still arrive, when it does not ({@link AckTimeout}): resending a
 * whole window to a gateway that is merely slow only adds duplicates to its backlog. Rejected
 * messages move to the outbox's kept-aside log and are never resent.
 *
 * <p>Locks: {@code packLock} guards the open pack and the (boot, seq) counters and is held while a
 * sealed pack waits for outbox space under the BLOCK policy (that wait is the back-pressure on
 * {@link #submit}). Nothing on the transport's threads (connect, status message), the
 * acknowledgement path or the status file takes it: they read the volatile boot counter, so a full
 * outbox can never stop a reconnect, and only a reconnect can bring the acknowledgements that free
 * space. The age timer only tries the lock and skips a tick when a submitter holds it.
 */
public final class EdgeAgent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EdgeAgent.class.getName());

    private final AgentConfig config;
    private final SigningKey key;
    /** The ML-DSA key of a hybrid device (ADR 029), or null: then messages carry one signature. */
    private final SigningKey postQuantumKey;
    private final VerificationKey gatewayKey;
    private final Transport transport;
    private final Outbox outbox;
    private final DeviceClock clock;
    private final AgentMetrics metrics = new AgentMetrics();

    private final EmissionsRegister register;

    private final ReentrantLock packLock = new ReentrantLock();
    /** The last accepted time per quantity in this run; guarded by packLock. */
    private final Map<Quantity, Long> lastTimeByQuantity = new EnumMap<>(Quantity.class);
    private List<Reading> open = new ArrayList<>();
    /** Readings in the open pack, readable without packLock. */
    private volatile int openReadings;
    private long openSinceNanos;
    /** Written under packLock; read without it (status messages on the transport's threads). */
    private volatile long boot;
    private long nextSeq;

    private final ReentrantLock sendLock = new ReentrantLock();
    private final Condition work = sendLock.newCondition();
    /** Messages sent and not yet acknowledged, with when they were (last) sent; guarded by sendLock. */
    private final TreeMap<MessageId, Sent> inFlight = new TreeMap<>();
    private MessageId cursor;
    private boolean resendRequested;
    /** The newest message ever sent in this run: a message at or below it goes out again. Guarded by sendLock. */
    private MessageId highestSent;
    /** The resend timer (RFC 6298 with Karn's rule), at least {@code ack.timeout-millis}; guarded by sendLock. */
    private final AckTimeout ackTimeout;

    /** Shared threads (ADR 048), or null: this agent's own threads, as on a device. */
    private final AgentRuntime runtime;
    /** Handles acknowledgements one at a time: an own thread, or a serial executor of the runtime. */
    private final Executor ackExecutor;
    /** The pack-age, sender-poke and status-file timers: an own thread, or the runtime's scheduler. */
    private final ScheduledExecutorService timer;
    private final Object statusLock = new Object();
    /** Set by {@link #close()} after its last status write; guarded by statusLock. */
    private boolean statusClosed;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    /** The sender's own thread; null with a runtime, where sending passes run on {@link #sendWork}. */
    private final Thread sender;
    /** With a runtime: sending passes, one at a time, queued (at most once) by every signal. */
    private final SerialExecutor sendWork;
    private final Runnable sendSoon;
    /** With a runtime: sealing old packs and writing the status file, off the shared scheduler. */
    private final SerialExecutor timerWork;
    private final FileChannel lockChannel;
    private volatile boolean running = true;
    private volatile boolean closing;

    private EdgeAgent(AgentConfig config, SigningKey key, VerificationKey gatewayKey, Function<AgentMetrics, Transport> transports,
            Clock clock, FileIo io, AgentRuntime runtime) throws IOException {
        this.config = config;
        this.runtime = runtime;
        this.key = key;
        this.postQuantumKey = config.postQuantumKeyFile().isPresent() ? KeyFiles.load(config.postQuantumKeyFile().get()) : null;
        if (postQuantumKey != null && (!ReadingMessages.HYBRID_CLASSICAL.contains(key.algorithm())
                || !postQuantumKey.algorithm().isPostQuantum())) {
            throw new IllegalArgumentException("a hybrid device signs with an ES256 or EdDSA key and an ML-DSA key (ADR 029), not "
                    + key.algorithm().label() + " and " + postQuantumKey.algorithm().label() + " (" + Setting.POST_QUANTUM_KEY_FILE.key() + ")");
        }
        this.gatewayKey = gatewayKey;
        this.ackTimeout = new AckTimeout(config.ackTimeout());
        this.transport = transports.apply(metrics);
        this.clock = new DeviceClock(clock);
        Files.createDirectories(config.dataDir());
        this.lockChannel = FileChannel.open(config.dataDir().resolve("agent.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (lockChannel.tryLock() == null) {
            lockChannel.close();
            throw new IOException("another agent is using " + config.dataDir());
        }
        this.outbox = Outbox.open(config.dataDir().resolve("outbox"),
                new OutboxConfig(config.outboxCapacityBytes(), Math.min(8L << 20, Math.max(64 << 10, config.outboxCapacityBytes() / 8)),
                        config.overflow(), Duration.ofSeconds(5), config.logBounds().keptAsideMaxBytes(),
                        config.logBounds().droppedLogMaxBytes()), io);
        try {
            this.boot = BootCounter.next(config.dataDir(), outbox.maxBootSeen(), io);
            this.register = EmissionsRegister.open(config.dataDir(), outbox);
        } catch (IOException | RuntimeException e) {
            // a corrupt boot counter or register refuses the start: release the outbox and the lock
            outbox.close();
            lockChannel.close();
            throw e;
        }
        if (runtime == null) {
            this.ackExecutor = Executors.newSingleThreadExecutor(daemon("agent-acks"));
            this.timer = Executors.newSingleThreadScheduledExecutor(daemon("agent-timer"));
            this.sender = new Thread(this::sendLoop, "agent-sender");
            this.sender.setDaemon(true);
            this.sendWork = null;
            this.sendSoon = null;
            this.timerWork = null;
        } else {
            this.ackExecutor = runtime.serial();
            this.timer = runtime.scheduler();
            this.sender = null;
            this.sendWork = runtime.serial();
            this.sendSoon = new Coalescing(sendWork, this::sendPasses);
            this.timerWork = runtime.serial();
        }
    }

    /**
     * Opens the outbox, takes the next boot number, starts sending and returns the running agent.
     *
     * @param transports makes the transport, given the agent's metrics (for reconnect counters)
     */
    public static EdgeAgent start(AgentConfig config, SigningKey key, VerificationKey gatewayKey,
            Function<AgentMetrics, Transport> transports, Clock clock) throws IOException {
        return start(config, key, gatewayKey, transports, clock, FileIo.SYSTEM);
    }

    /**
     * As {@link #start(AgentConfig, SigningKey, VerificationKey, Function, Clock)}, with the outbox and the
     * boot counter written through {@code io}. Real devices use {@link FileIo#SYSTEM} (the overload
     * above); {@link io.sensorproof.agent.outbox.NonDurableFileIo} is for load simulations only (ADR 043).
     */
    public static EdgeAgent start(AgentConfig config, SigningKey key, VerificationKey gatewayKey,
            Function<AgentMetrics, Transport> transports, Clock clock, FileIo io) throws IOException {
        return start(config, key, gatewayKey, transports, clock, io, null);
    }

    /**
     * As above, on a {@link AgentRuntime}'s shared threads (ADR 048; for fleets of agents in one JVM):
     * the agent then has no thread of its own (its transport should share the runtime too). Sealing,
     * sending, acknowledgement handling, timeouts and reconnects behave as with own threads: each
     * runs one at a time per agent, in the same order, from the same timers.
     *
     * @param runtime shared threads, or null: the agent's own threads, as on a device
     */
    public static EdgeAgent start(AgentConfig config, SigningKey key, VerificationKey gatewayKey,
            Function<AgentMetrics, Transport> transports, Clock clock, FileIo io, AgentRuntime runtime) throws IOException {
        EdgeAgent agent = new EdgeAgent(config, key, gatewayKey, transports, clock, java.util.Objects.requireNonNull(io, "io"), runtime);
        // a quarter of the pack age, at most a second: an open pack is sealed at most 25 % (or a second) late, and a
        // 10 s pack is not checked 40 times (a fleet's timers fire tens of thousands of times a second)
        long ageCheck = Math.max(10, Math.min(1000, config.packMaxAge().toMillis() / 4));
        long statusMillis = config.statusInterval().toMillis();
        if (runtime == null) {
            agent.sender.start();
            agent.timer.scheduleWithFixedDelay(agent::sealIfOld, ageCheck, ageCheck, TimeUnit.MILLISECONDS);
            agent.timer.scheduleWithFixedDelay(agent::signalSender, 200, 200, TimeUnit.MILLISECONDS);
            agent.timer.scheduleWithFixedDelay(agent::writeStatusFile, 0, statusMillis, TimeUnit.MILLISECONDS);
        } else {
            // the shared scheduler only queues: sealing signs and writes, the status file is I/O; with no
            // open pack there is nothing to seal, so nothing is queued (a fleet's timers fire tens of thousands of times a second)
            Runnable seal = new Coalescing(agent.timerWork, agent::sealIfOld);
            Runnable status = new Coalescing(agent.timerWork, agent::writeStatusFile);
            synchronized (agent.timers) {
                agent.timers.add(agent.timer.scheduleWithFixedDelay(() -> {
                    if (agent.openReadings > 0) {
                        seal.run();
                    }
                }, ageCheck, ageCheck, TimeUnit.MILLISECONDS));
                agent.timers.add(agent.timer.scheduleWithFixedDelay(agent::signalSender, 200, 200, TimeUnit.MILLISECONDS));
                agent.timers.add(agent.timer.scheduleWithFixedDelay(status, 0, statusMillis, TimeUnit.MILLISECONDS));
            }
        }
        agent.transport.start(agent.new Events());
        LOG.info(() -> "agent started: " + config + ", boot " + agent.boot + ", kid " + key.verificationKey().kidHex());
        return agent;
    }

    /** True while the transport has a session to the gateway's broker (or CoAP server). */
    public boolean connected() {
        return transport.isConnected();
    }

    /** This run's boot counter (the boot of the next message to be signed); never waits for a lock. */
    public long boot() {
        return boot;
    }

    /** The agent's counters. */
    public AgentMetrics metrics() {
        return metrics;
    }

    /** Backward clock steps recorded during this boot. */
    public long clockSteps() {
        return clock.steps();
    }

    /** Outbox counters. */
    public OutboxStats outboxStats() {
        return outbox.stats();
    }

    /** The current device time (monotonic within the boot). */
    public long deviceTimeMillis() {
        return clock.now();
    }

    /** The device's emissions register in grams (durable; 0 before the first emissions reading). */
    public long registerGrams() {
        return register.grams(); // volatile: never waits for packLock, which a full outbox can hold
    }

    /**
     * Adds a reading. It becomes durable when its pack is sealed (full, old enough, or
     * {@link #flush()}); a {@code co2e-register} reading first advances the durable register. Under
     * the BLOCK overflow policy this call waits while the outbox is full.
     *
     * @throws ProtocolException {@code INVALID_VALUE}, {@code INVALID_SENML}, {@code
     *     DUPLICATE_READING_TIME} or {@code REGISTER_DECREASED} for a reading the gateway would refuse
     *     (counted, not signed)
     * @throws IOException when the register or the outbox cannot be written
     */
    public void submit(Reading reading) throws IOException {
        checkTime(reading.timeMillis());
        try {
            reading.checkValue();
        } catch (ProtocolException e) {
            metrics.inputRejected.increment();
            throw e;
        }
        packLock.lock();
        try {
            try {
                refuseDuplicate(reading.quantity(), reading.timeMillis());
                if (reading.quantity() == Quantity.CO2E_REGISTER) {
                    register.advanceTo(reading.fixedValue(), reading.timeMillis());
                }
            } catch (ProtocolException e) {
                metrics.inputRejected.increment();
                throw e;
            }
            accept(reading);
        } finally {
            packLock.unlock();
        }
    }

    /**
     * Adds the mass of an interval to the durable register (rounded to whole grams, half to even)
     * and adds the new register value as a {@code co2e-register} reading at the interval's end.
     *
     * @return the reading that carries the new register value
     * @throws ProtocolException {@code INVALID_VALUE}, {@code INVALID_SENML}, {@code
     *     DUPLICATE_READING_TIME} or {@code REGISTER_DECREASED} (counted; the register is unchanged)
     * @throws IOException when the register or the outbox cannot be written
     */
    public Reading submit(IntervalEmission interval) throws IOException {
        checkTime(interval.timeMillis());
        packLock.lock();
        try {
            long total;
            try {
                long grams = interval.grams();
                refuseDuplicate(Quantity.CO2E_REGISTER, interval.timeMillis());
                total = register.add(grams, interval.timeMillis());
            } catch (ProtocolException e) {
                metrics.inputRejected.increment();
                throw e;
            }
            Reading reading = new Reading(Quantity.CO2E_REGISTER, total, interval.timeMillis());
            accept(reading);
            return reading;
        } finally {
            packLock.unlock();
        }
    }

    private void checkTime(long timeMillis) {
        if (timeMillis < (long) SenmlCodec.MIN_ABSOLUTE_TIME * 1000 || timeMillis >= SenmlCodec.MAX_TIME_MILLIS) {
            metrics.inputRejected.increment();
            throw new ProtocolException(ErrorCode.INVALID_SENML, "reading time " + timeMillis + " ms is not an absolute time");
        }
    }

    /** Caller holds packLock. */
    private void refuseDuplicate(Quantity quantity, long timeMillis) {
        Long last = lastTimeByQuantity.get(quantity);
        if (last != null && last == timeMillis) {
            throw new ProtocolException(ErrorCode.DUPLICATE_READING_TIME,
                    "a " + quantity.senmlName() + " reading at " + timeMillis + " ms was already taken in this run");
        }
    }

    /** Adds a checked reading to the open pack, sealing first when its time goes backwards. Caller holds packLock. */
    private void accept(Reading reading) throws IOException {
        if (!open.isEmpty() && reading.timeMillis() < open.get(open.size() - 1).timeMillis()) {
            seal();
        }
        if (open.isEmpty()) {
            openSinceNanos = System.nanoTime();
        }
        open.add(reading);
        openReadings = open.size();
        lastTimeByQuantity.put(reading.quantity(), reading.timeMillis());
        metrics.readingsAccepted.increment();
        if (open.size() >= config.packMaxRecords()) {
            seal();
        }
    }

    /** Seals the open pack now, if any; returns once it is durable. */
    public void flush() throws IOException {
        packLock.lock();
        try {
            if (!open.isEmpty()) {
                seal();
            }
        } finally {
            packLock.unlock();
        }
    }

    /** On the timer: seals an old pack unless a submitter holds the lock (it may be waiting for space); the next tick tries again. */
    private void sealIfOld() {
        if (!packLock.tryLock()) {
            return;
        }
        try {
            if (!open.isEmpty() && System.nanoTime() - openSinceNanos >= config.packMaxAge().toNanos()) {
                seal();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "sealing a pack failed; readings stay in the open pack", e);
        } finally {
            packLock.unlock();
        }
    }

    /** Signs the open pack and appends it durably, waiting for space under BLOCK. Caller holds packLock. */
    private void seal() throws IOException {
        ReadingPack pack = new ReadingPack(config.device(), open);
        if (nextSeq > MessageHeader.MAX_COUNTER) {
            boot = BootCounter.next(config.dataDir(), boot);
            nextSeq = 0;
        }
        long seq = nextSeq++;
        byte[] bytes = postQuantumKey == null ? ReadingMessages.sign(pack, boot, seq, clock.now(), key)
                : ReadingMessages.signHybrid(pack, boot, seq, clock.now(), key, postQuantumKey);
        OutboxMessage message = new OutboxMessage(new MessageId(boot, seq), pack.readings().size(), bytes);
        while (true) {
            try {
                outbox.append(List.of(message));
                break;
            } catch (OutboxFullException e) {
                metrics.outboxFullWaits.increment();
                if (closing) {
                    throw new IOException("agent closed while the outbox was full; the open pack is not durable", e);
                }
                LOG.warning(() -> "outbox full (" + e.getMessage() + "); holding readings until the gateway acknowledges");
            }
        }
        open = new ArrayList<>();
        openReadings = 0;
        metrics.messagesSigned.increment();
        signalSender();
    }

    private void signalSender() {
        sendLock.lock();
        try {
            work.signalAll();
        } finally {
            sendLock.unlock();
        }
        if (sendSoon != null && running) {
            sendSoon.run();
        }
    }

    /** What one sending pass did. */
    private enum Pass {
        /** sent a batch: there may be more */
        SENT,
        /** nothing to send now (not connected, nothing pending, window full, or the outbox failed) */
        IDLE,
        /** interrupted: the agent is closing */
        STOPPED
    }

    /** The sender thread of an agent with its own threads. */
    private void sendLoop() {
        while (running) {
            if (sendPass(true) == Pass.STOPPED) {
                return;
            }
        }
    }

    /**
     * With a shared runtime: sending passes until idle, on {@link #sendWork}; after 64 batches in a row
     * it queues itself again, so that one busy agent does not keep a pool thread from the others.
     */
    private void sendPasses() {
        for (int i = 0; i < 64; i++) {
            if (!running || sendPass(false) != Pass.SENT) {
                return;
            }
        }
        signalSender();
    }

    /**
     * One pass of the sender: under {@code sendLock}, requeue everything after a reconnect or an
     * acknowledgement timeout, take the next batch within the in-flight window, and publish it
     * (outside the lock). With {@code wait} (own thread) an idle pass waits up to 200 ms for a signal
     * under the same lock, so no signal is lost; without (shared runtime) it returns and the next
     * signal or the 200 ms poke queues the next pass.
     */
    private Pass sendPass(boolean wait) {
        List<OutboxMessage> batch = List.of();
        sendLock.lock();
        try {
            if (!transport.isConnected()) {
                idle(wait);
                return Pass.IDLE;
            }
            if (resendRequested) {
                metrics.resendsAfterReconnect.add(inFlight.size());
                inFlight.clear();
                cursor = null;
                resendRequested = false;
                ackTimeout.reconnected();
            }
            if (!inFlight.isEmpty() && System.nanoTime() - inFlight.firstEntry().getValue().nanos() > ackTimeout.nanos()) {
                metrics.resendsAfterTimeout.add(inFlight.size());
                inFlight.clear();
                cursor = null;
                ackTimeout.timedOut();
            }
            int room = config.maxInFlight() - inFlight.size();
            if (room > 0) {
                batch = outbox.pending(cursor, Math.min(room, 32));
            }
            if (batch.isEmpty()) {
                idle(wait);
                return Pass.IDLE;
            }
            long now = System.nanoTime();
            for (OutboxMessage m : batch) {
                boolean first = highestSent == null || m.id().compareTo(highestSent) > 0;
                inFlight.put(m.id(), new Sent(now, first));
                if (first) {
                    highestSent = m.id();
                }
                cursor = m.id();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Pass.STOPPED;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "reading the outbox failed", e);
            if (wait) {
                sleepQuietly(1000);
            }
            return Pass.IDLE;
        } finally {
            sendLock.unlock();
        }
        for (OutboxMessage m : batch) {
            try {
                transport.sendMessage(m.bytes());
                metrics.publishes.increment();
            } catch (IOException e) {
                LOG.fine(() -> "send interrupted: " + e.getMessage());
                requestResend();
                break;
            }
        }
        return Pass.SENT;
    }

    /** An idle sending pass: on the agent's own sender thread, wait for a signal (caller holds sendLock). */
    private void idle(boolean wait) throws InterruptedException {
        if (wait) {
            work.await(200, TimeUnit.MILLISECONDS);
        }
    }

    private void requestResend() {
        sendLock.lock();
        try {
            resendRequested = true;
        } finally {
            sendLock.unlock();
        }
        signalSender();
    }

    private void handleAcknowledgement(byte[] bytes) {
        Acknowledgement ack;
        try {
            ack = AcknowledgementCodec.verify(bytes, gatewayKey);
        } catch (ProtocolException e) {
            metrics.acksForged.increment();
            LOG.warning(() -> "ignored an acknowledgement that does not verify: " + e);
            return;
        }
        if (!ack.deviceId().equals(config.device())) {
            metrics.acksForeign.increment();
            LOG.warning(() -> "ignored an acknowledgement for device " + ack.deviceId());
            return;
        }
        int named = 0;
        try {
            for (BootAck b : ack.boots()) {
                List<long[]> ranges = new ArrayList<>();
                for (SeqRange r : b.stored()) {
                    ranges.add(new long[] {r.first(), r.last()});
                }
                if (!ranges.isEmpty()) {
                    int stored = outbox.markStored(b.boot(), ranges);
                    metrics.messagesStored.add(stored);
                    named += stored;
                }
                for (Rejection r : b.rejected()) {
                    if (outbox.markRejected(b.boot(), r.seq(), r.code(), r.message())) {
                        metrics.messagesRejected.increment();
                        LOG.warning(() -> "gateway rejected " + b.boot() + ":" + r.seq() + " with " + r.code() + ": " + r.message());
                        named++;
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "recording an acknowledgement failed; the messages stay and will be resent", e);
            return;
        }
        if (named == 0) {
            metrics.acksRedundant.increment();
        } else {
            metrics.acksAccepted.increment();
        }
        sendLock.lock();
        try {
            long now = System.nanoTime();
            long roundTrip = -1;
            var entries = inFlight.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<MessageId, Sent> e = entries.next();
                MessageId id = e.getKey();
                if (ack.isStored(id.boot(), id.seq()) || ack.rejection(id.boot(), id.seq()).isPresent()) {
                    if (e.getValue().once()) {
                        roundTrip = Math.max(roundTrip, now - e.getValue().nanos());
                    }
                    entries.remove();
                }
            }
            ackTimeout.acknowledged(roundTrip);
        } finally {
            sendLock.unlock();
        }
        signalSender();
    }

    /** When a message in flight was last sent, and whether that was its only sending in this run. */
    private record Sent(long nanos, boolean once) {
    }

    /** The current resend timer ({@code ack.timeout-millis} or more, see {@link AckTimeout}). */
    public Duration currentAckTimeout() {
        sendLock.lock();
        try {
            return ackTimeout.current();
        } finally {
            sendLock.unlock();
        }
    }

    /** The signed status message for the current state. */
    public byte[] statusMessage() {
        OutboxStats s = outbox.stats();
        AgentStatus status = new AgentStatus(config.device(), boot(), clock.now(), s.depth(), s.bytes(),
                s.oldestPending().map(id -> new AgentStatus.BootSeq(id.boot(), id.seq())),
                s.lastStored().map(id -> new AgentStatus.BootSeq(id.boot(), id.seq())), clock.steps(), s.keptAside());
        return StatusCodec.sign(status, key);
    }

    /**
     * Waits until every sealed message is acknowledged or rejected.
     *
     * @return true when drained within {@code timeout}
     */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (openReadings == 0 && outbox.stats().depth() == 0) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Seals the open pack, stops sending and closes the transport and the outbox. */
    @Override
    public void close() throws IOException {
        closing = true;
        try {
            flush();
        } finally {
            running = false;
            if (runtime == null) {
                timer.shutdownNow();
            } else {
                synchronized (timers) {
                    timers.forEach(t -> t.cancel(false));
                }
            }
            signalSender();
            try {
                if (sender != null) {
                    sender.join(2000);
                } else {
                    sendWork.shutdown();
                    sendWork.awaitTermination(Duration.ofSeconds(2));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            transport.close();
            try {
                if (ackExecutor instanceof ExecutorService own) {
                    own.shutdown();
                    own.awaitTermination(2, TimeUnit.SECONDS);
                } else {
                    SerialExecutor shared = (SerialExecutor) ackExecutor;
                    shared.shutdown();
                    shared.awaitTermination(Duration.ofSeconds(2));
                    timerWork.shutdown();
                    timerWork.awaitTermination(Duration.ofSeconds(2));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writeFinalStatusFile();
            outbox.close();
            lockChannel.close();
        }
    }

    /** Where the running agent publishes {@link #describe()} for the status command. */
    public static Path statusFile(Path dataDir) {
        return dataDir.resolve("status.properties");
    }

    /**
     * Writes the status file, unless {@link #close()} has written its last one: a timer write still running when
     * {@code close} cancelled the timers would otherwise write (and leave a {@code .tmp}) after {@code close} returned
     * ({@code EdgeAgentCloseTest}). One write at a time, as they share the temporary file.
     */
    private void writeStatusFile() {
        synchronized (statusLock) {
            if (!statusClosed) {
                writeStatusFileNow();
            }
        }
    }

    /** The last status write, by {@link #close()}; later ones are skipped. */
    private void writeFinalStatusFile() {
        synchronized (statusLock) {
            writeStatusFileNow();
            statusClosed = true;
        }
    }

    private void writeStatusFileNow() {
        try {
            Properties p = new java.util.Properties();
            describe().forEach((k, v) -> p.setProperty(k, Long.toString(v)));
            OutboxStats s = outbox.stats();
            p.setProperty("oldest_unacknowledged", s.oldestPending().map(id -> id.boot() + ":" + id.seq()).orElse(""));
            p.setProperty("last_acknowledged", s.lastStored().map(id -> id.boot() + ":" + id.seq()).orElse(""));
            p.setProperty("written_at", Instant.now().toString());
            Path file = statusFile(config.dataDir());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "edge agent status");
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "status file not written", e);
        }
    }

    /** Counters and outbox state by name, for the status command and logs. */
    public Map<String, Long> describe() {
        Map<String, Long> m = metrics.snapshot();
        OutboxStats s = outbox.stats();
        m.put("boot", boot());
        m.put("co2e_register_grams", registerGrams());
        m.put("outbox_depth", s.depth());
        m.put("outbox_bytes", s.bytes());
        m.put("kept_aside", s.keptAside());
        m.put("dropped_messages", s.droppedMessages());
        m.put("kept_aside_discarded", s.keptAsideDiscarded());
        m.put("dropped_log_discarded", s.droppedRecordsDiscarded());
        m.put("clock_steps", clock.steps());
        m.put("ack_timeout_ms", currentAckTimeout().toMillis());
        java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        m.put("heap_used_bytes", heap.getUsed());
        m.put("heap_committed_bytes", heap.getCommitted());
        m.put("rss_bytes", residentSetBytes());
        return m;
    }

    /** Resident set size of this process from /proc (Linux), or -1 where unavailable. */
    static long residentSetBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private final class Events implements Transport.Listener {
        @Override
        public void connected() {
            metrics.connects.increment();
            requestResend();
            try {
                transport.sendStatus(statusMessage());
                metrics.heartbeatsSent.increment();
            } catch (IOException | UncheckedIOException e) {
                LOG.fine(() -> "heartbeat not sent: " + e.getMessage());
            }
        }

        @Override
        public void disconnected(String reason) {
            metrics.disconnects.increment();
            LOG.fine(() -> "disconnected: " + reason);
        }

        @Override
        public void acknowledgement(byte[] bytes) {
            ackExecutor.execute(() -> handleAcknowledgement(bytes));
        }
    }
}
