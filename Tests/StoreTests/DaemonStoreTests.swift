import Foundation
import Synchronization
import Testing
import TestSupport

/// The built daemon with each store: the store the configuration picks is the one it opens,
/// and every job the API acknowledged survives a SIGKILL.
@Suite(.motoServer, .elasticsearchEmulator) struct DaemonStoreTests {
    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sqlite, s3, dynamodb, elasticsearch

        var testDescription: String { rawValue }
    }

    let moto: MotoServer
    let elasticsearch: ElasticsearchEmulator
    let folder: URL
    /// A bucket, table, index and file name of this test alone.
    let name = "daemon-\(UUID().uuidString.prefix(8).lowercased())"

    init() throws {
        moto = try #require(Emulators.moto)
        elasticsearch = try #require(Emulators.elasticsearch)
        folder = try PackagePaths.temporaryDirectory("daemon-store")
    }

    /// Builds the environment that picks `kind`, with its emulator's endpoint.
    private func environment(_ kind: Kind) -> [String: String] {
        var environment = ["ECSS_LOG_LEVEL": "INFO", "AWS_ENDPOINT_URL": moto.endpoint]
        switch kind {
        case .sqlite: environment["ECSS_SQLITE_FILE"] = folder.appendingPathComponent("\(name)/jobs.db").path
        case .s3:
            environment["ECSS_S3_BUCKET"] = name
            environment["ECSS_S3_PREFIX"] = "scheduler/jobs/"
        case .dynamodb: environment["ECSS_DYNAMODB_TABLE"] = name
        case .elasticsearch:
            environment["ECSS_ELASTICSEARCH_INDEX"] = name
            environment["ECSS_ELASTICSEARCH_HOSTS"] = "\(elasticsearch.url)/"
        }
        return environment
    }

    /// Reads a job's stored JSON straight from the store, or nil when it is not there.
    private func storedDocument(_ kind: Kind, id: String) throws -> [String: Any]? {
        let text: String?
        switch kind {
        case .sqlite:
            let file = try SQLiteFile(folder.appendingPathComponent("\(name)/jobs.db").path)
            text = try file.strings("SELECT data FROM jobs WHERE id = '\(id)'").first
        case .s3:
            let (status, data) = try MotoClient(endpoint: moto.endpoint).call("s3", "GET", "/\(name)/scheduler/jobs/\(id).json")
            text = status == 200 ? String(decoding: data, as: UTF8.self) : nil
        case .dynamodb:
            let (_, response) = try MotoClient(endpoint: moto.endpoint).dynamoDB("GetItem", [
                "TableName": name, "Key": ["job-id": ["S": id]],
            ])
            text = ((response["Item"] as? [String: Any])?["json-data"] as? [String: Any])?["S"] as? String
        case .elasticsearch:
            let (status, body) = try elasticsearch.call("GET", "/\(name)/_doc/\(id)")
            return status == 200 ? body["_source"] as? [String: Any] : nil
        }
        return try text.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
    }

    @Test(arguments: Kind.allCases)
    func daemonOpensConfiguredStore(kind: Kind) throws {
        let daemon = try DaemonProcess(environment: environment(kind))
        let created = try daemon.send("POST", "/jobs", json: #"{"taskDefinition": "sleeper-task", "schedule": "* */5"}"#)
        _ = daemon.stop()

        #expect(created.status == 201)
        let started = daemon.standardError.split(separator: "\n").first { $0.contains("ecs-scheduler started") }
        #expect(started?.contains("store=\(kind.rawValue)") == true, "\(daemon.standardError)")
        let stored = try storedDocument(kind, id: "sleeper-task")
        #expect(stored?["schedule"] as? String == "* */5")
        #expect(stored?["taskDefinition"] as? String == "sleeper-task")
        #expect(stored?["id"] == nil)
    }

    @Test func configurationFileOpensElasticsearch() throws {
        let file = folder.appendingPathComponent("ecss.yaml")
        try """
            elasticsearch:
              index: \(name)
              client:
                hosts:
                  - host: 127.0.0.1
                    port: \(elasticsearch.port)
                timeout: 60
                retry_on_timeout: true
                max_retries: 10
                sniff_on_start: true
            """.write(to: file, atomically: true, encoding: .utf8)

        let daemon = try DaemonProcess(environment: ["ECSS_LOG_LEVEL": "INFO", "ECSS_CONFIG_FILE": file.path])
        let created = try daemon.send("POST", "/jobs", json: #"{"taskDefinition": "from-yaml", "schedule": "0 0 3"}"#)
        _ = daemon.stop()

        #expect(created.status == 201)
        #expect(daemon.standardError.contains("store=elasticsearch"), "\(daemon.standardError)")
        #expect(daemon.standardError.contains("WARNING:elasticsearch:"))
        #expect(daemon.standardError.contains("Elasticsearch setting client.sniff_on_start is not supported by this store and is ignored"))
        #expect(try storedDocument(.elasticsearch, id: "from-yaml")?["schedule"] as? String == "0 0 3")
    }

    @Test func noStoreWarnsThatJobsAreLost() throws {
        let daemon = try DaemonProcess(environment: [:])
        _ = daemon.stop()

        #expect(daemon.standardError.contains("WARNING:daemon:"))
        #expect(daemon.standardError.contains("no job store configured; jobs live in memory and are lost at exit"))
    }

    /// Creates and updates jobs over the API from one thread while the daemon is killed with
    /// SIGKILL, then restarts it: every job whose create (201) or update (200) was
    /// acknowledged must be there with the acknowledged content.
    @Test(arguments: Kind.allCases)
    func acknowledgedJobsSurviveSIGKILL(kind: Kind) throws {
        let daemon = try DaemonProcess(environment: environment(kind))
        // Per job, the taskCount values the store may hold: the acknowledged one, plus the
        // value of an update still in flight when the kill lands (stored, but with no response yet).
        let acknowledged = Mutex<[String: Set<Int>]>([:])
        let writer = Thread { [daemon] in
            for index in 0..<10_000 {
                let id = String(format: "job-%05d", index)
                guard let created = try? daemon.send("POST", "/jobs", json: "{\"taskDefinition\": \"\(id)\", \"schedule\": \"0 */5\"}"),
                      created.status == 201 else { return }
                acknowledged.withLock { $0[id] = [1] }
                guard index % 3 == 0 else { continue }
                acknowledged.withLock { $0[id] = [1, 4] }
                guard let updated = try? daemon.send("PUT", "/jobs/\(id)", json: #"{"taskCount": 4}"#),
                      updated.status == 200 else { return }
                acknowledged.withLock { $0[id] = [4] }
            }
        }
        writer.start()
        Thread.sleep(forTimeInterval: 1.5)
        _ = daemon.stop(signal: SIGKILL)
        Thread.sleep(forTimeInterval: 0.5)

        let expected = acknowledged.withLock { $0 }
        #expect(expected.count >= 5, "too few writes were acknowledged before the kill to test anything")
        let restarted = try DaemonProcess(environment: environment(kind))
        defer { _ = restarted.stop() }
        #expect(expected.values.filter { $0.count > 1 }.count <= 1, "at most one update is in flight")
        for (id, taskCounts) in expected.sorted(by: { $0.key < $1.key }) {
            let response = try restarted.send("GET", "/jobs/\(id)")
            #expect(response.status == 200, "job \(id) after the restart")
            let job = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
            let taskCount = job?["taskCount"] as? Int ?? 0
            #expect(taskCounts.contains(taskCount), "taskCount of job \(id): \(taskCount), expected one of \(taskCounts.sorted())")
            #expect(job?["taskDefinition"] as? String == id, "taskDefinition of job \(id)")
        }
    }
}
