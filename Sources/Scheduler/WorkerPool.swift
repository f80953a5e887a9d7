import Foundation

/// A fixed number of threads running submitted work in submission order.
///
/// # Thread safety
/// `submit` and `shutdown` may be called from any thread, including a worker.
final class WorkerPool: Sendable {
    private struct State {
        var queue = FIFOQueue<@Sendable () -> Void>()
        var accepting = true
    }

    let threadCount: Int
    private let state = ConditionLock(State())
    private let running = DispatchGroup()

    /// Starts `threadCount` threads named `name`.
    init(threadCount: Int, name: String) {
        precondition(threadCount > 0, "a worker pool needs at least one thread")
        self.threadCount = threadCount
        for index in 0..<threadCount {
            running.enter()
            let thread = Thread { [self] in
                workLoop()
                running.leave()
            }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Queues `work`.
    /// - Returns: false, without queueing, after `shutdown` was called.
    @discardableResult
    func submit(_ work: @escaping @Sendable () -> Void) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard state.accepting else { return false }
            state.queue.append(work)
            return true
        }
        if accepted { state.signal() }
        return accepted
    }

    /// The number of submitted items no thread has started yet.
    var queuedCount: Int { state.withLock { $0.queue.count } }

    /// Stops accepting work, drops queued items and waits up to `timeout` seconds for the
    /// items already running.
    /// - Returns: the number of dropped items, and whether the running ones finished in time.
    func shutdown(timeout: TimeInterval) -> (dropped: Int, finished: Bool) {
        let dropped = state.withLock { state -> Int in
            state.accepting = false
            let dropped = state.queue.count
            state.queue.removeAll()
            return dropped
        }
        state.broadcast()
        let finished = running.wait(timeout: .now() + timeout) == .success
        return (dropped, finished)
    }

    private func workLoop() {
        while true {
            let work = state.withLock(when: { !$0.queue.isEmpty || !$0.accepting }) { $0.queue.popFirst() }
            guard let work else { return }
            work()
        }
    }
}
