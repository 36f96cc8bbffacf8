package io.sensorproof.oracle.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContractEventsTest {
    private final ContractEvents decoder = Logs.decoder();

    private ChainLog placed(Logs.Draft d) {
        return new ChainLog(d.address(), d.topics(), d.data(), 7, "0x" + "11".repeat(32), "0x" + "22".repeat(32), 3, false);
    }

    @Test
    void decodesFrozenWithNamedArgumentsInDeclarationOrder() {
        ChainEvent e = decoder.decode(placed(Logs.frozen(5, "0x" + "cd".repeat(32)))).orElseThrow();

        assertThat(e.contract()).isEqualTo("CollateralFinancing");
        assertThat(e.name()).isEqualTo("Frozen");
        assertThat(e.args().keySet()).containsExactly("id", "quantity", "devices", "runLengths", "claimIds", "oracle");
        assertThat(e.uint("id")).isEqualTo(BigInteger.valueOf(5));
        assertThat(e.list("claimIds")).containsExactly("0x" + "cd".repeat(32));
        assertThat(e.list("devices")).containsExactly(BigInteger.valueOf(77));
        assertThat(e.text("oracle")).isEqualTo(Logs.ORACLE);
        assertThat(e.subjects()).containsExactly("collateral:5");
        assertThat(e.block()).isEqualTo(new BlockRef(7, "0x" + "11".repeat(32)));
    }

    @Test
    void decodesUnfrozenWithTheReason() {
        ChainEvent e = decoder.decode(placed(Logs.unfrozen(5, "goods inspected, fine", 1_700_000_000L))).orElseThrow();

        assertThat(e.text("reason")).isEqualTo("goods inspected, fine");
        assertThat(e.uint("unfrozenAt")).isEqualTo(BigInteger.valueOf(1_700_000_000L));
        assertThat(e.text("bank")).isEqualTo(Logs.BANK);
    }

    @Test
    void tokenEventsBelongToTheTokensFacility() {
        ChainEvent minted = decoder.decode(placed(Logs.minted(3, 2, 40))).orElseThrow();
        ChainEvent transfer = decoder.decode(placed(Logs.transfer(3, 2, Logs.ZERO, Logs.BORROWER, 40))).orElseThrow();

        assertThat(minted.subjects()).containsExactly("carbon:3");
        assertThat(transfer.subjects()).containsExactly("carbon:3");
    }

    @Test
    void ignoresOtherAddressesAndEventsItDoesNotFollow() {
        Logs.Draft created = Logs.created(1);
        assertThat(decoder.decode(placed(new Logs.Draft("0x" + "99".repeat(20), created.topics(), created.data())))).isEmpty();
        // the same signature under another contract's address is not that contract's event
        assertThat(decoder.decode(placed(new Logs.Draft(Logs.REGISTRY, created.topics(), created.data())))).isEmpty();
        assertThat(decoder.decode(placed(new Logs.Draft(Logs.COLLATERAL, List.of("0x" + "00".repeat(32)), "0x")))).isEmpty();
    }

    @Test
    void carbonFoldCountsMintedHeldAndRetired() {
        List<ChainEvent> events = List.of(
                decoder.decode(placed(Logs.minted(3, 2, 40))).orElseThrow(),
                decoder.decode(placed(Logs.transfer(3, 2, Logs.ZERO, Logs.BORROWER, 40))).orElseThrow(),
                decoder.decode(placed(Logs.transfer(3, 2, Logs.BORROWER, Logs.ZERO, 15))).orElseThrow());

        CarbonFacilityState.Period p = CarbonFacilityState.fold(BigInteger.valueOf(3), events).orElseThrow().periods().get(0);

        assertThat(p.state()).isEqualTo(CarbonFacilityState.MINTED);
        assertThat(p.minted().amount()).isEqualTo(BigInteger.valueOf(40));
        assertThat(p.held()).isEqualTo(BigInteger.valueOf(25));
        assertThat(p.tokenId()).isEqualTo(BigInteger.valueOf(3).shiftLeft(128).or(BigInteger.TWO));
        assertThat(CarbonFacilityState.fold(BigInteger.valueOf(4), events)).isEmpty();
    }
}
