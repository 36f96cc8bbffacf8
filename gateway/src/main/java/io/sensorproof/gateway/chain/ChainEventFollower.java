package io.sensorproof.gateway.chain;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.oracle.ChainConnection;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.events.ChainEventException;
import io.sensorproof.oracle.events.ContractEvents;
import io.sensorproof.oracle.events.FollowerSettings;
import io.sensorproof.oracle.events.LogFollower;
import io.sensorproof.oracle.events.Web3jLogSource;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Reads the deployed contracts' events back into the gateway (issue 15, ADR 026): when a chain is
 * configured and {@code sensorproof.chain.events.enabled}, one thread steps the {@link LogFollower}
 * through {@link PgChainEvents} (as many steps as advance, then a pause of
 * {@code sensorproof.chain.events.interval}). Every replica may run it; the cursor row's lock lets one
 * at a time step. A chain that cannot be read, or changes during a step, costs that tick only.
 */
@ApplicationScoped
public class ChainEventFollower {
    private static final Logger LOG = Logger.getLogger(ChainEventFollower.class);
    /** Steps per tick at most (a long backlog is read over several ticks without starving the pause). */
    static final int MAX_STEPS_PER_TICK = 50;

    @Inject
    GatewaySettings settings;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ChainConnection chain;

    @Inject
    MeterRegistry meters;

    private volatile ScheduledExecutorService thread;
    private volatile PgChainEvents store;
    private volatile LogFollower follower;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /** After {@link ChainConnection} (priority 3000 is the oracle's runner). */
    void start(@Observes @Priority(3100) StartupEvent event) {
        GatewaySettings.Chain.Events s = settings.chain().events();
        if (!s.enabled()) {
            LOG.info("chain events are not followed on this replica (sensorproof.chain.events.enabled=false)");
            return;
        }
        if (!chain.configured()) {
            LOG.info("no chain configured: chain events are not followed");
            return;
        }
        Deployment deployment = chain.deployment();
        ContractEvents decoder = new ContractEvents(Map.of(
                ContractEvents.COLLATERAL, deployment.address(ContractEvents.COLLATERAL),
                ContractEvents.CARBON, deployment.address(ContractEvents.CARBON),
                ContractEvents.REGISTRY, deployment.address(ContractEvents.REGISTRY)));
        follower = new LogFollower(new Web3jLogSource(chain.web3j()), decoder,
                new FollowerSettings(s.confirmations(), s.maxBlockRange(), deployment.blockNumber(), 64));
        store = new PgChainEvents(dataSource);
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "chain-events");
            th.setDaemon(true);
            return th;
        });
        t.scheduleWithFixedDelay(this::tick, 0, s.interval().toMillis(), TimeUnit.MILLISECONDS);
        thread = t;
        LOG.infof("following the contracts' events from block %d, %d confirmation(s), at most %d blocks per query",
                deployment.blockNumber(), s.confirmations(), s.maxBlockRange());
    }

    void stop(@Observes ShutdownEvent event) {
        ScheduledExecutorService t = thread;
        if (t != null) {
            t.shutdownNow();
        }
    }

    /** Steps until the follower is idle (or {@link #MAX_STEPS_PER_TICK}); never throws. */
    void tick() {
        try {
            for (int i = 0; i < MAX_STEPS_PER_TICK; i++) {
                PgChainEvents.Applied applied = store.step(follower);
                if (applied.refused() > 0) {
                    refused.addAndGet(applied.refused());
                    meters.counter("sensorproof.chain.events.undecodable").increment(applied.refused());
                    LOG.warnf("%d log(s) of the contracts did not decode; kept in chain_events as UNDECODABLE", applied.refused());
                }
                if ("REWIND".equals(applied.step())) {
                    meters.counter("sensorproof.chain.events.rewinds").increment();
                    LOG.warnf("the chain no longer has blocks the gateway had read: %d event(s) removed, projections recomputed",
                            applied.removed());
                }
                if (!applied.progressed()) {
                    return;
                }
            }
        } catch (ChainEventException | ChainStoreException e) {
            failures.incrementAndGet();
            LOG.warnf("chain event step failed (next try in %s): %s", settings.chain().events().interval(), e.getMessage());
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.error("chain event step failed", e);
        }
    }

    /** Logs of followed events that did not decode since start (also kept as UNDECODABLE rows). */
    public long refusedLogs() {
        return refused.get();
    }

    /** Failed ticks since start. */
    public long failedTicks() {
        return failures.get();
    }

    /** True when this replica runs the follower. */
    public boolean running() {
        return Optional.ofNullable(thread).isPresent();
    }
}
