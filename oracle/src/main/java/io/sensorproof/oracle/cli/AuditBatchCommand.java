package io.sensorproof.oracle.cli;

import io.sensorproof.oracle.audit.AnchoredBatches;
import io.sensorproof.oracle.audit.AuditException;
import io.sensorproof.oracle.audit.AuditFinding;
import io.sensorproof.oracle.audit.BatchAudit;
import io.sensorproof.oracle.audit.BatchAuditReport;
import io.sensorproof.oracle.audit.Web3jAnchoredBatches;
import io.sensorproof.oracle.bundle.AuditBundle;
import io.sensorproof.oracle.bundle.BundleException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * {@code audit-batch BUNDLE [--rpc-url URL --registry ADDR]}: the regulator's offline audit of one
 * anchored commitment batch from the audit bundle the gateway exports (docs/bundles.md, ADR 027).
 * Re-verifies every member's device signature from the raw COSE bytes, re-derives leaves and the
 * root ({@link BatchAudit}), and with {@code --rpc-url} compares them and the recorded batch with
 * {@code AnchorRegistry.batch(batchId)} at the registry the regulator names (never the bundle's
 * address alone). Prints the batch, then {@code CLEAN} or every finding by reading key. Exit 0 no
 * finding, 1 findings, 2 malformed bundle, 3 unreadable bundle or chain unreachable, 64 usage.
 */
@Command(name = "audit-batch", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = AuditBatchCommand.USAGE,
        description = "Audit an anchored commitment batch from its audit bundle, optionally against the chain.")
public final class AuditBatchCommand implements Callable<Integer> {
    /** Exit status: no finding. */
    public static final int CLEAN = 0;
    /** Exit status: at least one finding. */
    public static final int FINDINGS = 1;
    /** Exit status: the bundle is malformed or of an unsupported version. */
    public static final int MALFORMED = 2;
    /** Exit status: the bundle cannot be read or the chain does not answer. */
    public static final int UNREACHABLE = 3;
    /** Exit status of a usage error. */
    public static final int USAGE = 64;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "the audit bundle (JSON) of GET /api/v1/batches/{id}/audit-bundle")
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
        AuditBatchCommand command = new AuditBatchCommand();
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
            return USAGE;
        }
        if (registry != null && !registry.matches("0x[0-9a-fA-F]{40}")) {
            err.println("--registry takes an address, 0x + 40 hex digits");
            return USAGE;
        }
        String json;
        try {
            json = Files.readString(bundle, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("UNREADABLE: " + e);
            return UNREACHABLE;
        }
        AuditBundle parsed;
        try {
            parsed = AuditBundle.parse(json);
        } catch (BundleException e) {
            out.println("MALFORMED at " + e.field() + ": " + e.getMessage());
            return MALFORMED;
        }
        AuditBundle.Batch b = parsed.batch();
        out.println("batch " + b.id() + ": " + b.readingCount() + " readings with times " + Instant.ofEpochMilli(b.firstTime())
                + " to " + Instant.ofEpochMilli(b.lastTime()) + ", root " + String.format("0x%064x", b.root()));
        out.println("anchored by " + b.anchorTransaction() + " in block " + b.anchorBlock() + " at registry "
                + parsed.anchorRegistry() + parsed.chainId().map(id -> " on chain " + id).orElse(""));
        Web3j web3j = rpcUrl == null ? null : Web3j.build(new HttpService(rpcUrl));
        BatchAuditReport report;
        try {
            Optional<AnchoredBatches> chain = web3j == null ? Optional.empty()
                    : Optional.of(new Web3jAnchoredBatches(web3j, registry));
            report = BatchAudit.audit(parsed, chain);
        } catch (AuditException e) {
            err.println(e.getMessage());
            return UNREACHABLE;
        } finally {
            if (web3j != null) {
                web3j.shutdown();
            }
        }
        out.println(report.chain().map(c -> "compared with registry " + c.registry() + " on chain " + c.chainId())
                .orElse("chain not consulted (no --rpc-url): compared with the root the gateway recorded"));
        out.println(report.report().readingsChecked() + " readings re-checked from their signed messages");
        if (report.clean()) {
            out.println("CLEAN: every signature verifies, every leaf and stored reading is the signed record, and the root"
                    + (report.chain().isPresent() ? " and the batch are the chain's" : " is the recorded one"));
            return CLEAN;
        }
        out.println("FINDINGS: " + report.report().findings().size());
        for (AuditFinding f : report.report().findings()) {
            out.println("  " + f.key().map(k -> "reading " + k + " ").orElse("batch ") + f.kind() + ": " + f.detail());
        }
        return FINDINGS;
    }
}
