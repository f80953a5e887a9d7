import Foundation
import JobModel
import Logging
import Synchronization

/// The daemon's `TriggerService`: validates and evaluates job triggers through the loaded
/// trigger plugins.
///
/// Each evaluation runs on a thread of its own, and the caller waits at most `timeout` for
/// it. A plugin call that hangs keeps only its own thread. While it hangs, later fires of the
/// same job fail at once instead of starting more threads. Other jobs are not affected.
public final class PluginTriggerService: TriggerService {
    /// The wait for one evaluation when `ECSS_TRIGGER_TIMEOUT` is not set: 30 seconds.
    public static let defaultTimeout: Duration = .seconds(30)

    private let host: PluginHost
    /// How long `desiredCount(for:)` waits for the plugin.
    public let timeout: Duration
    private let logger = Logger(component: "triggers")

    public init(host: PluginHost, timeout: Duration = PluginTriggerService.defaultTimeout) {
        self.host = host
        self.timeout = timeout
    }

    public var triggerTypes: [String] { host.triggerTypes }

    public func validate(trigger: [String: JSONValue]) throws(TriggerError) {
        let plugin = try self.plugin(for: trigger)
        if let message = plugin.validate(triggerJSON: JSONValue.object(trigger).serializedString()) {
            throw TriggerError(message)
        }
    }

    /// Calls the plugin's on_evaluate on a thread of its own.
    ///
    /// - Important: Blocks the calling thread until the plugin returns or `timeout` passes, so
    ///   call it from a thread that may block rather than from a Swift concurrency task.
    public func desiredCount(for job: Job) throws(TriggerError) -> Int {
        guard let trigger = job.trigger else { throw TriggerError("Job \(job.id) has no trigger.") }
        let plugin = try self.plugin(for: trigger)
        let type = plugin.info.typeName
        guard plugin.beginEvaluation(jobID: job.id) else {
            throw TriggerError("Trigger \(type) has not returned from an earlier fire of job \(job.id) or is "
                + "shut down; this fire fails. Check the plugin's logs for a hung call.")
        }

        let jobJSON = JSONValue.object(job.jsonObject(includeID: true)).serializedString()
        let call = EvaluationCall()
        let jobID = job.id
        let logger = self.logger
        Thread {
            let result = plugin.evaluate(jobJSON: jobJSON)
            plugin.endEvaluation(jobID: jobID)
            if !call.finish(result) {
                logger.warning("Trigger returned after the fire timed out", ["job.id": jobID, "plugin.type": type])
            }
        }.start()

        guard let result = call.wait(timeout: timeout) else {
            throw TriggerError("Trigger \(type) did not return within \(Self.seconds(timeout)) s for job \(job.id); "
                + "this fire fails. Keep the plugin's network timeouts below ECSS_TRIGGER_TIMEOUT, or raise it.")
        }
        switch result {
        case .success(let count):
            return count
        case .failure(let failure):
            throw TriggerError("Trigger \(type) failed for job \(job.id) (\(statusName(failure.status))): "
                + failure.message)
        }
    }

    private func plugin(for trigger: [String: JSONValue]) throws(TriggerError) -> LoadedTrigger {
        let loaded = host.triggerTypes
        let known = loaded.isEmpty ? "no trigger types are loaded" : "loaded trigger types: "
            + loaded.joined(separator: ", ")
        guard let type = trigger["type"]?.stringValue else {
            throw TriggerError("trigger requires a string \"type\"; \(known)")
        }
        guard let plugin = host.triggers[type] else {
            throw TriggerError("Unknown trigger type \"\(type)\"; \(known)")
        }
        return plugin
    }

    private static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value.rounded() == value ? String(Int(value)) : String(value)
    }
}

/// One evaluation handed to a worker thread: the result, or the waiter's giving up.
private final class EvaluationCall: Sendable {
    private enum State {
        case waiting
        case abandoned
        case finished(Result<Int, TriggerFailure>)
    }

    private let state = Mutex(State.waiting)
    private let done = DispatchSemaphore(value: 0)

    /// Stores the result for the waiter.
    /// - Returns: false when the waiter has already given up.
    func finish(_ result: Result<Int, TriggerFailure>) -> Bool {
        let delivered = state.withLock { state -> Bool in
            guard case .waiting = state else { return false }
            state = .finished(result)
            return true
        }
        if delivered { done.signal() }
        return delivered
    }

    /// Waits for the result.
    /// - Returns: nil when `timeout` passes first; a later `finish` then returns false.
    func wait(timeout: Duration) -> Result<Int, TriggerFailure>? {
        let components = timeout.components
        let nanoseconds = components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
        _ = done.wait(timeout: .now() + .nanoseconds(Int(clamping: nanoseconds)))
        return state.withLock { state in
            if case .finished(let result) = state { return result }
            state = .abandoned
            return nil
        }
    }
}
