import Foundation
import JobModel
import JobStore
import Logging
import Synchronization

/// scheduld: fires every job of a `JobRegistry` at its schedule's times and starts its ECS
/// tasks.
///
/// One timer thread keeps every job's next fire time in a heap and sleeps until the earliest.
/// Changes to the registry wake it early. Due fires go to a pool of worker threads that make
/// the ECS calls, so a slow call delays no other job. Each fire records `lastRun` (when it
/// started tasks), `lastRunTasks` and `estimatedNextRun` on the job through the registry.
///
/// # Thread safety
/// All methods may be called from any thread.
public final class Scheduler: Sendable {
    private enum Lifecycle {
        case idle
        case running
        case stopped
    }

    let registry: JobRegistry
    let settings: SchedulerSettings
    let clock: any SchedulerClock
    let logger = Logger(component: "scheduld")

    let state: Mutex<SchedulerState>
    private let lifecycle = Mutex(Lifecycle.idle)
    /// Signalled when the timer thread should look at the heap again before its deadline.
    private let wake = DispatchSemaphore(value: 0)
    private let timerFinished = DispatchSemaphore(value: 0)
    private let gate: ThrottleGate
    private let runner: FireRunner
    private let pool: Mutex<WorkerPool?> = Mutex(nil)
    private let records: Mutex<RecordQueue?> = Mutex(nil)

    /// Creates a scheduler; it does nothing until `start()`.
    /// - Parameters:
    ///   - registry: the jobs to fire, already loaded from the store.
    ///   - ecs: the ECS calls of fires.
    ///   - fireTimes: compiles job schedules.
    ///   - triggers: the desired task counts of jobs with a trigger.
    ///   - settings: cluster, `startedBy`, worker count and retry policy.
    ///   - clock: the time source; tests pass one they control.
    public init(registry: JobRegistry, ecs: any ECSOperations, fireTimes: any FireTimeCalculator,
                triggers: any TriggerService, settings: SchedulerSettings, clock: any SchedulerClock = SystemClock()) {
        self.registry = registry
        self.settings = settings
        self.clock = clock
        state = Mutex(SchedulerState(calculator: fireTimes, missedFireGrace: settings.missedFireGrace))
        gate = ThrottleGate(initialDelay: settings.throttleInitialDelay, maxDelay: settings.throttleMaxDelay)
        runner = FireRunner(ecs: ecs, triggers: triggers, settings: settings, gate: gate, clock: clock,
                            logger: logger)
    }

    /// Loads every job of the registry, follows its changes from now on and starts the timer
    /// and worker threads. Jobs resume from their last fire (see `SchedulerState.load`).
    ///
    /// - Important: Call once; later calls do nothing.
    public func start() {
        let starting = lifecycle.withLock { lifecycle -> Bool in
            guard case .idle = lifecycle else { return false }
            lifecycle = .running
            return true
        }
        guard starting else { return }

        pool.withLock { $0 = WorkerPool(threadCount: settings.workerCount, name: "scheduld-worker") }
        records.withLock {
            $0 = RecordQueue(recordRun: { [self] in finish($0) }, recordNextRun: { [self] in recordNextRun(jobID: $0) })
        }
        clock.onAdvance { [wake] in wake.signal() }

        // Follow changes before taking the snapshot, so none is lost in between; a change
        // that arrives before the snapshot is applied wins over it.
        registry.observe { [weak self] change in self?.handle(change) }
        let jobs = registry.allJobs()
        let actions = state.withLock { $0.load(jobs, now: clock.now()) }
        perform(actions)
        logger.info("scheduler started", ["jobs": String(jobs.count), "workers": String(settings.workerCount)])

        let timer = Thread { [self] in
            timerLoop()
            timerFinished.signal()
        }
        timer.name = "scheduld-timer"
        timer.start()
    }

    /// Returns the time the scheduler will next fire the job, or nil when the job is unknown
    /// or its schedule has no further fire time. A suspended job keeps the time it had.
    public func nextFireTime(ofJob id: String) -> Date? {
        guard case .scheduled(let next) = state.withLock({ $0.nextRun(ofJob: id) }) else { return nil }
        return next
    }

    /// Stops firing: no new fire starts, queued fires are dropped (they run at the next start,
    /// within the grace period), and fires in flight get up to `timeout` seconds to finish and
    /// record their runs.
    /// - Returns: true when every fire in flight finished in time.
    @discardableResult
    public func stop(timeout: TimeInterval = 30) -> Bool {
        let stopping = lifecycle.withLock { lifecycle -> Bool in
            guard case .running = lifecycle else {
                lifecycle = .stopped
                return false
            }
            lifecycle = .stopped
            return true
        }
        guard stopping else { return true }

        let deadline = Date().addingTimeInterval(timeout)
        wake.signal()
        _ = timerFinished.wait(timeout: .now() + max(0, deadline.timeIntervalSinceNow))
        // Fires waiting out a throttling pause give up; fires making calls finish.
        gate.stop()
        let pool = self.pool.withLock { $0 }
        var result = pool?.shutdown(timeout: max(0, deadline.timeIntervalSinceNow)) ?? (dropped: 0, finished: true)
        let recorded = records.withLock { $0 }?.stop(timeout: max(0, deadline.timeIntervalSinceNow)) ?? true
        result.finished = result.finished && recorded
        if result.finished {
            logger.info("scheduler stopped", ["fires.dropped": String(result.dropped)])
        } else {
            logger.warning("scheduler stopped with fires still in flight", [
                "fires.dropped": String(result.dropped), "timeout.seconds": String(timeout),
            ])
        }
        return result.finished
    }

    private var isRunning: Bool {
        lifecycle.withLock { if case .running = $0 { true } else { false } }
    }

    // MARK: Timer

    private func timerLoop() {
        while isRunning {
            let (actions, deadline) = state.withLock { state in
                (state.takeDue(now: clock.now()), state.nextDeadline)
            }
            perform(actions)
            guard isRunning else { return }
            sleep(until: deadline)
        }
    }

    /// Sleeps until `deadline` or a signal. The sleep is capped at a minute, so that a jump
    /// of the wall clock delays fires by a minute at most.
    private func sleep(until deadline: Date?) {
        guard let deadline, let delay = clock.realDelay(until: deadline) else {
            wake.wait()
            return
        }
        _ = wake.wait(timeout: .now() + min(delay, 60))
    }

    /// Applies a registry change and wakes the timer when the change made a fire earlier
    /// than the one it sleeps for.
    private func handle(_ change: JobChange) {
        guard isRunning else { return }
        let actions = updateState { $0.apply(change, now: clock.now()) }
        perform(actions)
    }

    /// Runs `body` on the state and signals the timer when the earliest deadline moved up.
    private func updateState(_ body: (inout SchedulerState) -> [SchedulerAction]) -> [SchedulerAction] {
        let (actions, earlier) = state.withLock { state in
            let before = state.nextDeadline
            let actions = body(&state)
            let after = state.nextDeadline
            let earlier = after.map { after in before.map { after < $0 } ?? true } ?? false
            return (actions, earlier)
        }
        if earlier { wake.signal() }
        return actions
    }

    private func perform(_ actions: [SchedulerAction]) {
        for action in actions {
            switch action {
            case .fire(let fire):
                submit(fire)
            case .logMissed(let jobID, let firstMissed):
                logger.warning("missed fire skipped", [
                    "job.id": jobID, "fire.scheduled_at": Timestamp.format(firstMissed),
                    "grace.seconds": String(Int(settings.missedFireGrace)),
                ])
            case .recordNextRun(let jobID):
                records.withLock { $0 }?.enqueueNextRun(jobID: jobID)
            case .logInvalidSchedule(let jobID, let message):
                logger.error("invalid schedule; the job will not fire", ["job.id": jobID, "error": message])
            }
        }
    }

    // MARK: Fires

    private func submit(_ fire: Fire) {
        let accepted = pool.withLock { $0 }?.submit { [self] in execute(fire) } ?? false
        if !accepted {
            // Stopping: the fire runs at the next start, from the job's estimatedNextRun.
            _ = state.withLock { $0.finishFire(fire, now: clock.now()) }
        }
    }

    /// Runs the ECS calls of one fire on a worker thread and queues its outcome for the
    /// record thread, which lets the job fire again.
    private func execute(_ fire: Fire) {
        var outcome: FireOutcome?
        if let job = registry.job(id: fire.jobID), !job.suspended,
           state.withLock({ $0.nextRun(for: fire) }) != .gone {
            outcome = runner.run(job, scheduledAt: fire.scheduledAt)
        }
        guard let records = records.withLock({ $0 }) else { return }
        records.enqueueRun((fire, outcome))
    }

    /// Records a fire's outcome, then lets its job fire again (on the record thread).
    private func finish(_ record: RecordQueue.RunRecord) {
        if let outcome = record.outcome {
            self.record(record.fire, outcome: outcome)
        }
        let actions = updateState { $0.finishFire(record.fire, now: clock.now()) }
        perform(actions)
    }

    /// Writes the fire's run onto the latest version of its job: `lastRun` and
    /// `lastRunTasks` when it started tasks, and `estimatedNextRun`. Nothing is written onto
    /// a job deleted since the fire started, nor when nothing changed.
    private func record(_ fire: Fire, outcome: FireOutcome) {
        let startedTasks = !outcome.started.isEmpty
        if !startedTasks, let job = registry.job(id: fire.jobID),
           state.withLock({ $0.nextRun(for: fire) }) == .scheduled(job.estimatedNextRun) {
            return
        }
        do throws(StoreError) {
            try registry.update(id: fire.jobID) { job throws(StoreError) in
                guard case .scheduled(let next) = state.withLock({ $0.nextRun(for: fire) }) else {
                    throw StoreError(.notFound, "Job \(fire.jobID) was deleted during its fire.")
                }
                if startedTasks {
                    job.lastRun = fire.scheduledAt
                    job.lastRunTasks = outcome.started
                }
                job.estimatedNextRun = next
            }
        } catch where error.code == .notFound {
            logger.info("job deleted during its fire; run not recorded", ["job.id": fire.jobID])
        } catch {
            logger.error("recording the run failed", ["job.id": fire.jobID, "error": error.message])
        }
    }

    /// Writes the job's next fire time into its `estimatedNextRun` when it differs.
    private func recordNextRun(jobID: String) {
        guard case .scheduled(let next) = state.withLock({ $0.nextRun(ofJob: jobID) }),
              let job = registry.job(id: jobID), job.estimatedNextRun != next else { return }
        do throws(StoreError) {
            try registry.update(id: jobID) { job throws(StoreError) in
                guard case .scheduled(let next) = state.withLock({ $0.nextRun(ofJob: jobID) }) else {
                    throw StoreError(.notFound, "Job \(jobID) was deleted.")
                }
                job.estimatedNextRun = next
            }
        } catch where error.code == .notFound {
            return
        } catch {
            logger.error("recording the next run failed", ["job.id": jobID, "error": error.message])
        }
    }
}
