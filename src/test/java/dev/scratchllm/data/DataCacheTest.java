// DataCache: which folder downloads land in (property, SCRATCHLLM_CACHE, XDG_CACHE_HOME, ~/.cache).
package dev.scratchllm.data;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataCacheTest {
    static final String HOME = Path.of("/", "home-of-test-user").toString();

    @Test
    @DisplayName("the cache is the property, then SCRATCHLLM_CACHE, then $XDG_CACHE_HOME/scratchllm, then ~/.cache/scratchllm")
    void order() {
        String xdg = Path.of("/", "xdg-cache").toString();
        Map<String, String> env = Map.of("SCRATCHLLM_CACHE", "my-cache", "XDG_CACHE_HOME", xdg);
        assertThat(DataCache.dir("from-property", env::get, HOME)).isEqualTo(Path.of("from-property"));
        assertThat(DataCache.dir(null, env::get, HOME)).isEqualTo(Path.of("my-cache"));
        assertThat(DataCache.dir(" ", Map.of("XDG_CACHE_HOME", xdg)::get, HOME)).isEqualTo(Path.of(xdg, "scratchllm"));
        assertThat(DataCache.dir(null, Map.<String, String>of()::get, HOME)).isEqualTo(Path.of(HOME, ".cache", "scratchllm"));
    }

    @Test
    @DisplayName("a relative XDG_CACHE_HOME is ignored, as the XDG base-directory rules say")
    void relativeXdgIgnored() {
        assertThat(DataCache.dir(null, Map.of("XDG_CACHE_HOME", "rel/cache")::get, HOME)).isEqualTo(Path.of(HOME, ".cache", "scratchllm"));
    }

    @Test
    @DisplayName("without a home folder the error says to set SCRATCHLLM_CACHE")
    void noHome() {
        assertThatThrownBy(() -> DataCache.dir(null, Map.<String, String>of()::get, ""))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SCRATCHLLM_CACHE");
    }

    @Test
    @DisplayName("the process-wide resolver searches SCRATCHLLM_DATA, then the cache, then data/, and downloads into the cache")
    void processResolverUsesTheCache() {
        String before = System.setProperty(DataCache.PROPERTY, "some-cache");
        try {
            DataFiles files = DataFiles.fromEnvironment();
            assertThat(files.directories()).contains(Path.of("some-cache"));
            assertThat(files.directories().get(files.directories().size() - 1)).isEqualTo(DataFiles.PROJECT_DATA_DIR);
            assertThat(files.downloadDir()).isEqualTo(Path.of("some-cache"));
        } finally {
            if (before == null) System.clearProperty(DataCache.PROPERTY);
            else System.setProperty(DataCache.PROPERTY, before);
        }
    }
}
