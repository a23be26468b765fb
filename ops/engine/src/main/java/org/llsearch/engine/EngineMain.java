package org.llsearch.engine;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.action.admin.cluster.health.ClusterHealthResponse;
import org.opensearch.cluster.health.ClusterHealthStatus;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * Starts one OpenSearch node on 127.0.0.1 from the engine's own jars, prints a readiness
 * line once the cluster is green, and closes the node cleanly on SIGTERM.
 *
 * Usage: EngineMain --port 9200 --home DIR --data DIR --repo DIR [--transport-port 0] [--name N]
 */
public final class EngineMain {

    /** Printed on the original stdout once the node is green; the launcher waits for it. */
    static final String READY_PREFIX = "LLSEARCH_ENGINE_READY ";

    /** Modules compiled in by class so a wrong name breaks the build, not the node. */
    static final List<Class<? extends Plugin>> MODULES = List.of(
        org.opensearch.transport.Netty4Plugin.class,
        org.opensearch.analysis.common.CommonAnalysisPlugin.class,
        org.opensearch.painless.PainlessPlugin.class,
        org.opensearch.index.mapper.MapperExtrasPlugin.class,
        org.opensearch.index.reindex.ReindexPlugin.class
    );

    /** Exposes Node's protected constructor that accepts classpath plugins. */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment environment) {
            super(environment, MODULES, true);
        }
    }

    private EngineMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        PrintStream console = System.out; // LogConfigurator redirects System.out into log4j
        Path home = Paths.get(require(opts, "home")).toAbsolutePath();
        Path config = home.resolve("config");
        Files.createDirectories(config);
        try (InputStream log4j = EngineMain.class.getResourceAsStream("/log4j2.properties")) {
            Files.copy(log4j, config.resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        }
        String port = require(opts, "port");
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", Paths.get(require(opts, "data")).toAbsolutePath().toString())
            .put("path.logs", home.resolve("logs").toString())
            .putList("path.repo", Paths.get(require(opts, "repo")).toAbsolutePath().toString())
            .put("cluster.name", opts.getOrDefault("cluster", "llsearch"))
            .put("node.name", opts.getOrDefault("name", "llsearch-engine"))
            .put("network.host", "127.0.0.1")
            .put("http.port", port)
            .put("transport.port", opts.getOrDefault("transport-port", "0"))
            .put("discovery.type", "single-node")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("indices.breaker.total.use_real_memory", false)
            .put("action.auto_create_index", opts.getOrDefault("auto-create-index", "true"))
            .build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), config, () -> settings.get("node.name"));
        LogConfigurator.registerErrorListener();
        LogConfigurator.configure(environment);

        Node node = new EmbeddedNode(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace(console);
            } finally {
                stopped.countDown();
            }
        }, "llsearch-engine-shutdown"));
        node.start();

        ClusterHealthResponse health = node.client().admin().cluster().prepareHealth()
            .setWaitForGreenStatus().setTimeout(TimeValue.timeValueSeconds(120)).get();
        if (health.getStatus() != ClusterHealthStatus.GREEN) {
            console.println("LLSEARCH_ENGINE_FAILED cluster is " + health.getStatus());
            System.exit(1);
        }
        console.println(READY_PREFIX + "http://127.0.0.1:" + port);
        console.flush();
        stopped.await();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }

    private static String require(Map<String, String> opts, String name) {
        String value = opts.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }
}
