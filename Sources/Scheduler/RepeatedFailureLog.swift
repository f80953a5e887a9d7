import Foundation
import Synchronization

/// Decides whether a failed fire is logged at ERROR, so a job that fails the same way at every
/// fire writes one line per `interval` instead of one per fire.
///
/// A failure with a new message is always logged. Repeats of the last message within
/// `interval` are counted, and the next line that is logged says how many were left out.
final class RepeatedFailureLog: Sendable {
    private struct Entry {
        var message: String
        var lastLogged: Date
        var suppressed: Int
    }

    /// Time between two ERROR lines for the same job and message: 10 minutes.
    let interval: TimeInterval
    private let entries = Mutex<[String: Entry]>([:])

    init(interval: TimeInterval = 600) {
        self.interval = interval
    }

    /// Records a failure of the job `jobID`.
    /// - Returns: nil when the line should be left out, else how many identical failures were
    ///   left out since the last line for this job.
    func record(jobID: String, message rawMessage: String, at now: Date) -> Int? {
        let message = Self.withoutRequestIDs(rawMessage)
        return entries.withLock { entries in
            if var entry = entries[jobID], entry.message == message, now.timeIntervalSince(entry.lastLogged) < interval {
                entry.suppressed += 1
                entries[jobID] = entry
                return nil
            }
            let suppressed = entries[jobID].map { $0.message == message ? $0.suppressed : 0 } ?? 0
            entries[jobID] = Entry(message: message, lastLogged: now, suppressed: 0)
            return suppressed
        }
    }

    /// Removes ` (request id ...)` parts, which differ at every call, so that the same AWS
    /// error counts as a repeat.
    static func withoutRequestIDs(_ message: String) -> String {
        var text = message
        while let start = text.range(of: " (request id "),
              let end = text[start.upperBound...].firstIndex(of: ")") {
            text.removeSubrange(start.lowerBound...end)
        }
        return text
    }

    /// Forgets the job's failures after a fire that succeeded.
    func clear(jobID: String) {
        _ = entries.withLock { $0.removeValue(forKey: jobID) }
    }
}
