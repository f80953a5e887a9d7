import AWSClient
import Foundation
import JobModel
import JobStore
import PluginHost
import Testing
import TestSupport

/// The four store plugins loaded by the daemon's plugin host and used through
/// `PluginJobStore`, as the daemon uses them, against moto and the Elasticsearch emulator.
@Suite(.motoServer, .elasticsearchEmulator) struct PluginJobStoreTests {
    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sqlite, s3, dynamodb, elasticsearch

        var testDescription: String { rawValue }
    }

    let moto: MotoServer
    let elasticsearch: ElasticsearchEmulator
    let plugins: PluginHost
    let folder: URL
    /// A bucket, table, index and file name of this test alone, so tests can share servers.
    let name = "jobs-\(UUID().uuidString.prefix(8).lowercased())"

    init() throws {
        moto = try #require(Emulators.moto)
        elasticsearch = try #require(Emulators.elasticsearch)
        folder = try PackagePaths.temporaryDirectory("plugin-job-store")
        let aws = try AWSClient(environment: [
            "AWS_ENDPOINT_URL": moto.endpoint, "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        ])
        let searchPath = PluginSearchPath(folders: [.init(path: PackagePaths.buildDirectory.path, firstPartyOnly: true)])
        plugins = PluginHost(searchPath: searchPath, settings: ["aws.region": "us-east-1"],
                             network: AWSNetworkServices(client: aws))
    }

    /// Builds the settings the configuration would hand to the store, with an optional page size.
    private func settings(_ kind: Kind, pageSize: Int? = nil) -> [String: Any] {
        var settings: [String: Any]
        switch kind {
        case .sqlite: settings = ["file": folder.appendingPathComponent("\(name).db").path]
        case .s3: settings = ["bucket": name, "prefix": "jobs"]
        case .dynamodb: settings = ["table": name]
        case .elasticsearch: settings = ["index": name, "hosts": [elasticsearch.url]]
        }
        if kind != .sqlite, let pageSize { settings["page_size"] = pageSize }
        return settings
    }

    private func open(_ kind: Kind, pageSize: Int? = nil) throws -> PluginJobStore {
        let plugin = try #require(plugins.stores[kind.rawValue], "the \(kind) plugin is not loaded")
        let data = try JSONSerialization.data(withJSONObject: settings(kind, pageSize: pageSize))
        return try PluginJobStore(plugin: plugin, settingsJSON: String(decoding: data, as: UTF8.self)) { id, json in
            try JobValidator.decodeStored(id: id, json: json)
        }
    }

    /// Writes a document straight into the store, as another daemon or an older tool would.
    private func writeDirectly(_ kind: Kind, id: String, json: String) throws {
        switch kind {
        case .sqlite:
            let file = try SQLiteFile(folder.appendingPathComponent("\(name).db").path)
            try file.execute("INSERT INTO jobs VALUES ('\(id)', '\(json)')")
        case .s3:
            let (status, _) = try MotoClient(endpoint: moto.endpoint).call("s3", "PUT", "/\(name)/jobs/\(id).json", body: Data(json.utf8))
            #expect(status == 200)
        case .dynamodb:
            let (status, _) = try MotoClient(endpoint: moto.endpoint).dynamoDB("PutItem", [
                "TableName": name, "Item": ["job-id": ["S": id], "json-data": ["S": json]],
            ])
            #expect(status == 200)
        case .elasticsearch:
            let source = try JSONSerialization.jsonObject(with: Data(json.utf8))
            let (status, _) = try elasticsearch.call("PUT", "/\(name)/_doc/\(id)?refresh=true", source)
            #expect(status == 201)
        }
    }

    private func sampleJobs() -> [Job] {
        var nightly = Job(id: "nightly", taskDefinition: "report-task", schedule: "0 0 3")
        nightly.timezone = "Europe/Berlin"
        nightly.taskCount = 2
        nightly.maxCount = 5
        nightly.overrides = [ContainerOverride(containerName: "report", environment: ["MODE": "full"])]
        var consumer = Job(id: "consumer-task", taskDefinition: "consumer-task", schedule: "7 */3")
        consumer.trigger = ["type": "sqs", "queueName": "consumer-task-queue", "messagesPerTask": 100]
        consumer.suspended = true
        let sleeper = Job(id: "sleeper-task", taskDefinition: "sleeper-task", schedule: "* */5")
        return [nightly, consumer, sleeper]
    }

    @Test(arguments: Kind.allCases)
    func jobsSurviveReopening(kind: Kind) throws {
        let store = try open(kind)
        var jobs = sampleJobs()
        for job in jobs { try store.create(job) }
        jobs[0].lastRun = Date(timeIntervalSince1970: 1_780_000_000)
        jobs[0].lastRunTasks = [StartedTask(taskId: "arn:aws:ecs:us-east-1:123456789012:task/c/abc", hostId: nil)]
        try store.update(jobs[0])
        try store.delete(id: jobs[2].id)
        store.close()

        let reopened = try open(kind)
        defer { reopened.close() }
        let loaded = try reopened.loadAll()
        #expect(loaded.skipped.isEmpty)
        #expect(loaded.jobs.sorted { $0.id < $1.id } == [jobs[1], jobs[0]])
    }

    @Test(arguments: Kind.allCases)
    func createConflictsWithJobOfAnotherDaemon(kind: Kind) throws {
        let store = try open(kind)
        defer { store.close() }
        try writeDirectly(kind, id: "shared", json: #"{"schedule": "0 0 4", "taskDefinition": "other-daemon"}"#)

        #expect(throws: StoreError.self) { try store.create(Job(id: "shared", taskDefinition: "mine", schedule: "0 0 5")) }
        do {
            try store.create(Job(id: "shared", taskDefinition: "mine", schedule: "0 0 5"))
        } catch {
            #expect(error.code == .conflict)
            #expect(error.message == "Job shared already exists.")
        }
        #expect(try store.loadAll().jobs.map(\.taskDefinition) == ["other-daemon"])
    }

    @Test(arguments: Kind.allCases)
    func deleteOfMissingJobIsNotFound(kind: Kind) throws {
        let store = try open(kind)
        defer { store.close() }

        do {
            try store.delete(id: "ghost")
            Issue.record("deleting a missing job succeeded")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.message == "Job ghost does not exist.")
        }
    }

    @Test(arguments: Kind.allCases)
    func loadAllSkipsDocumentsThatAreNotJobs(kind: Kind) throws {
        let store = try open(kind)
        defer { store.close() }
        try store.create(Job(id: "good", taskDefinition: "good", schedule: "0 */5"))
        try writeDirectly(kind, id: "bad-schedule", json: #"{"schedule": "every tuesday", "taskDefinition": "x"}"#)
        try writeDirectly(kind, id: "no-schedule", json: #"{"taskDefinition": "x"}"#)

        let loaded = try store.loadAll()
        #expect(loaded.jobs.map(\.id) == ["good"])
        #expect(loaded.skipped.map(\.id).sorted() == ["bad-schedule", "no-schedule"])
    }

    @Test(arguments: Kind.allCases)
    func loadAllReadsManyJobs(kind: Kind) throws {
        let store = try open(kind, pageSize: 60)
        defer { store.close() }
        let ids = (0..<250).map { String(format: "job-%03d", $0) }
        DispatchQueue.concurrentPerform(iterations: 5) { worker in
            for id in ids[(worker * 50)..<(worker * 50 + 50)] {
                precondition((try? store.create(Job(id: id, taskDefinition: id, schedule: "0 */5"))) != nil, "create \(id)")
            }
        }

        let loaded = try store.loadAll()
        #expect(loaded.jobs.map(\.id).sorted() == ids)
        #expect(loaded.skipped.isEmpty)
    }

    @Test(arguments: Kind.allCases)
    func invalidSettingsFailOpening(kind: Kind) throws {
        let plugin = try #require(plugins.stores[kind.rawValue])
        do {
            _ = try PluginJobStore(plugin: plugin, settingsJSON: "{}") { id, json in try JobValidator.decodeStored(id: id, json: json) }
            Issue.record("opening with empty settings succeeded")
        } catch {
            #expect(error.code == .invalidSettings)
            #expect(error.message.contains("ECSS_"))
        }
    }
}
