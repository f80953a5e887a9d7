import Foundation
import Synchronization

/// A fixed number of threads running submitted work in submission order.
///
/// # Thread safety
/// `submit` and `shutdown` may be called from any thread, including a worker.
final class WorkerPool: Sendable {
    private struct State {
        var queue: [@Sendable () -> Void] = []
        /// The index in `queue` of the next work item; items before it have been taken.
        var head = 0
        var accepting = true

        mutating func take() -> (@Sendable () -> Void)? {
            guard head < queue.count else { return nil }
            let work = queue[head]
            head += 1
            if head >= 1024, head * 2 >= queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return work
        }
    }

    let threadCount: Int
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
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
        if accepted { available.signal() }
        return accepted
    }

    /// The number of submitted items no thread has started yet.
    var queuedCount: Int { state.withLock { $0.queue.count - $0.head } }

    /// Stops accepting work, drops queued items and waits up to `timeout` seconds for the
    /// items already running.
    /// - Returns: the number of dropped items, and whether the running ones finished in time.
    func shutdown(timeout: TimeInterval) -> (dropped: Int, finished: Bool) {
        let dropped = state.withLock { state -> Int in
            state.accepting = false
            let dropped = state.queue.count - state.head
            state.queue = []
            state.head = 0
            return dropped
        }
        for _ in 0..<threadCount { available.signal() }
        let finished = running.wait(timeout: .now() + timeout) == .success
        return (dropped, finished)
    }

    private func workLoop() {
        while true {
            available.wait()
            let next = state.withLock { state -> (work: (@Sendable () -> Void)?, stop: Bool) in
                (state.take(), !state.accepting)
            }
            if let work = next.work {
                work()
            } else if next.stop {
                return
            }
        }
    }
}
