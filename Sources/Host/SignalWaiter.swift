import Dispatch
import Foundation

/// Blocks until the process receives SIGTERM or SIGINT.
enum SignalWaiter {
    /// Waits for SIGTERM or SIGINT and returns its name. SIGPIPE is ignored from then on,
    /// so a client closing its connection early cannot end the process.
    static func waitForTermination() -> String {
        signal(SIGPIPE, SIG_IGN)
        let received = DispatchSemaphore(value: 0)
        let name = NameBox()
        let queue = DispatchQueue(label: "ecs-scheduler.signals")
        var sources: [DispatchSourceSignal] = []
        for (number, signalName) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            // The default action would end the process before the source receives the signal.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                name.value = signalName
                received.signal()
            }
            source.resume()
            sources.append(source)
        }
        received.wait()
        for source in sources { source.cancel() }
        return queue.sync { name.value }
    }

    /// The received signal's name; written and read on the signal queue only.
    private final class NameBox: @unchecked Sendable {
        var value = ""
    }
}
