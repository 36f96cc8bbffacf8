package io.sensorproof.oracle.anvil;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the anvil binary that the pinned npm package {@code @foundry-rs/anvil-linux-amd64} ships
 * ({@code npm ci} at the repository root installs it; the package carries the binary itself, no
 * install script). Shared by the contract tests ({@code AnvilExtension}) and the standalone gateway,
 * which both run anvil from the repository's {@code node_modules}.
 */
public final class AnvilBinary {
    /** Where the binary sits below a directory that holds {@code node_modules}. */
    public static final Path IN_NODE_MODULES = Path.of("node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");

    private AnvilBinary() {
    }

    /** The first executable anvil in {@code start} or one of its parents. */
    public static Optional<Path> findAbove(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path bin = dir.resolve(IN_NODE_MODULES);
            if (Files.isExecutable(bin)) {
                return Optional.of(bin);
            }
        }
        return Optional.empty();
    }

    /**
     * anvil above the system property {@code repo.root} (set by the build for tests), above the
     * location of {@code anchor}'s code (a jar or class directory inside the repository, such as the
     * packaged gateway under {@code gateway/target/quarkus-app}), or above the working directory.
     *
     * @throws IllegalStateException when none is found, naming the fix ({@code npm ci})
     */
    public static Path locate(Class<?> anchor) {
        List<Path> starts = new ArrayList<>();
        String repoRoot = System.getProperty("repo.root");
        if (repoRoot != null) {
            starts.add(Path.of(repoRoot));
        }
        codeLocation(anchor).ifPresent(starts::add);
        starts.add(Path.of(""));
        return starts.stream().map(AnvilBinary::findAbove).flatMap(Optional::stream).findFirst()
                .orElseThrow(() -> new IllegalStateException("anvil not found under node_modules above " + starts
                        + " (run `npm ci` at the repository root)"));
    }

    /** The jar or class directory {@code anchor} was loaded from, if the class loader tells. */
    public static Optional<Path> codeLocation(Class<?> anchor) {
        try {
            var source = anchor.getProtectionDomain().getCodeSource();
            return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
