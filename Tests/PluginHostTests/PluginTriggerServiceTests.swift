import Foundation
import JobModel
import PluginHost
import Synchronization
import Testing
import TestSupport

/// Makes a job with `trigger` and the given counts.
func triggeredJob(_ id: String, trigger: [String: JSONValue], taskCount: Int = 1, maxCount: Int? = nil) -> Job {
    var job = Job(id: id, taskDefinition: "worker", schedule: "0 */5")
    job.trigger = trigger
    job.taskCount = taskCount
    job.maxCount = maxCount
    return job
}

/// A flag that one task sets and another reads.
final class Flag: Sendable {
    private let value = Atomic(false)

    func set() {
        value.store(true, ordering: .sequentiallyConsistent)
    }

    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}

@Suite("Plugin trigger service")
struct PluginTriggerServiceTests {
    @Test("file-exists example validates its settings")
    func exampleValidates() throws {
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PluginBuilder.fileExists(into: folder)
        let service = PluginTriggerService(host: makeHost(folder: folder))

        try service.validate(trigger: ["type": "file-exists", "path": "/tmp/ready"])
        #expect(throws: TriggerError.self) { try service.validate(trigger: ["type": "file-exists"]) }
        do {
            try service.validate(trigger: ["type": "file-exists"])
        } catch {
            #expect(error.message == "file-exists trigger requires path")
        }
        do {
            try service.validate(trigger: ["type": "file-exists", "path": "relative/ready"])
            Issue.record("a relative path was accepted")
        } catch {
            #expect(error.message == "file-exists trigger path must be an absolute path, not \"relative/ready\"")
        }
    }

    @Test("file-exists example counts tasks")
    func exampleEvaluates() throws {
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PluginBuilder.fileExists(into: folder)
        let service = PluginTriggerService(host: makeHost(folder: folder))
        let marker = folder.appendingPathComponent("ready")
        let trigger: [String: JSONValue] = ["type": "file-exists", "path": .string(marker.path)]

        #expect(try service.desiredCount(for: triggeredJob("missing", trigger: trigger, taskCount: 4)) == 0)
        try Data().write(to: marker)
        #expect(try service.desiredCount(for: triggeredJob("present", trigger: trigger, taskCount: 4)) == 4)
        #expect(try service.desiredCount(for: triggeredJob("capped", trigger: trigger, taskCount: 4, maxCount: 2)) == 2)
    }

    @Test("unknown type lists loaded types")
    func unknownType() throws {
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PluginBuilder.fileExists(into: folder)
        try PluginBuilder.testTrigger(into: folder, name: "test.so")
        let service = PluginTriggerService(host: makeHost(folder: folder))

        #expect(service.triggerTypes == ["file-exists", "test"])
        do {
            try service.validate(trigger: ["type": "foo"])
            Issue.record("an unknown type was accepted")
        } catch {
            #expect(error.message == "Unknown trigger type \"foo\"; loaded trigger types: file-exists, test")
        }
        do {
            _ = try service.desiredCount(for: triggeredJob("unknown", trigger: ["type": "foo"]))
            Issue.record("an unknown type was evaluated")
        } catch {
            #expect(error.message.hasPrefix("Unknown trigger type \"foo\""))
        }
    }

    @Test("unknown type with no plugins")
    func unknownTypeWithoutPlugins() throws {
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        let service = PluginTriggerService(host: makeHost(folder: folder))

        do {
            try service.validate(trigger: ["type": "sqs", "queueName": "q"])
            Issue.record("a type was accepted with no plugins loaded")
        } catch {
            #expect(error.message == "Unknown trigger type \"sqs\"; no trigger types are loaded")
        }
    }

    @Test("plugin messages reach the caller")
    func pluginMessages() throws {
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PluginBuilder.testTrigger(into: folder, name: "test.so")
        let service = PluginTriggerService(host: makeHost(folder: folder))

        do {
            try service.validate(trigger: ["type": "test", "reject": true])
            Issue.record("the plugin's rejection was lost")
        } catch {
            #expect(error.message == "test trigger rejects reject")
        }
        do {
            _ = try service.desiredCount(for: triggeredJob("throttled", trigger: ["type": "test", "fail": true]))
            Issue.record("the plugin's failure was lost")
        } catch {
            #expect(error.message == "Trigger test failed for job throttled (ECSS_RETRY): queue service throttled the request")
        }
        #expect(try service.desiredCount(for: triggeredJob("counted", trigger: ["type": "test", "count": 7])) == 7)
    }

    @Test("plugin log lines carry the job id")
    func pluginLogs() throws {
        LogCapture.start()
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PluginBuilder.testTrigger(into: folder, name: "test.so", definitions: ["TYPE_NAME=\"logging-test\""])
        let service = PluginTriggerService(host: makeHost(folder: folder))

        _ = try service.desiredCount(for: triggeredJob("logged-job", trigger: ["type": "logging-test"]))

        let lines = LogCapture.lines(containing: "job.id=logged-job")
        #expect(lines.contains { $0.hasPrefix("INFO:logging-test:") && $0.contains("Test trigger evaluated") })
    }

    @Test("hung evaluation fails only its own fire")
    func timeoutFailsOneFire() async throws {
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PluginBuilder.testTrigger(into: folder, name: "test.so")
        let service = PluginTriggerService(host: makeHost(folder: folder), timeout: .seconds(1))
        let slowJob = triggeredJob("slow", trigger: ["type": "test", "sleepMs": 20_000])
        let slowFinished = Flag()

        let slowFire = Task.detached {
            defer { slowFinished.set() }
            return Result { () throws(TriggerError) -> Int in try service.desiredCount(for: slowJob) }
        }
        let fastCount = try service.desiredCount(for: triggeredJob("fast", trigger: ["type": "test", "count": 3]))
        #expect(fastCount == 3)
        #expect(!slowFinished.isSet)

        let slowResult = await slowFire.value
        #expect(throws: TriggerError.self) { try slowResult.get() }
        if case .failure(let error) = slowResult {
            #expect(error.message.contains("did not return within 1 s for job slow"))
        }
        // The plugin still sleeps, so the next fire of the same job fails at once.
        do {
            _ = try service.desiredCount(for: slowJob)
            Issue.record("a second evaluation started while the first still runs")
        } catch {
            #expect(error.message.contains("has not returned from an earlier fire of job slow"))
        }
        #expect(try service.desiredCount(for: triggeredJob("fast", trigger: ["type": "test", "count": 2])) == 2)
    }

    @Test("shutdown stops evaluations")
    func shutdownStops() throws {
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PluginBuilder.testTrigger(into: folder, name: "test.so")
        let host = makeHost(folder: folder)
        let service = PluginTriggerService(host: host)

        host.shutdown()

        #expect(throws: TriggerError.self) {
            try service.desiredCount(for: triggeredJob("late", trigger: ["type": "test"]))
        }
    }
}
