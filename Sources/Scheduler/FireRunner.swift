import Foundation
import JobModel
import Logging

/// The result of one fire on ECS.
struct FireOutcome: Sendable {
    /// The tasks the fire started.
    var started: [StartedTask] = []
    /// The reason the fire stopped early, if it did.
    var failure: String?
}

/// The reason a fire stopped early.
struct FireError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Performs the ECS side of fires: counts a job's running tasks, gets the desired count from
/// its trigger, and starts the missing ones.
///
/// # Thread safety
/// `run` is called from several worker threads at once; the runner has no mutable state.
struct FireRunner: Sendable {
    /// The maximum number of tasks a fire may leave running when the job sets no `maxCount`.
    static let defaultMaxCount = 50

    let ecs: any ECSOperations
    let triggers: any TriggerService
    let settings: SchedulerSettings
    let gate: ThrottleGate
    let clock: any SchedulerClock
    let logger: Logger
    /// Keeps a job that fails the same way at every fire from writing an ERROR line each time.
    let failures = RepeatedFailureLog()

    /// Runs the fire of `job` scheduled for `scheduledAt`. Errors are logged here and end
    /// the fire; tasks started before the error are still in the outcome.
    func run(_ job: Job, scheduledAt: Date) -> FireOutcome {
        var outcome = FireOutcome()
        do throws(FireError) {
            let cluster = job.cluster ?? settings.cluster
            let running = try countRunningTasks(of: job, cluster: cluster, scheduledAt: scheduledAt)
            let desired = try desiredCount(of: job)
            let missing = desired - running
            guard missing > 0 else {
                if logger.isEnabled(.debug) {
                    logger.debug("no tasks needed", ["job.id": job.id, "fire.scheduled_at": Timestamp.format(scheduledAt),
                                                     "tasks.running": String(running), "tasks.desired": String(desired)])
                }
                return outcome
            }
            try startTasks(of: job, count: missing, cluster: cluster, scheduledAt: scheduledAt, into: &outcome)
            if logger.isEnabled(.info) {
                logger.info("tasks started", ["job.id": job.id, "fire.scheduled_at": Timestamp.format(scheduledAt),
                                              "tasks.started": String(outcome.started.count),
                                              "tasks.requested": String(missing)])
            }
            failures.clear(jobID: job.id)
        } catch {
            outcome.failure = error.description
            logFailure(error, of: job, scheduledAt: scheduledAt, started: outcome.started.count)
        }
        return outcome
    }

    /// Logs a failed fire at ERROR, or at DEBUG when it repeats the job's last failure
    /// within `RepeatedFailureLog.interval`.
    private func logFailure(_ error: FireError, of job: Job, scheduledAt: Date, started: Int) {
        let scheduled = Timestamp.format(scheduledAt)
        guard let repeats = failures.record(jobID: job.id, message: error.description, at: clock.now()) else {
            logger.debug("fire failed again", ["job.id": job.id, "fire.scheduled_at": scheduled, "error": error.description])
            return
        }
        if repeats > 0 {
            logger.error("fire failed", ["job.id": job.id, "fire.scheduled_at": scheduled, "tasks.started": String(started),
                                         "error": error.description, "repeats.not_logged": String(repeats)])
        } else {
            logger.error("fire failed", ["job.id": job.id, "fire.scheduled_at": scheduled, "tasks.started": String(started),
                                         "error": error.description])
        }
    }

    /// Counts the job's tasks whose desired status is RUNNING. For a job with overrides only
    /// tasks carrying its tag count, so several jobs can share one task definition.
    func countRunningTasks(of job: Job, cluster: String, scheduledAt: Date) throws(FireError) -> Int {
        let family = RunTaskRequest.family(of: job.taskDefinition)
        let arns = try call("ListTasks", job: job, scheduledAt: scheduledAt) { () throws(ECSCallError) in
            try ecs.listTasks(cluster: cluster, family: family, desiredStatus: "RUNNING")
        }
        guard let overrides = job.overrides, !overrides.isEmpty, !arns.isEmpty else { return arns.count }
        let tasks = try call("DescribeTasks", job: job, scheduledAt: scheduledAt) { () throws(ECSCallError) in
            try ecs.describeTasks(cluster: cluster, taskARNs: arns)
        }
        return tasks.count { RunTaskRequest.isTagged(task: $0, jobID: job.id) }
    }

    /// Returns the number of tasks that should run after the fire: `min(taskCount, maxCount)`,
    /// or the trigger's desired count capped at `maxCount` (50 when unset).
    func desiredCount(of job: Job) throws(FireError) -> Int {
        let cap = job.maxCount ?? Self.defaultMaxCount
        guard job.trigger != nil else { return min(job.taskCount, cap) }
        do throws(TriggerError) {
            return min(max(try triggers.desiredCount(for: job), 0), cap)
        } catch {
            throw FireError("trigger failed: \(error.message)")
        }
    }

    private func startTasks(of job: Job, count: Int, cluster: String, scheduledAt: Date,
                            into outcome: inout FireOutcome) throws(FireError) {
        for (batch, batchCount) in RunTaskRequest.batchSizes(for: count).enumerated() {
            let token = RunTaskRequest.clientToken(jobID: job.id, scheduledAt: scheduledAt, batch: batch)
            let input = RunTaskRequest.input(job: job, cluster: cluster, startedBy: settings.startedBy,
                                             count: batchCount, clientToken: token)
            let response = try call("RunTask", job: job, scheduledAt: scheduledAt) { () throws(ECSCallError) in
                try ecs.runTask(input)
            }
            outcome.started += response.tasks.compactMap(Self.startedTask)
            for failure in response.failures {
                logStartFailure(failure, job: job, scheduledAt: scheduledAt)
            }
        }
    }

    private static func startedTask(_ task: [String: Any]) -> StartedTask? {
        guard let arn = task["taskArn"] as? String else { return nil }
        return StartedTask(taskId: arn, hostId: task["containerInstanceArn"] as? String)
    }

    private func logStartFailure(_ failure: [String: Any], job: Job, scheduledAt: Date) {
        logger.warning("task start failed", [
            "job.id": job.id,
            "fire.scheduled_at": Timestamp.format(scheduledAt),
            "reason": failure["reason"] as? String ?? "unknown",
            "detail": failure["detail"] as? String ?? "",
            "arn": failure["arn"] as? String ?? "",
        ])
    }

    /// Makes one ECS call. A throttled call waits for the shared backoff and is made again,
    /// until the fire is more than the grace period late. A call that failed with a server or
    /// transport error is made again up to `maxRetries` times.
    private func call<Value>(_ operation: String, job: Job, scheduledAt: Date,
                             _ body: () throws(ECSCallError) -> Value) throws(FireError) -> Value {
        var retries = 0
        while true {
            guard gate.waitWhilePaused() else {
                throw FireError("\(operation) not made: the scheduler is stopping")
            }
            do throws(ECSCallError) {
                let value = try body()
                gate.recordSuccess()
                return value
            } catch {
                if error.isThrottling {
                    try handleThrottling(error, job: job, scheduledAt: scheduledAt)
                } else if error.isRetryable, retries < settings.maxRetries {
                    logger.warning("retrying ECS call", ["job.id": job.id, "operation": operation,
                                                         "error": error.description])
                    pause(settings.retryDelay * Double(1 << retries))
                    retries += 1
                } else {
                    throw FireError(error.description)
                }
            }
        }
    }

    private func handleThrottling(_ error: ECSCallError, job: Job, scheduledAt: Date) throws(FireError) {
        if clock.now().timeIntervalSince(scheduledAt) > settings.missedFireGrace {
            throw FireError("\(error.description) (gave up: the fire is more than the grace period late)")
        }
        if let pause = gate.recordThrottling() {
            logger.warning("ECS throttled a call; pausing all ECS calls", [
                "job.id": job.id, "operation": error.operation, "pause.seconds": String(pause),
            ])
        }
    }

    /// Sleeps for `seconds`, or less when the scheduler stops meanwhile.
    private func pause(_ seconds: TimeInterval) {
        let end = Date().addingTimeInterval(seconds)
        while !gate.isStopped, end.timeIntervalSinceNow > 0 {
            Thread.sleep(forTimeInterval: min(end.timeIntervalSinceNow, 0.05))
        }
    }
}
