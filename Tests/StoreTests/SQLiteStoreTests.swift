import CSQLite
import Foundation
import PluginABI
import Testing
import TestSupport

/// The SQLite store plugin, loaded from libecss-store-sqlite.so and driven through its hooks.
@Suite struct SQLiteStoreTests {
    let plugin: StorePluginLibrary
    let folder: URL

    init() throws {
        plugin = try StorePluginLibrary(name: "ecss-store-sqlite")
        folder = try PackagePaths.temporaryDirectory("sqlite-store")
    }

    private func settings(_ path: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: ["file": path])
        return String(decoding: data, as: UTF8.self)
    }

    private func openStore(_ name: String = "jobs.db") throws -> (OpenedStore, String) {
        let path = folder.appendingPathComponent(name).path
        return (try plugin.openOrThrow(settings: settings(path)), path)
    }

    @Test func descriptorNamesStore() {
        let descriptor = plugin.descriptor.pointee
        #expect(descriptor.magic == ECSS_PLUGIN_MAGIC)
        #expect(descriptor.kind == ECSS_KIND_STORE.rawValue)
        #expect(String(cString: descriptor.type_name) == "sqlite")
        #expect(descriptor.abi_major == ECSS_ABI_MAJOR)
        #expect(descriptor.trigger == nil)
    }

    @Test func openCreatesFileFoldersAndTable() throws {
        let (store, path) = try openStore("a/b/jobs.db")
        defer { store.close() }

        #expect(FileManager.default.fileExists(atPath: path))
        let messages = store.logLines.map(\.message)
        #expect(messages.contains("Created folder \(folder.path)/a for the SQLite store"))
        #expect(messages.contains("Created folder \(folder.path)/a/b for the SQLite store"))
        #expect(messages.contains { $0 == "Created SQLite file \(path)" })
        #expect(messages.contains { $0 == "Created table jobs in SQLite file \(path)" })
        let schema = try SQLiteFile(path).strings("SELECT sql FROM sqlite_master WHERE name = 'jobs'")
        #expect(schema == ["CREATE TABLE jobs(id TEXT PRIMARY KEY NOT NULL, data JSONTEXT NOT NULL)"])
    }

    @Test func openUsesWALMode() throws {
        let (store, path) = try openStore()
        defer { store.close() }

        #expect(try SQLiteFile(path).strings("PRAGMA journal_mode") == ["wal"])
    }

    @Test func reopenKeepsJobsAndCreatesNothing() throws {
        let (store, path) = try openStore()
        #expect(store.create("nightly", #"{"schedule":"0 0 3","taskDefinition":"nightly"}"#).status == ECSS_OK)
        store.close()

        let reopened = try plugin.openOrThrow(settings: settings(path))
        defer { reopened.close() }
        #expect(try reopened.loadAllObjects()["nightly"]?["schedule"] as? String == "0 0 3")
        #expect(!reopened.logLines.contains { $0.message.hasPrefix("Created") })
    }

    @Test func createGetUpdateDelete() throws {
        let (store, _) = try openStore()
        defer { store.close() }
        let original = #"{"schedule":"* */5","taskCount":1,"taskDefinition":"sleeper-task"}"#
        let changed = #"{"schedule":"9 */5","taskCount":3,"taskDefinition":"sleeper-task"}"#

        #expect(store.create("sleeper-task", original).status == ECSS_OK)
        #expect(store.get("sleeper-task").json == original)

        #expect(store.update("sleeper-task", changed).status == ECSS_OK)
        #expect(store.get("sleeper-task").json == changed)

        #expect(store.delete("sleeper-task").status == ECSS_OK)
        let missing = store.get("sleeper-task")
        #expect(missing.result.status == ECSS_NOT_FOUND)
        #expect(missing.result.message == "Job sleeper-task does not exist.")
        #expect(try store.loadAllObjects().isEmpty)
    }

    @Test func createConflictsOnExistingID() throws {
        let (store, _) = try openStore()
        defer { store.close() }

        #expect(store.create("job-1", #"{"taskCount":1}"#).status == ECSS_OK)
        let second = store.create("job-1", #"{"taskCount":2}"#)
        #expect(second.status == ECSS_CONFLICT)
        #expect(second.message == "Job job-1 already exists.")
        #expect(store.get("job-1").json == #"{"taskCount":1}"#)
    }

    @Test func createConflictsWithRowOfAnotherProcess() throws {
        let (store, path) = try openStore()
        defer { store.close() }

        try SQLiteFile(path).execute(#"INSERT INTO jobs VALUES ('shared', '{"taskCount": 7}')"#)
        #expect(store.create("shared", #"{"taskCount":1}"#).status == ECSS_CONFLICT)
        #expect(store.get("shared").json == #"{"taskCount": 7}"#)
    }

    @Test func updateAndDeleteOfMissingJob() throws {
        let (store, _) = try openStore()
        defer { store.close() }

        let update = store.update("ghost", "{}")
        #expect(update.status == ECSS_NOT_FOUND)
        #expect(update.message == "Job ghost does not exist.")
        #expect(store.delete("ghost").status == ECSS_NOT_FOUND)
        #expect(try store.loadAllObjects().isEmpty)
    }

    @Test func oddIDsRoundTrip() throws {
        let (store, _) = try openStore()
        defer { store.close() }
        let ids = ["it's", "a\"b", "100%", "../x", "ümlaut-ジョブ", "with space", "a;DROP TABLE jobs"]

        for id in ids {
            #expect(store.create(id, #"{"taskCount":1}"#).status == ECSS_OK, "create \(id)")
        }
        #expect(Set(try store.loadAllObjects().keys) == Set(ids))
    }

    @Test func loadsDatabaseOfOriginalTool() throws {
        let path = folder.appendingPathComponent("python.db").path
        try writeDatabaseAsOriginalTool(path: path, jobs: [
            "sleeper-task": ["taskDefinition": "sleeper-task", "schedule": "* */5", "taskCount": 1],
            "consumer-task": [
                "taskDefinition": "consumer-task", "schedule": "7 */3",
                "trigger": ["type": "sqs", "queueName": "consumer-task-queue", "messagesPerTask": 100],
            ],
        ])

        let store = try plugin.openOrThrow(settings: settings(path))
        defer { store.close() }
        let jobs = try store.loadAllObjects()
        #expect(jobs.keys.sorted() == ["consumer-task", "sleeper-task"])
        #expect(jobs["sleeper-task"]?["schedule"] as? String == "* */5")
        #expect((jobs["consumer-task"]?["trigger"] as? [String: Any])?["queueName"] as? String == "consumer-task-queue")
        #expect(!store.logLines.contains { $0.message.hasPrefix("Created table") })
        #expect(store.create("sleeper-task", "{}").status == ECSS_CONFLICT)
    }

    @Test func loadAllSkipsRowsThatAreNotJSON() throws {
        let (store, path) = try openStore()
        defer { store.close() }
        let file = try SQLiteFile(path)
        try file.execute(#"INSERT INTO jobs VALUES ('broken', '{"taskCount": ')"#)
        try file.execute(#"INSERT INTO jobs VALUES ('not-a-job', '[1, 2]')"#)
        try file.execute(#"INSERT INTO jobs VALUES ('good', '{"taskCount": 1}')"#)

        let (jobs, result) = store.loadAll()
        #expect(result.status == ECSS_OK)
        #expect(jobs.map(\.id) == ["good", "not-a-job"])
        let skipped = store.logLines.filter { $0.jobID == "broken" }
        #expect(skipped.count == 1)
        #expect(skipped.first?.level == Int32(ECSS_LOG_ERROR.rawValue))
        #expect(skipped.first?.message.contains("not JSON") == true)
    }

    @Test func loadAllStopsWhenVisitorFails() throws {
        let (store, _) = try openStore()
        defer { store.close() }
        for index in 0..<3 { _ = store.create("job-\(index)", "{}") }

        var error: UnsafeMutablePointer<CChar>?
        let status = store.hooks.on_load_all(store.store, { _, _, _ in ECSS_ERROR }, nil, &error)
        #expect(status == ECSS_ERROR)
        free(error)
    }

    @Test func concurrentWritesFromManyThreads() throws {
        let (store, _) = try openStore()
        defer { store.close() }
        let threads = 8
        let jobsPerThread = 50

        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<jobsPerThread {
                let id = "thread-\(thread)-job-\(index)"
                precondition(store.create(id, #"{"taskCount":1}"#).status == ECSS_OK, "create \(id)")
                precondition(store.update(id, #"{"taskCount":2}"#).status == ECSS_OK, "update \(id)")
                if index % 5 == 0 {
                    precondition(store.delete(id).status == ECSS_OK, "delete \(id)")
                }
            }
        }

        let jobs = try store.loadAllObjects()
        #expect(jobs.count == threads * jobsPerThread * 4 / 5)
        #expect(jobs.values.allSatisfy { $0["taskCount"] as? Int == 2 })
    }

    @Test func twoConnectionsCreateOneIDOnce() throws {
        let (first, path) = try openStore()
        defer { first.close() }
        let second = try plugin.openOrThrow(settings: settings(path))
        defer { second.close() }

        let results = [first, second].map { $0.create("contested", "{}").status }
        #expect(results.filter { $0 == ECSS_OK }.count == 1)
        #expect(results.filter { $0 == ECSS_CONFLICT }.count == 1)
    }

    @Test func missingFileSettingIsInvalid() {
        let (store, result) = plugin.open(settings: "{}")
        #expect(store == nil)
        #expect(result.status == ECSS_INVALID)
        #expect(result.message?.contains("ECSS_SQLITE_FILE") == true)
    }

    @Test func settingsThatAreNotAnObjectAreInvalid() {
        let (store, result) = plugin.open(settings: "[1]")
        #expect(store == nil)
        #expect(result.status == ECSS_INVALID)
    }

    @Test func fileBelowRegularFileFails() throws {
        let blocker = folder.appendingPathComponent("blocker")
        try Data().write(to: blocker)
        let (store, result) = plugin.open(settings: settings(blocker.path + "/jobs.db"))
        #expect(store == nil)
        #expect(result.status == ECSS_ERROR)
        #expect(result.message?.contains("is not a folder") == true)
    }

    @Test func foreignTableIsInvalid() throws {
        let path = folder.appendingPathComponent("foreign.db").path
        try SQLiteFile(path).execute("CREATE TABLE jobs(name TEXT, payload TEXT)")

        let (store, result) = plugin.open(settings: settings(path))
        #expect(store == nil)
        #expect(result.status == ECSS_INVALID)
        #expect(result.message?.contains("not an ecs-scheduler table") == true)
    }

    /// Writes a database the way the original Python ecs-scheduler did: its table statement,
    /// Python's sqlite3 module and `json.dumps(data, sort_keys=True)`.
    private func writeDatabaseAsOriginalTool(path: String, jobs: [String: [String: Any]]) throws {
        let jobsJSON = String(decoding: try JSONSerialization.data(withJSONObject: jobs), as: UTF8.self)
        let script = """
            import json, sqlite3, sys
            conn = sqlite3.connect(sys.argv[1], isolation_level=None)
            conn.execute("CREATE TABLE IF NOT EXISTS jobs(id TEXT PRIMARY KEY NOT NULL, data JSONTEXT NOT NULL)")
            for job_id, data in json.loads(sys.argv[2]).items():
                conn.execute("INSERT INTO jobs VALUES (?, ?)", (job_id, json.dumps(data, sort_keys=True)))
            conn.close()
            """
        let process = Process()
        process.executableURL = PackagePaths.venvBin.appendingPathComponent("python3")
        process.arguments = ["-c", script, path, jobsJSON]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSupportError("python3 could not write \(path): exit \(process.terminationStatus)")
        }
    }
}

/// A direct connection to a SQLite file, standing in for another process.
final class SQLiteFile {
    private var db: OpaquePointer?

    init(_ path: String) throws {
        guard sqlite3_open(path, &db) == SQLITE_OK else {
            throw TestSupportError("cannot open \(path): \(String(cString: sqlite3_errmsg(db)))")
        }
        sqlite3_busy_timeout(db, 5000)
    }

    deinit { sqlite3_close(db) }

    func execute(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw TestSupportError("\(sql) failed: \(String(cString: sqlite3_errmsg(db)))")
        }
    }

    /// The first column of every row `sql` returns, as text.
    func strings(_ sql: String) throws -> [String] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw TestSupportError("\(sql) failed: \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        var rows: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "")
        }
        return rows
    }
}
