package io.sensorproof.gateway.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A tenant (a factory, bank, exchange or regulator; see {@link TenantKind}); table {@code tenants}. */
@Entity
@Table(name = "tenants")
public class Tenant extends PanacheEntityBase {
    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    /** {@link TenantKind#label()}; fixed at creation. */
    @Column(nullable = false, updatable = false)
    public String kind;

    /** Set by the application on creation (microseconds, UTC), so the creating response can show it. */
    @Column(name = "created_at", nullable = false, updatable = false)
    public OffsetDateTime createdAt;
}
