import Foundation
import JobModel
import Logging
@testable import Scheduler
import Testing

@Suite("Fire runner")
struct FireRunnerTests {
    let ecs = FakeECS()
    let triggers = FixedTriggers()
    let clock = ManualClock(epoch)
    var settings = SchedulerSettings(cluster: "test-cluster", startedBy: "tester")

    init() {
        _ = logCapture
        settings.throttleInitialDelay = 0.01
        settings.throttleMaxDelay = 0.05
        settings.retryDelay = 0.01
        settings.maxRetries = 2
    }

    func runner(gate: ThrottleGate? = nil) -> FireRunner {
        FireRunner(ecs: ecs, triggers: triggers, settings: settings,
                   gate: gate ?? ThrottleGate(initialDelay: 0.01, maxDelay: 0.05), clock: clock,
                   logger: Logger(component: "scheduld"))
    }

    @Test("starts taskCount tasks")
    func startsTaskCount() {
        var job = Job(id: "starts", taskDefinition: "starts-task", schedule: "every 10")
        job.taskCount = 3
        let outcome = runner().run(job, scheduledAt: epoch)
        #expect(outcome.failure == nil)
        #expect(outcome.started.count == 3)
        #expect(outcome.started.allSatisfy { $0.hostId != nil })
        #expect(ecs.listTasksCalls.map(\.family) == ["starts-task"])
        #expect(ecs.listTasksCalls.map(\.cluster) == ["test-cluster"])
        let input = ecs.runTaskInputs.first
        #expect(input?["count"] == 3)
        #expect(input?["startedBy"] == "tester")
        #expect(input?["cluster"] == "test-cluster")
        #expect(input?["clientToken"]?.stringValue == RunTaskRequest.clientToken(jobID: "starts", scheduledAt: epoch, batch: 0))
    }

    @Test("running tasks count against the desired number")
    func runningCount() {
        var job = Job(id: "running", taskDefinition: "running-task:4", schedule: "every 10")
        job.taskCount = 3
        ecs.addRunningTask(family: "running-task")
        ecs.addRunningTask(family: "other-task")
        let outcome = runner().run(job, scheduledAt: epoch)
        #expect(outcome.started.count == 2)
        #expect(ecs.runTaskInputs.first?["count"] == 2)
        #expect(ecs.runTaskInputs.first?["taskDefinition"] == "running-task:4")
        #expect(ecs.describeTasksCalls == 0)

        let again = runner().run(job, scheduledAt: epoch.addingTimeInterval(10))
        #expect(again.started.isEmpty)
        #expect(ecs.runTaskInputs.count == 1)
    }

    @Test("maxCount caps taskCount")
    func maxCountCaps() {
        var job = Job(id: "capped", taskDefinition: "capped", schedule: "every 10")
        job.taskCount = 5
        job.maxCount = 2
        #expect(runner().run(job, scheduledAt: epoch).started.count == 2)
    }

    @Test("jobs with overrides count only their tagged tasks")
    func overridesCountTagged() {
        var job = Job(id: "tagged", taskDefinition: "shared-task", schedule: "every 10")
        job.taskCount = 2
        job.overrides = [ContainerOverride(containerName: "main", environment: ["MODE": "a"])]
        ecs.addRunningTask(family: "shared-task")
        ecs.addRunningTask(family: "shared-task", overrides: ["containerOverrides": [
            ["name": "main", "environment": [["name": "ECS_SCHEDULER_OVERRIDE_TAG", "value": "other-job"]]],
        ]])
        ecs.addRunningTask(family: "shared-task", overrides: ["containerOverrides": [
            ["name": "main", "environment": [["name": "ECS_SCHEDULER_OVERRIDE_TAG", "value": "tagged"]]],
        ]])
        let outcome = runner().run(job, scheduledAt: epoch)
        #expect(ecs.describeTasksCalls == 1)
        #expect(outcome.started.count == 1)

        // The started task carries the tag, so the next fire counts it.
        #expect(runner().run(job, scheduledAt: epoch.addingTimeInterval(10)).started.isEmpty)
    }

    @Test("large counts go in batches of ten")
    func batches() {
        var job = Job(id: "batched", taskDefinition: "batched", schedule: "every 10")
        job.taskCount = 50
        job.maxCount = 25
        let outcome = runner().run(job, scheduledAt: epoch)
        #expect(outcome.started.count == 25)
        #expect(ecs.runTaskInputs.map { $0["count"] } == [10, 10, 5])
        #expect(Set(ecs.runTaskInputs.compactMap { $0["clientToken"]?.stringValue }).count == 3)
    }

    @Test("job cluster overrides the default")
    func jobCluster() {
        var job = Job(id: "elsewhere", taskDefinition: "elsewhere", schedule: "every 10")
        job.cluster = "other-cluster"
        _ = runner().run(job, scheduledAt: epoch)
        #expect(ecs.listTasksCalls.first?.cluster == "other-cluster")
        #expect(ecs.runTaskInputs.first?["cluster"] == "other-cluster")
    }

    @Test("trigger decides the count, capped at maxCount")
    func triggerCount() {
        var job = Job(id: "triggered", taskDefinition: "consumer", schedule: "every 10")
        job.trigger = ["type": "fixed"]
        job.maxCount = 4
        triggers.set(3)
        #expect(runner().run(job, scheduledAt: epoch).started.count == 3)
        ecs.stopAllTasks()
        triggers.set(9)
        #expect(runner().run(job, scheduledAt: epoch.addingTimeInterval(10)).started.count == 4)
        ecs.stopAllTasks()
        triggers.set(0)
        #expect(runner().run(job, scheduledAt: epoch.addingTimeInterval(20)).started.isEmpty)
    }

    @Test("trigger failure ends the fire")
    func triggerFailure() {
        var job = Job(id: "trigger-fails", taskDefinition: "consumer", schedule: "every 10")
        job.trigger = ["type": "fixed"]
        triggers.fail("queue not found")
        let outcome = runner().run(job, scheduledAt: epoch)
        #expect(outcome.failure == "trigger failed: queue not found")
        #expect(ecs.runTaskInputs.isEmpty)
        #expect(logLines("fire failed", jobID: "trigger-fails").count == 1)
    }

    @Test("start failures are logged one per line")
    func startFailures() {
        let job = Job(id: "start-fails", taskDefinition: "start-fails", schedule: "every 10")
        ecs.failEveryStart(reason: "RESOURCE:MEMORY")
        let outcome = runner().run(job, scheduledAt: epoch)
        #expect(outcome.started.isEmpty)
        #expect(outcome.failure == nil)
        let lines = logLines("task start failed", jobID: "start-fails")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("reason=RESOURCE:MEMORY") == true)
    }

    @Test("throttled calls are retried with the same token")
    func throttlingRetried() {
        let job = Job(id: "throttled", taskDefinition: "throttled", schedule: "every 10")
        let throttling = ECSCallError(operation: "RunTask", code: "ThrottlingException", message: "Rate exceeded",
                                      isThrottling: true, isRetryable: true)
        ecs.queueErrors([throttling, throttling], for: "RunTask")
        let outcome = runner().run(job, scheduledAt: epoch)
        #expect(outcome.failure == nil)
        #expect(outcome.started.count == 1)
        let tokens = ecs.runTaskInputs.compactMap { $0["clientToken"]?.stringValue }
        #expect(tokens.count == 3)
        #expect(Set(tokens).count == 1)
    }

    @Test("throttling pauses other jobs' calls")
    func throttlingShared() {
        let gate = ThrottleGate(initialDelay: 0.3, maxDelay: 1)
        #expect(gate.recordThrottling() == 0.3)
        #expect(gate.recordThrottling() == nil)
        let start = Date()
        _ = runner(gate: gate).run(Job(id: "waits", taskDefinition: "waits", schedule: "every 10"), scheduledAt: epoch)
        #expect(Date().timeIntervalSince(start) >= 0.25)
        #expect(ecs.runTaskInputs.count == 1)
    }

    @Test("throttling gives up past the grace period")
    func throttlingGivesUp() {
        let job = Job(id: "throttled-late", taskDefinition: "late", schedule: "every 10")
        clock.set(epoch.addingTimeInterval(3_601))
        ecs.queueErrors([ECSCallError(operation: "ListTasks", code: "ThrottlingException", message: "Rate exceeded",
                                      isThrottling: true)], for: "ListTasks")
        let outcome = runner().run(job, scheduledAt: epoch)
        #expect(outcome.failure?.contains("gave up") == true)
        #expect(ecs.runTaskInputs.isEmpty)
    }

    @Test("server errors are retried a few times")
    func retryableErrors() {
        let job = Job(id: "flaky", taskDefinition: "flaky", schedule: "every 10")
        let unavailable = ECSCallError(operation: "ListTasks", code: "ServerException", message: "try again",
                                       isRetryable: true)
        ecs.queueErrors([unavailable, unavailable], for: "ListTasks")
        #expect(runner().run(job, scheduledAt: epoch).started.count == 1)

        ecs.stopAllTasks()
        ecs.queueErrors([unavailable, unavailable, unavailable], for: "ListTasks")
        let outcome = runner().run(job, scheduledAt: epoch.addingTimeInterval(10))
        #expect(outcome.failure == "ListTasks failed: ServerException: try again")
    }

    @Test("client errors end the fire at once")
    func clientErrors() {
        let job = Job(id: "no-cluster", taskDefinition: "no-cluster", schedule: "every 10")
        ecs.queueErrors([ECSCallError(operation: "RunTask", code: "ClusterNotFoundException",
                                      message: "Cluster not found.")], for: "RunTask")
        let outcome = runner().run(job, scheduledAt: epoch)
        #expect(outcome.failure == "RunTask failed: ClusterNotFoundException: Cluster not found.")
        #expect(ecs.runTaskInputs.count == 1)
        #expect(logLines("fire failed", jobID: "no-cluster").count == 1)
    }
}
