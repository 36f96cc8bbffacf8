package io.sensorproof.gateway.standalone;

import java.nio.file.Path;

/**
 * Another live process holds the data directory (the gateway's {@link GatewayLock}) or the embedded
 * PostgreSQL data directory (its lock), so the services there are not orphans and must be neither
 * stopped nor adopted.
 */
public final class DataDirectoryInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path dataDirectory;

    public DataDirectoryInUseException(Path dataDirectory) {
        this(dataDirectory, "the PostgreSQL data directory");
    }

    /** @param what names the directory in the message, e.g. "the data directory" */
    public DataDirectoryInUseException(Path dataDirectory, String what) {
        super(what + " " + dataDirectory + " is in use by another running gateway;"
                + " stop it or choose another sensorproof.data-dir");
        this.dataDirectory = dataDirectory;
    }

    /** The directory that is in use. */
    public Path dataDirectory() {
        return dataDirectory;
    }
}
