package io.sensorproof.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.agent.outbox.FileIo;
import io.sensorproof.agent.outbox.NonDurableFileIo;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The non-durable outbox stays opt-in and labelled (ADR 043); the load run's CPU accounting reads /proc stat lines right. */
class LoadRunOutboxTest {

    @Test
    void fleetsKeepDurableOutboxesUnlessTheLoadRunAsksOtherwise() {
        FleetRunner.Options options = new FleetRunner.Options(FleetRunner.Mode.IN_JVM, Path.of("w"), "tcp://x:1", Optional.empty(), 1000, false,
                null, Optional.empty());
        assertThat(options.outboxIo()).isSameAs(FileIo.SYSTEM);
        FleetLoad.Parameters p = new FleetLoad.Parameters(List.of(10), 1, 10, 10, 10, DeviceProvisioner.Method.ENROLL);
        assertThat(p.outbox()).isEqualTo(FleetLoad.Outboxes.DURABLE);
        assertThat(FleetLoad.Outboxes.NON_DURABLE.label()).startsWith("NON-DURABLE").contains("not for real devices");
    }

    @Test
    void processModeDevicesCannotRunWithoutDurability() {
        assertThatThrownBy(() -> new FleetRunner.Options(FleetRunner.Mode.PROCESSES, Path.of("w"), "tcp://x:1", Optional.of(Path.of("s.json")),
                1000, false, null, Optional.empty(), new NonDurableFileIo())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("durable");
    }

    @Test
    void cpuTicksAreUserPlusSystemTimeCountedAfterTheCommandName() {
        // pid (comm with a space and parentheses) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 3 4 20 0 30 0 12345 0 0\n";
        assertThat(ProcessCpu.ticksOf(stat)).isEqualTo(300);
    }
}
