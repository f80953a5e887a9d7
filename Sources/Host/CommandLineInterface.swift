import Foundation

/// The `ecs-scheduler` command line: serve (no command), `next-runs`, `--help`, `--version`.
enum CommandLineInterface {
    static let version = "0.1.0"

    static let usage = """
        usage: ecs-scheduler                 run the daemon (REST API and scheduler)
               ecs-scheduler next-runs ...   print the next fire times of a schedule
               ecs-scheduler --help          print this text
               ecs-scheduler --version       print the version

        The daemon is configured with environment variables: ECSS_ECS_CLUSTER (required),
        ECSS_NAME, ECSS_LOG_LEVEL, ECSS_LOG_FOLDER, ECSS_HOST (default 127.0.0.1),
        ECSS_PORT (default 5000), ECSS_PLUGIN_PATH, ECSS_TRIGGER_TIMEOUT (seconds, default 30),
        one store (ECSS_SQLITE_FILE, ECSS_S3_BUCKET with ECSS_S3_PREFIX, ECSS_DYNAMODB_TABLE,
        ECSS_ELASTICSEARCH_INDEX with ECSS_ELASTICSEARCH_HOSTS) or ECSS_CONFIG_FILE.
        Values may contain {NAME} placeholders filled from the environment.

        Exit status: 0 after SIGTERM or SIGINT, 1 when the daemon fails to run,
        2 for invalid configuration or arguments.
        """

    /// Runs the command in `arguments` (without the program name) and returns the exit status.
    static func run(arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            return Daemon.run(environment: ProcessInfo.processInfo.environment)
        }
        switch command {
        case "--help", "-h", "help":
            print(usage)
            return 0
        case "--version":
            print("ecs-scheduler \(version)")
            return 0
        case "next-runs":
            return NextRunsCommand.run(arguments: Array(arguments.dropFirst()))
        default:
            printError("unknown command or option \(command); run ecs-scheduler --help for usage")
            return 2
        }
    }

    /// Writes `ecs-scheduler: message` as one line to standard error.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("ecs-scheduler: \(message)\n".utf8))
    }
}
