// swift-tools-version:6.0
//
// ecs-scheduler: a daemon that starts Amazon ECS tasks on schedules or triggers, managed
// through a JSON REST API. Targets, from the bottom up:
//
//   C glue        PluginABI (the plugin header), CMicroHTTPD, CCurl (shims over variadic
//                 C calls), CCrypto, CSQLite, CYAML (system libraries)
//   foundations   JSONCore (the JSON value type, Foundation only), Logging, Config,
//                 ScheduleEngine (pure), AWSClient, HTTPServer
//   the model     JobModel (jobs and their validation), JobStore (the store interface and
//                 the in-memory store)
//   the halves    PluginHost (loads trigger and store plugins), Scheduler (scheduld),
//                 WebAPI (the REST API)
//   executable    Host (ecs-scheduler)
//   plugins       SQSTrigger and the four stores, shared libraries loaded through PluginABI
import PackageDescription

let package = Package(
    name: "ecs-scheduler",
    products: [
        .executable(name: "ecs-scheduler", targets: ["Host"]),
        .library(name: "ecss-store-sqlite", type: .dynamic, targets: ["SQLiteStore"]),
        .library(name: "ecss-store-s3", type: .dynamic, targets: ["S3Store"]),
        .library(name: "ecss-store-dynamodb", type: .dynamic, targets: ["DynamoDBStore"]),
        .library(name: "ecss-store-elasticsearch", type: .dynamic, targets: ["ElasticsearchStore"]),
        .library(name: "ecss-trigger-sqs", type: .dynamic, targets: ["SQSTrigger"]),
        // A PluginKit store for the plugin host tests; its name keeps the daemon from loading it.
        .library(name: "swift-test-store", type: .dynamic, targets: ["SwiftTestStore"]),
    ],
    targets: [
        // C glue
        .target(name: "PluginABI"),
        .target(name: "CMicroHTTPD", linkerSettings: [.linkedLibrary("microhttpd")]),
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),

        // Foundations
        .target(name: "JSONCore"),
        .target(name: "Logging"),
        .target(name: "Config", dependencies: ["CYAML", "JobModel", "Logging"]),
        .target(name: "ScheduleEngine"),
        .target(name: "AWSClient", dependencies: ["CCurl", "CCrypto", "Logging"]),
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD", "Logging"]),

        // The model
        .target(name: "JobModel", dependencies: ["JSONCore", "ScheduleEngine"]),
        .target(name: "JobStore", dependencies: ["JobModel", "Logging"]),

        // The two halves and the plugin host
        .target(name: "PluginHost", dependencies: ["PluginABI", "AWSClient", "Config", "JobModel", "JobStore", "Logging"]),
        // Linked into each Swift plugin library, so it depends on none of the daemon's modules.
        .target(name: "PluginKit", dependencies: ["JSONCore", "PluginABI"]),
        .target(name: "Scheduler", dependencies: ["ScheduleEngine", "JobModel", "JobStore", "AWSClient", "CCrypto", "Logging"]),
        .target(name: "WebAPI", dependencies: ["HTTPServer", "JobModel", "JobStore", "ScheduleEngine", "Logging"]),

        // The executable
        .executableTarget(
            name: "Host",
            dependencies: ["Config", "Logging", "ScheduleEngine", "AWSClient", "HTTPServer", "JobModel", "JobStore",
                           "PluginHost", "Scheduler", "WebAPI"]
        ),

        // Plugins
        .target(name: "SQSTrigger", dependencies: ["PluginKit"], path: "Plugins/SQSTrigger"),
        .target(
            name: "SQLiteStore",
            dependencies: ["PluginABI"],
            path: "Plugins/Stores/SQLite",
            linkerSettings: [.linkedLibrary("sqlite3"), .linkedLibrary("pthread")]
        ),
        .target(name: "S3Store", dependencies: ["PluginKit"], path: "Plugins/Stores/S3"),
        .target(name: "DynamoDBStore", dependencies: ["PluginKit"], path: "Plugins/Stores/DynamoDB"),
        .target(name: "ElasticsearchStore", dependencies: ["PluginKit"], path: "Plugins/Stores/Elasticsearch"),

        // Benchmarks
        .executableTarget(name: "ScheduleBench", dependencies: ["ScheduleEngine"], path: "Benchmarks/ScheduleBench"),
        .target(name: "CFakeECS", path: "Benchmarks/CFakeECS", linkerSettings: [.linkedLibrary("microhttpd")]),
        .executableTarget(name: "SchedulerBench", dependencies: ["Scheduler", "AWSClient", "CFakeECS", "JobModel", "JobStore"],
                          path: "Benchmarks/SchedulerBench"),

        // Tests
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .target(name: "SwiftTestStore", dependencies: ["PluginKit"], path: "Tests/Plugins/SwiftTestStore"),
        .testTarget(name: "LoggingTests", dependencies: ["Logging", "TestSupport"]),
        .testTarget(name: "JobModelTests", dependencies: ["JobModel", "JobStore", "TestSupport"]),
        .testTarget(
            name: "StoreTests",
            dependencies: ["PluginABI", "CSQLite", "AWSClient", "JobModel", "JobStore", "PluginHost", "TestSupport"]
        ),
        .testTarget(
            name: "PluginHostTests",
            dependencies: ["PluginHost", "AWSClient", "JobModel", "JobStore", "Logging", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "JobModel", "Logging", "TestSupport"]),
        .testTarget(name: "WebAPITests", dependencies: ["WebAPI", "HTTPServer", "JobModel", "JobStore", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
        .testTarget(name: "ScheduleEngineTests", dependencies: ["ScheduleEngine"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NextRunsCommandTests", dependencies: ["Host"]),
        .testTarget(name: "AWSClientTests", dependencies: ["AWSClient", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SchedulerTests", dependencies: ["Scheduler", "AWSClient", "JobModel", "JobStore", "Logging", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
