package io.sensorproof.gateway.standalone;

import java.nio.file.Path;

/**
 * Another live process holds the embedded PostgreSQL data directory (it has the directory's lock),
 * so its server is not an orphan and must not be stopped.
 */
public final class DataDirectoryInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path dataDirectory;

    public DataDirectoryInUseException(Path dataDirectory) {
        super("the PostgreSQL data directory " + dataDirectory + " is in use by another running gateway;"
                + " stop it or choose another sensorproof.data-dir");
        this.dataDirectory = dataDirectory;
    }

    /** The directory that is in use. */
    public Path dataDirectory() {
        return dataDirectory;
    }
}
