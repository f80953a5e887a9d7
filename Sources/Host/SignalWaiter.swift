import Dispatch
import Foundation

/// Catches SIGTERM and SIGINT from the moment it is created, so that a signal that arrives
/// while the daemon starts is still honoured by `wait()`.
final class SignalWaiter {
    private let received = DispatchSemaphore(value: 0)
    private let queue = DispatchQueue(label: "ecs-scheduler.signals")
    private let name = NameBox()
    private var sources: [DispatchSourceSignal] = []

    /// Installs the handlers. SIGPIPE is ignored from then on, so a client closing its
    /// connection early cannot end the process.
    init() {
        signal(SIGPIPE, SIG_IGN)
        for (number, signalName) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            // The default action would end the process before the source receives the signal.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [received, name] in
                name.value = signalName
                received.signal()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Blocks until SIGTERM or SIGINT arrives and returns its name.
    func wait() -> String {
        received.wait()
        for source in sources { source.cancel() }
        return queue.sync { name.value }
    }

    /// The received signal's name; written and read on the signal queue only.
    private final class NameBox: @unchecked Sendable {
        var value = ""
    }
}
