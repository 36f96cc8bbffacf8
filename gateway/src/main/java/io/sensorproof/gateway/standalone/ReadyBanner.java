package io.sensorproof.gateway.standalone;

import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.security.OperatorKeyBootstrap;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The last thing a start prints (issue 16): where the dashboard is and how to sign in, where the API
 * and its description are, where the data and the full log are. Printed on the console (like the
 * bootstrap key, not through the logger's file handler) once every other start-up observer has run;
 * the log file gets one line saying the gateway is ready at that address.
 */
@ApplicationScoped
public class ReadyBanner {
    private static final Logger LOG = Logger.getLogger(ReadyBanner.class);

    private final OperatorKeyBootstrap bootstrap;
    private final int port;
    private final String host;
    private final Path dataDir;
    private final PrintStream console = System.out;

    ReadyBanner(OperatorKeyBootstrap bootstrap, @ConfigProperty(name = "quarkus.http.port") int port,
            @ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0") String host,
            @ConfigProperty(name = "sensorproof.data-dir") String dataDir) {
        this.bootstrap = bootstrap;
        this.port = port;
        this.host = host;
        this.dataDir = Path.of(dataDir).toAbsolutePath().normalize();
    }

    void onStart(@Observes @Priority(9000) StartupEvent event) {
        console.println(text());
        console.flush();
        LOG.infof("gateway ready: dashboard at %s", base() + "/dashboard/");
    }

    /** The banner's lines. */
    String text() {
        String base = base();
        Path keyFile = bootstrap.keyFile();
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("========== sensorproof gateway ready ==========");
        lines.add("Dashboard   " + base + "/dashboard/");
        if (Files.isRegularFile(keyFile)) {
            lines.add("Sign in     with the operator API key in " + keyFile + " (give banks, factories, exchanges");
            lines.add("            and regulators keys of their own with POST /api/v1/api-keys)");
        } else {
            lines.add("Sign in     with an API key (the bootstrap operator key was printed at the first start;");
            lines.add("            " + keyFile + " has been deleted)");
        }
        lines.add("API         " + base + "/api/v1   description " + base + "/q/openapi   readiness " + base + "/q/health/ready");
        lines.add("Data        " + dataDir + "   full log " + dataDir.resolve("logs").resolve("gateway.log.json"));
        lines.add("The console shows the gateway's own lines and every warning; the log file has all. Stop with Ctrl+C.");
        lines.add("===============================================");
        return String.join(System.lineSeparator(), lines);
    }

    private String base() {
        String shown = "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host;
        return "http://" + shown + ":" + port;
    }
}
