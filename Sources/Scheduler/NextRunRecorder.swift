import Foundation
import Synchronization

/// A thread that writes jobs' `estimatedNextRun` after their schedule changed, off the
/// threads that changed them. A job queued several times before its write is written once.
///
/// # Thread safety
/// `enqueue` and `stop` may be called from any thread.
final class NextRunRecorder: Sendable {
    private struct State {
        var pending: [String] = []
        var queued: Set<String> = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let write: @Sendable (String) -> Void

    /// Starts the thread; `write` records the next run of the job with the given id.
    init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
        let thread = Thread { [self] in
            runLoop()
            finished.signal()
        }
        thread.name = "scheduld-next-run"
        thread.start()
    }

    func enqueue(_ jobID: String) {
        let added = state.withLock { state -> Bool in
            guard !state.stopped, state.queued.insert(jobID).inserted else { return false }
            state.pending.append(jobID)
            return state.pending.count == 1
        }
        if added { available.signal() }
    }

    /// Drops the writes not yet made and waits up to `timeout` seconds for the one in
    /// progress. Jobs whose write was dropped get their next run recorded at their next fire.
    func stop(timeout: TimeInterval) {
        state.withLock {
            $0.stopped = true
            $0.pending = []
            $0.queued = []
        }
        available.signal()
        _ = finished.wait(timeout: .now() + timeout)
    }

    private func runLoop() {
        while true {
            available.wait()
            while true {
                let next = state.withLock { state -> (batch: [String], stopped: Bool) in
                    let batch = state.pending
                    state.pending = []
                    state.queued = []
                    return (batch, state.stopped)
                }
                if next.stopped { return }
                if next.batch.isEmpty { break }
                for jobID in next.batch {
                    if state.withLock({ $0.stopped }) { return }
                    write(jobID)
                }
            }
        }
    }
}
