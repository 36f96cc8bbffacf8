package io.sensorproof.gateway.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A tenant (an organisation that owns devices); table {@code tenants}. */
@Entity
@Table(name = "tenants")
public class Tenant extends PanacheEntityBase {
    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    /** Set by the application on creation (microseconds, UTC), so the creating response can show it. */
    @Column(name = "created_at", nullable = false, updatable = false)
    public OffsetDateTime createdAt;
}
