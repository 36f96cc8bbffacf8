package io.sensorproof.sim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.sim.cli.SimCli;
import io.sensorproof.sim.demo.ColdRoomsAct;
import io.sensorproof.sim.demo.Demo;
import io.sensorproof.sim.demo.DemoAct;
import io.sensorproof.sim.demo.DemoChain;
import io.sensorproof.sim.demo.DemoContext;
import io.sensorproof.sim.demo.Narrative;
import io.sensorproof.sim.demo.Narrative.Stage;
import io.sensorproof.sim.demo.TamperedDeviceAct;
import io.sensorproof.sim.gateway.CollateralApi;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's demo, {@code --once}, against the packaged gateway (one start, prover on, anvil with 1 s blocks):
 * the demo ends with status 0, bank A's narrative reached "frozen" and bank B's did not, the tampered message
 * was refused with its code; then issue 15's end-to-end checks through the chain on the gateway the demo left
 * running: bank A's facility is frozen on chain (eth_call), the borrower's drawdown reverts
 * {@code FacilityFrozen}, bank B's is not frozen; the bank unfreezes on chain and the gateway's lot shows the
 * facility active again (REST, from the chain's events). The narrative is kept in
 * {@code target/demo-it/narrative.txt}.
 */
class DemoIT {
    @Test
    void theDemoFreezesBankAsFacilityOnlyRefusesTheTamperedMessageAndFollowsTheBanksUnfreeze() throws Exception {
        Path root = Path.of("target", "demo-it").toAbsolutePath();
        ByteArrayOutputStream told = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(System.out, told), true, StandardCharsets.UTF_8);
        List<DemoAct> acts = SimCli.DemoCommand.acts();
        Demo.Options options = new Demo.Options(Path.of(System.getProperty("gateway.run.jar")), root.resolve("demo-data"), freePort(), true,
                Duration.ofMinutes(3), Duration.ofMinutes(2));
        try (Demo demo = Demo.start(options, acts, out)) {
            Demo.Outcome outcome = demo.play(true);
            Files.writeString(root.resolve("narrative.txt"), told.toString(StandardCharsets.UTF_8));
            assertThat(outcome.failures()).isEmpty();
            assertThat(outcome.status()).isZero();

            Narrative narrative = demo.context().narrative();
            assertThat(narrative.reached(ColdRoomsAct.BANK_A, Stage.FROZEN)).as("bank A's lot frozen").isTrue();
            assertThat(narrative.reached(ColdRoomsAct.BANK_B, Stage.FROZEN)).as("bank B's lot frozen").isFalse();
            assertThat(narrative.reached(ColdRoomsAct.BANK_B, Stage.DONE)).as("bank B's lot told active").isTrue();
            TamperedDeviceAct tampered = act(acts, TamperedDeviceAct.class);
            assertThat(narrative.reached(tampered.name(), Stage.REFUSED)).isTrue();
            assertThat(tampered.reason()).as("the quarantine's reason code").contains("BAD_SIGNATURE");

            ColdRoomsAct rooms = act(acts, ColdRoomsAct.class);
            DemoContext context = demo.context();
            BigInteger facilityA = rooms.facility(ColdRoomsAct.BANK_A);
            long lotA = rooms.lot(ColdRoomsAct.BANK_A);
            CollateralApi bankA = rooms.bank(ColdRoomsAct.BANK_A);
            try (DemoChain chain = new DemoChain(context.chainRpc(), context.chainJson())) {
                assertThat(chain.facility(facilityA).frozen).as("bank A's facility frozen on chain").isTrue();
                assertThat(chain.facility(rooms.facility(ColdRoomsAct.BANK_B)).frozen).as("bank B's facility frozen on chain").isFalse();
                assertThat(chain.drawdownRevertData(ColdRoomsAct.WAREHOUSE_A_ACCOUNT, facilityA, 1)).as("drawdown revert data")
                        .startsWith(DemoChain.selector("FacilityFrozen(uint256)"));
                assertThat(bankA.lot(lotA).path("chain").path("state").asText()).isEqualTo("FROZEN");

                chain.unfreeze(ColdRoomsAct.BANK_A_ACCOUNT, facilityA, "compressor repaired, goods inspected");
                await("lot shown ACTIVE again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> "ACTIVE".equals(bankA.lot(lotA).path("chain").path("state").asText()));
                assertThat(chain.facility(facilityA).frozen).isFalse();
                assertThat(chain.drawdownRevertData(ColdRoomsAct.WAREHOUSE_A_ACCOUNT, facilityA, 1)).as("drawdown after the unfreeze")
                        .isEmpty();
            }
        }
    }

    private static <T extends DemoAct> T act(List<DemoAct> acts, Class<T> type) {
        return acts.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Writes to the console and keeps a copy. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
