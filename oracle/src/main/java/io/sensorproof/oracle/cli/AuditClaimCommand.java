package io.sensorproof.oracle.cli;

import io.sensorproof.oracle.audit.AnchoredClaims;
import io.sensorproof.oracle.audit.AuditException;
import io.sensorproof.oracle.audit.AuditFinding;
import io.sensorproof.oracle.audit.ClaimAudit;
import io.sensorproof.oracle.audit.ClaimAuditReport;
import io.sensorproof.oracle.audit.Web3jAnchoredBatches;
import io.sensorproof.oracle.bundle.BundleException;
import io.sensorproof.oracle.bundle.ClaimAuditBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code audit-claim BUNDLE [--rpc-url URL --registry ADDR]}: the regulator's offline audit of one anchored run
 * or emissions claim from the claim audit bundle the gateway exports (docs/bundles.md, ADR 027 "Claims").
 * Re-verifies every reading's device signature from the raw COSE bytes, re-derives leaves and the claim root,
 * checks the claim's inputs against its signed records and its completeness against the stored readings of its
 * window ({@link ClaimAudit}), and with {@code --rpc-url} compares with {@code AnchorRegistry.runClaim} /
 * {@code emissionsClaim} at the registry the regulator names. Prints the claim, then {@code CLEAN} or every
 * finding by reading key. Exit statuses are {@code audit-batch}'s ({@link AuditBatchCommand}): 0 no finding,
 * 1 findings, 2 malformed bundle, 3 unreadable bundle or chain unreachable, 64 usage.
 */
@Command(name = "audit-claim", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = AuditBatchCommand.USAGE,
        description = "Audit an anchored run or emissions claim from its audit bundle, optionally against the chain.")
public final class AuditClaimCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "the claim audit bundle (JSON) of GET /api/v1/claims/{claimId}/audit-bundle")
    Path bundle;

    @Option(names = "--rpc-url", paramLabel = "URL", description = "JSON-RPC endpoint of the chain to compare with (with --registry)")
    String rpcUrl;

    @Option(names = "--registry", paramLabel = "ADDR", description = "the AnchorRegistry address you trust (with --rpc-url)")
    String registry;

    private PrintWriter out;
    private PrintWriter err;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        AuditClaimCommand command = new AuditClaimCommand();
        command.out = out;
        command.err = err;
        int status = new CommandLine(command).setOut(out).setErr(err).execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public Integer call() {
        if ((rpcUrl == null) != (registry == null)) {
            err.println("--rpc-url and --registry go together: the chain and the registry on it you trust");
            return AuditBatchCommand.USAGE;
        }
        if (registry != null && !registry.matches("0x[0-9a-fA-F]{40}")) {
            err.println("--registry takes an address, 0x + 40 hex digits");
            return AuditBatchCommand.USAGE;
        }
        String json;
        try {
            json = Files.readString(bundle, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("UNREADABLE: " + e);
            return AuditBatchCommand.UNREACHABLE;
        }
        ClaimAuditBundle parsed;
        try {
            parsed = ClaimAuditBundle.parse(json);
        } catch (BundleException e) {
            out.println("MALFORMED at " + e.field() + ": " + e.getMessage());
            return AuditBatchCommand.MALFORMED;
        }
        ClaimAuditBundle.Claim c = parsed.claim();
        out.println((c.circuit().equals("excursion") ? "run claim " : "emissions claim ") + c.id() + ": " + parsed.members().size()
                + " readings of device " + c.deviceId() + ", quantity " + c.quantity() + ", times "
                + Instant.ofEpochMilli(parsed.windowFrom()) + " to " + Instant.ofEpochMilli(parsed.windowTo()));
        out.println("window settled by " + c.settledBy() + " with the readings stored by " + Instant.ofEpochMilli(c.settledArrival())
                + "; anchored by " + c.anchorTransaction().orElse("(transaction not recorded)")
                + c.anchorBlock().map(b -> " in block " + b).orElse("")
                + parsed.anchorRegistry().map(r -> " at registry " + r).orElse("")
                + parsed.chainId().map(id -> " on chain " + id).orElse(""));
        Web3j web3j = rpcUrl == null ? null : Web3j.build(new HttpService(rpcUrl));
        ClaimAuditReport report;
        try {
            Optional<AnchoredClaims> chain = web3j == null ? Optional.empty()
                    : Optional.of(new Web3jAnchoredBatches(web3j, registry));
            report = ClaimAudit.audit(parsed, chain);
        } catch (AuditException e) {
            err.println(e.getMessage());
            return AuditBatchCommand.UNREACHABLE;
        } finally {
            if (web3j != null) {
                web3j.shutdown();
            }
        }
        out.println(report.chain().map(ch -> "compared with registry " + ch.registry() + " on chain " + ch.chainId())
                .orElse("chain not consulted (no --rpc-url): compared with the root the gateway recorded"));
        out.println(report.report().readingsChecked() + " readings re-checked from their signed messages, "
                + parsed.windowReadings().size() + " stored readings in the window");
        if (report.clean()) {
            out.println("CLEAN: every signature verifies, every stored reading is the signed record, the inputs are the"
                    + " signed records', every stored reading of the window is in the claim, and the root"
                    + (report.chain().isPresent() ? " and the inputs are the chain's" : " is the recorded one"));
            return AuditBatchCommand.CLEAN;
        }
        out.println("FINDINGS: " + report.report().findings().size());
        for (AuditFinding f : report.report().findings()) {
            out.println("  " + f.key().map(k -> "reading " + k + " ").orElse("claim ") + f.kind() + ": " + f.detail());
        }
        return AuditBatchCommand.FINDINGS;
    }
}
