package io.sensorproof.agent.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the agent's durable files reach the disk: every file channel of the outbox, the boot counter,
 * the device key and the enrollment files is opened here, and every directory is forced here. The
 * agent uses {@link #SYSTEM}; fault tests pass a layer that, at a simulated power cut, loses what was
 * written but not forced, which a {@code kill -9} (page cache intact) cannot show.
 */
public interface FileIo {
    /** The real file system. */
    FileIo SYSTEM = new FileIo() {
        @Override
        public FileChannel open(Path path, OpenOption... options) throws IOException {
            return FileChannel.open(path, options);
        }

        @Override
        public void forceDirectory(Path dir) throws IOException {
            Durable.forceDirectory(dir);
        }
    };

    /** Opens a file channel, as {@link FileChannel#open(Path, OpenOption...)}. */
    FileChannel open(Path path, OpenOption... options) throws IOException;

    /** Forces a directory, so that files created, renamed or deleted in it survive power loss. */
    void forceDirectory(Path dir) throws IOException;
}
