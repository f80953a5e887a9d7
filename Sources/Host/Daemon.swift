import Config
import Foundation
import HTTPServer
import JobModel
import JobStore
import Logging
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

    let configuration: Configuration
    let logger = Logger(component: "daemon")
    private var store: (any JobStore)?
    private var registry: JobRegistry?
    private var server: HTTPServer?

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
        let store = try openStore()
        self.store = store
        let registry = try loadJobs(from: store)
        self.registry = registry
        server = try startHTTPServer(registry: registry)
        logger.info("ecs-scheduler started", [
            "version": CommandLineInterface.version, "cluster": configuration.ecsCluster, "store": store.name,
            "jobs": String(registry.count),
        ])
    }

    /// Stops the parts in reverse order and flushes the logs.
    func stop() {
        server?.stop(gracePeriod: Self.shutdownGracePeriod)
        server = nil
        store?.close()
        store = nil
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

    private func openStore() throws(StartupError) -> any JobStore {
        guard let selection = configuration.store else {
            logger.warning("no job store configured; jobs live in memory and are lost at exit",
                           ["fix": "set ECSS_SQLITE_FILE, ECSS_S3_BUCKET, ECSS_DYNAMODB_TABLE or ECSS_CONFIG_FILE"])
            return InMemoryJobStore()
        }
        if selection.kind == "memory" {
            logger.warning("memory store selected; jobs are lost at exit", ["source": selection.source])
            return InMemoryJobStore()
        }
        // NOTE: store plugins are opened by the plugin host, which is not wired in yet. Until
        // then a configured store stops the start, so that no job is lost in memory.
        throw StartupError(
            "invalid configuration: \(selection.source): the \(selection.kind) store needs the plugin host, "
                + "which this build does not include yet; unset it to keep jobs in memory", exitStatus: 2)
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

    private func startHTTPServer(registry: JobRegistry) throws(StartupError) -> HTTPServer {
        let api = WebAPI(registry: registry)
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
