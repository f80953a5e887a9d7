import Foundation

/// A thread that writes what fires did onto their jobs, in the order the fires ended, and
/// then lets each job fire again. Fire workers hand their outcome here and go on to the next
/// fire, so a slow store write never delays another job's ECS calls.
///
/// It also writes `estimatedNextRun` after schedule changes, with lower priority; a job
/// queued several times before its write is written once.
///
/// # Thread safety
/// All methods may be called from any thread.
final class RecordQueue: Sendable {
    /// The outcome of a fire, or nil when the fire made no ECS calls (its job was deleted or
    /// suspended before it started).
    typealias RunRecord = (fire: Fire, outcome: FireOutcome?)

    private struct State {
        var runs = FIFOQueue<RunRecord>()
        var nextRunIDs = FIFOQueue<String>()
        var queuedNextRunIDs: Set<String> = []
        var acceptingNextRuns = true
        /// Set by `stop`: the thread ends once `runs` is empty.
        var stopping = false
    }

    private let state = ConditionLock(State())
    private let finished = DispatchSemaphore(value: 0)
    private let recordRun: @Sendable (RunRecord) -> Void
    private let recordNextRun: @Sendable (String) -> Void

    /// Starts the thread.
    /// - Parameters:
    ///   - recordRun: writes a fire's outcome and lets its job fire again.
    ///   - recordNextRun: writes the next fire time of the job with the given id.
    init(recordRun: @escaping @Sendable (RunRecord) -> Void, recordNextRun: @escaping @Sendable (String) -> Void) {
        self.recordRun = recordRun
        self.recordNextRun = recordNextRun
        let thread = Thread { [self] in
            runLoop()
            finished.signal()
        }
        thread.name = "scheduld-recorder"
        thread.start()
    }

    func enqueueRun(_ record: RunRecord) {
        state.withLock { $0.runs.append(record) }
        state.signal()
    }

    func enqueueNextRun(jobID: String) {
        let added = state.withLock { state -> Bool in
            guard state.acceptingNextRuns, state.queuedNextRunIDs.insert(jobID).inserted else { return false }
            state.nextRunIDs.append(jobID)
            return true
        }
        if added { state.signal() }
    }

    /// Drops the `estimatedNextRun` writes not yet made, writes the queued runs, and waits up
    /// to `timeout` seconds for the thread to end.
    /// - Returns: whether every queued run was written in time.
    func stop(timeout: TimeInterval) -> Bool {
        state.withLock { state in
            state.stopping = true
            state.acceptingNextRuns = false
            state.nextRunIDs.removeAll()
            state.queuedNextRunIDs = []
        }
        state.signal()
        return finished.wait(timeout: .now() + timeout) == .success
    }

    private enum Work {
        case run(RunRecord)
        case nextRun(String)
        case end
    }

    private func runLoop() {
        while true {
            switch take() {
            case .run(let record): recordRun(record)
            case .nextRun(let jobID): recordNextRun(jobID)
            case .end: return
            }
        }
    }

    /// Waits for work and takes it: the next run record, else the next `estimatedNextRun`
    /// write.
    private func take() -> Work {
        state.withLock(when: { !$0.runs.isEmpty || !$0.nextRunIDs.isEmpty || $0.stopping }) { state in
            if let record = state.runs.popFirst() { return .run(record) }
            if state.stopping { return .end }
            let jobID = state.nextRunIDs.popFirst()!
            state.queuedNextRunIDs.remove(jobID)
            return .nextRun(jobID)
        }
    }
}
