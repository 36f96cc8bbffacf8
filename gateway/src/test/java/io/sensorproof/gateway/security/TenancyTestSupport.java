package io.sensorproof.gateway.security;

import io.agroal.api.AgroalDataSource;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.OperatorAlerts;
import io.sensorproof.gateway.core.Quarantine;
import io.sensorproof.gateway.core.StatusSink;
import io.sensorproof.gateway.core.collateral.CollateralAlerts;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tenancy ITs share: the ports a {@link TenancyWorld} is built with, and one world per
 * test class, built before its first test with ids starting with the class's prefix.
 */
public abstract class TenancyTestSupport {
    private static final Map<Class<?>, TenancyWorld> WORLDS = new HashMap<>();

    private final String prefix;

    @Inject
    protected AgroalDataSource db;
    @Inject
    protected MessageStore store;
    @Inject
    protected Quarantine quarantine;
    @Inject
    protected OperatorAlerts alerts;
    @Inject
    protected StatusSink statusSink;
    @Inject
    protected CollateralAlerts collateralAlerts;

    /** This test class's world. */
    protected TenancyWorld world;

    protected TenancyTestSupport(String prefix) {
        this.prefix = prefix;
    }

    @BeforeEach
    void buildWorld() throws Exception {
        synchronized (WORLDS) {
            TenancyWorld built = WORLDS.get(getClass());
            if (built == null) {
                built = TenancyWorld.build(prefix, db, store, quarantine, alerts, statusSink, collateralAlerts);
                WORLDS.put(getClass(), built);
            }
            world = built;
        }
    }
}
