import AWSClient
import Config
import Foundation
import HTTPServer
import JobModel
import JobStore
import Logging
import PluginHost
import Scheduler
import WebAPI

/// The daemon's life: read the configuration, start each part in order, serve until
/// SIGTERM or SIGINT, then stop each part in reverse order.
///
/// Each part is one step of `start()`; the plugin host and the scheduler join as steps
/// of their own.
final class Daemon {
    /// Time allowed for requests in flight at shutdown, well inside the 10 s that process
    /// supervisors commonly wait before SIGKILL.
    static let shutdownGracePeriod: Duration = .seconds(5)
    /// Time allowed for fires in flight after the REST API has stopped, so that the whole
    /// shutdown stays within 10 s.
    static let schedulerStopTimeout: TimeInterval = 4

    let configuration: Configuration
    let logger = Logger(component: "daemon")
    private var aws: AWSClient?
    private var plugins: PluginHost?
    private var triggers: (any TriggerService) = NoTriggers()
    private var store: (any JobStore)?
    private var registry: JobRegistry?
    private var server: HTTPServer?
    private var scheduler: Scheduler?

    init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Reads the configuration from `environment`, runs the daemon and returns the exit
    /// status: 0 after a signal, 1 when a part fails to start, 2 for invalid configuration.
    static func run(environment: [String: String]) -> Int32 {
        let configuration: Configuration
        do {
            configuration = try Configuration.load(environment: environment)
        } catch {
            CommandLineInterface.printError("invalid configuration: \(error)")
            return 2
        }
        let signals = SignalWaiter()
        let daemon = Daemon(configuration: configuration)
        do {
            try daemon.start()
        } catch {
            CommandLineInterface.printError(error.message)
            daemon.stop()
            return error.exitStatus
        }
        let signal = signals.wait()
        daemon.logger.info("shutting down", ["signal": signal])
        daemon.stop()
        return 0
    }

    /// Starts every part; on failure the parts started so far stay for `stop()` to close.
    func start() throws(StartupError) {
        try configureLogging()
        let aws = try connectAWS()
        self.aws = aws
        let plugins = loadPlugins(aws: aws)
        self.plugins = plugins
        triggers = PluginTriggerService(host: plugins, timeout: .milliseconds(Int(configuration.triggerTimeout * 1000)))
        let store = try openStore(plugins: plugins)
        self.store = store
        let registry = try loadJobs(from: store)
        self.registry = registry
        server = try startHTTPServer(registry: registry)
        scheduler = startScheduler(registry: registry, aws: aws)
        logger.info("ecs-scheduler started", [
            "version": CommandLineInterface.version, "cluster": configuration.ecsCluster, "store": store.name,
            "jobs": String(registry.count),
        ])
    }

    /// Stops the parts in reverse order and flushes the logs.
    func stop() {
        server?.stop(gracePeriod: Self.shutdownGracePeriod)
        server = nil
        if let scheduler, !scheduler.stop(timeout: Self.schedulerStopTimeout) {
            logger.warning("fires still running at shutdown; their runs are not recorded",
                           ["timeout": "\(Self.schedulerStopTimeout) s"])
        }
        scheduler = nil
        store?.close()
        store = nil
        plugins?.shutdown()
        plugins = nil
        logger.info("ecs-scheduler stopped")
        LogSystem.shared.flush()
    }

    // MARK: Steps

    private func configureLogging() throws(StartupError) {
        do {
            try LogSystem.shared.configure(level: configuration.logLevel, folder: configuration.logFolder)
        } catch {
            throw StartupError(
                "invalid configuration: ECSS_LOG_FOLDER: cannot write app.log in \(configuration.logFolder ?? ""): "
                    + "\(error.localizedDescription); check the folder's permissions", exitStatus: 2)
        }
        for warning in configuration.warnings {
            logger.warning("configuration warning", ["warning": warning])
        }
    }

    /// Builds the AWS client from the standard AWS variables. Credentials are read lazily,
    /// at the first request, so only a missing or invalid region or profile stops the start.
    private func connectAWS() throws(StartupError) -> AWSClient {
        do {
            return try AWSClient(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw StartupError("invalid configuration: \(error.message)", exitStatus: 2)
        }
    }

    private func loadPlugins(aws: AWSClient) -> PluginHost {
        var settings = configuration.values
        settings["aws.region"] = aws.region
        let host = PluginHost(searchPath: .standard(pluginFolders: configuration.pluginPaths),
                              settings: settings, network: AWSNetworkServices(client: aws))
        if !host.rejections.isEmpty {
            logger.warning("starting without rejected plugins", ["count": String(host.rejections.count)])
        }
        return host
    }

    private func openStore(plugins: PluginHost) throws(StartupError) -> any JobStore {
        guard let selection = configuration.store else {
            logger.warning("no job store configured; jobs live in memory and are lost at exit",
                           ["fix": "set ECSS_SQLITE_FILE, ECSS_S3_BUCKET, ECSS_DYNAMODB_TABLE, ECSS_ELASTICSEARCH_INDEX or ECSS_CONFIG_FILE"])
            return InMemoryJobStore()
        }
        if selection.kind == "memory" {
            logger.warning("memory store selected; jobs are lost at exit", ["source": selection.source])
            return InMemoryJobStore()
        }
        guard let plugin = plugins.stores[selection.kind] else {
            let loaded = plugins.storeNames.isEmpty ? "none" : plugins.storeNames.joined(separator: ", ")
            throw StartupError(
                "invalid configuration: \(selection.source): no store plugin named \(selection.kind) is loaded "
                    + "(loaded stores: \(loaded)); check ECSS_PLUGIN_PATH and the start-up log", exitStatus: 2)
        }
        do {
            return try PluginJobStore(plugin: plugin, settingsJSON: selection.settings.serializedString()) { id, json in
                try JobValidator.decodeStored(id: id, json: json)
            }
        } catch {
            let status: Int32 = error.code == .invalidSettings ? 2 : 1
            let prefix = status == 2 ? "invalid configuration: \(selection.source): " : "cannot open the \(selection.kind) store: "
            throw StartupError(prefix + error.message, exitStatus: status)
        }
    }

    private func loadJobs(from store: any JobStore) throws(StartupError) -> JobRegistry {
        let registry = JobRegistry(store: store)
        do {
            let skipped = try registry.load()
            for (id, reason) in skipped {
                logger.error("stored job skipped", ["job.id": id, "error": reason])
            }
        } catch {
            throw StartupError("cannot load jobs from the \(store.name) store: \(error.message)", exitStatus: 1)
        }
        return registry
    }

    private func startScheduler(registry: JobRegistry, aws: AWSClient) -> Scheduler {
        let settings = SchedulerSettings(cluster: configuration.ecsCluster, startedBy: configuration.name)
        let scheduler = Scheduler(registry: registry, client: aws, triggers: triggers, settings: settings)
        scheduler.start()
        return scheduler
    }

    private func startHTTPServer(registry: JobRegistry) throws(StartupError) -> HTTPServer {
        let api = WebAPI(registry: registry, triggers: triggers)
        let server = HTTPServer(host: configuration.host, port: configuration.port,
                                configuration: WebAPI.serverConfiguration(), handler: api.handle)
        do {
            try server.start()
        } catch {
            throw StartupError("cannot start the REST API: \(error.message); set ECSS_HOST or ECSS_PORT", exitStatus: 1)
        }
        return server
    }
}

/// A part of the daemon that failed to start, with the exit status to end with.
struct StartupError: Error {
    var message: String
    var exitStatus: Int32

    init(_ message: String, exitStatus: Int32) {
        self.message = message
        self.exitStatus = exitStatus
    }
}
