package io.sensorproof.gateway.standalone;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * Child process of {@link OrphanedPostmasterIT}: starts the embedded server in the data directory
 * given as argument, commits one row, prints {@code READY <postmaster pid> <port>} and waits to be
 * killed.
 */
public final class OrphanMakerMain {
    private OrphanMakerMain() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedDatabase db = EmbeddedPostgresLauncher.withDefaults()
                .start(EmbeddedPostgresSettings.under(Path.of(args[0]), 0));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE committed_before_kill (v text)");
            s.execute("INSERT INTO committed_before_kill VALUES ('" + args[1] + "')");
        }
        System.out.println("READY " + db.postmasterPid() + " " + db.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
