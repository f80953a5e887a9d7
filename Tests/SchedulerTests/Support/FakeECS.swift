import Foundation
import JobModel
import Scheduler
import Synchronization

/// An in-memory ECS for the scheduler's unit tests: it stores the tasks it started, lists
/// and describes them, and can be set to fail or to block `RunTask` calls.
final class FakeECS: ECSOperations {
    struct Task {
        var arn: String
        var family: String
        var cluster: String
        var overrides: JSONValue
    }

    private struct State {
        var tasks: [Task] = []
        var runTaskInputs: [JSONValue] = []
        var listTasksCalls: [(cluster: String, family: String)] = []
        var describeTasksCalls = 0
        var queuedErrors: [String: [ECSCallError]] = [:]
        var failuresPerRunTask: [[String: String]] = []
        var startsNothing = false
        var tasksEndAtOnce = false
        var holdRunTask = false
        var heldCalls = 0
        var concurrentRunTasks = 0
        var maxConcurrentRunTasks = 0
    }

    private let state = Mutex(State())
    private let release = DispatchSemaphore(value: 0)

    // MARK: Set-up

    /// Makes the next calls of `operation` throw these errors, in order.
    func queueErrors(_ errors: [ECSCallError], for operation: String) {
        state.withLock { $0.queuedErrors[operation, default: []] += errors }
    }

    /// Makes every `RunTask` call report these failures besides its tasks.
    func setFailures(_ failures: [[String: String]]) {
        state.withLock { $0.failuresPerRunTask = failures }
    }

    /// Makes every `RunTask` call start no task and report one failure per requested task.
    func failEveryStart(reason: String) {
        state.withLock {
            $0.startsNothing = true
            $0.failuresPerRunTask = [["arn": "arn:aws:ecs:us-east-1:123456789012:container-instance/x", "reason": reason]]
        }
    }

    /// Makes tasks started from now on end at once, so they never count as running.
    func endTasksAtOnce() {
        state.withLock { $0.tasksEndAtOnce = true }
    }

    /// Stops every task, as `StopTask` would.
    func stopAllTasks() {
        state.withLock { $0.tasks = [] }
    }

    /// Adds a running task as if started outside the scheduler.
    func addRunningTask(family: String, cluster: String = "test-cluster", overrides: JSONValue = [:]) {
        state.withLock { state in
            let arn = "arn:aws:ecs:us-east-1:123456789012:task/\(cluster)/external-\(state.tasks.count)"
            state.tasks.append(Task(arn: arn, family: family, cluster: cluster, overrides: overrides))
        }
    }

    /// Makes `RunTask` calls wait until `releaseHeldCalls()`.
    func holdRunTasks() {
        state.withLock { $0.holdRunTask = true }
    }

    func releaseHeldCalls() {
        let held = state.withLock { state -> Int in
            state.holdRunTask = false
            return state.heldCalls
        }
        for _ in 0..<held { release.signal() }
    }

    // MARK: Observations

    var runTaskInputs: [JSONValue] { state.withLock { $0.runTaskInputs } }
    var heldCalls: Int { state.withLock { $0.heldCalls } }
    var tasks: [Task] { state.withLock { $0.tasks } }
    var listTasksCalls: [(cluster: String, family: String)] { state.withLock { $0.listTasksCalls } }
    var describeTasksCalls: Int { state.withLock { $0.describeTasksCalls } }
    var maxConcurrentRunTasks: Int { state.withLock { $0.maxConcurrentRunTasks } }

    /// Returns the `RunTask` inputs for `taskDefinition`.
    func runTaskInputs(taskDefinition: String) -> [JSONValue] {
        runTaskInputs.filter { $0["taskDefinition"]?.stringValue == taskDefinition }
    }

    // MARK: ECSOperations

    func listTasks(cluster: String, family: String, desiredStatus: String) throws(ECSCallError) -> [String] {
        try takeError(for: "ListTasks")
        return state.withLock { state in
            state.listTasksCalls.append((cluster, family))
            return state.tasks.filter { $0.family == family && $0.cluster == cluster }.map(\.arn)
        }
    }

    func describeTasks(cluster: String, taskARNs: [String]) throws(ECSCallError) -> [[String: Any]] {
        try takeError(for: "DescribeTasks")
        return state.withLock { state in
            state.describeTasksCalls += 1
            return state.tasks.filter { taskARNs.contains($0.arn) }.map {
                ["taskArn": $0.arn, "overrides": $0.overrides.foundationObject]
            }
        }
    }

    func runTask(_ input: [String: Any]) throws(ECSCallError) -> (tasks: [[String: Any]], failures: [[String: Any]]) {
        let value = JSONValue(foundation: input) ?? .null
        let hold = state.withLock { state -> Bool in
            state.runTaskInputs.append(value)
            state.concurrentRunTasks += 1
            state.maxConcurrentRunTasks = max(state.maxConcurrentRunTasks, state.concurrentRunTasks)
            if state.holdRunTask { state.heldCalls += 1 }
            return state.holdRunTask
        }
        if hold { release.wait() }
        defer { state.withLock { $0.concurrentRunTasks -= 1 } }
        try takeError(for: "RunTask")

        let cluster = value["cluster"]?.stringValue ?? ""
        let taskDefinition = value["taskDefinition"]?.stringValue ?? ""
        let family = String(taskDefinition.split(separator: ":").first ?? "")
        let count = value["count"]?.intValue ?? 1
        let overrides = value["overrides"] ?? [:]
        return state.withLock { state in
            if state.startsNothing {
                return ([], Array(repeating: state.failuresPerRunTask.first ?? [:], count: count))
            }
            var started: [[String: Any]] = []
            for index in 0..<count {
                let arn = "arn:aws:ecs:us-east-1:123456789012:task/\(cluster)/\(state.runTaskInputs.count)-\(index)"
                if !state.tasksEndAtOnce {
                    state.tasks.append(Task(arn: arn, family: family, cluster: cluster, overrides: overrides))
                }
                var task: [String: Any] = ["taskArn": arn]
                if value["launchType"]?.stringValue != "FARGATE" {
                    task["containerInstanceArn"] = "arn:aws:ecs:us-east-1:123456789012:container-instance/\(cluster)/1"
                }
                started.append(task)
            }
            return (started, state.failuresPerRunTask)
        }
    }

    private func takeError(for operation: String) throws(ECSCallError) {
        let error = state.withLock { state -> ECSCallError? in
            guard var queued = state.queuedErrors[operation], !queued.isEmpty else { return nil }
            let error = queued.removeFirst()
            state.queuedErrors[operation] = queued
            return error
        }
        if let error { throw error }
    }
}
