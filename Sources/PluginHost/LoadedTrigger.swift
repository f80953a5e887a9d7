import Logging
import PluginABI
import Synchronization

/// A loaded and initialised trigger plugin: its hooks and its state, with the bookkeeping
/// that keeps a hung plugin from piling up threads.
///
/// `@unchecked Sendable`: `hooks` and `state` never change after init. The ABI requires the
/// plugin's hooks to accept calls from several threads at once, and `activity` is guarded by
/// its Mutex.
final class LoadedTrigger: @unchecked Sendable {
    let info: PluginInfo
    private let hooks: ecss_trigger_hooks
    private let state: UnsafeMutableRawPointer?
    private let activity = Mutex(Activity())

    private struct Activity {
        /// Jobs whose on_evaluate call has not returned yet.
        var evaluating: Set<String> = []
        var isShutDown = false
    }

    init(info: PluginInfo, hooks: ecss_trigger_hooks, state: UnsafeMutableRawPointer?) {
        self.info = info
        self.hooks = hooks
        self.state = state
    }

    /// Calls on_validate with the trigger object.
    /// - Returns: nil when the plugin accepts it, else the plugin's message.
    func validate(triggerJSON: String) -> String? {
        var errorText: UnsafeMutablePointer<CChar>?
        let status = hooks.on_validate(state, triggerJSON, &errorText)
        let message = takePluginString(errorText)
        guard status != ECSS_OK else { return nil }
        return message ?? "\(info.typeName) trigger rejected the settings (\(statusName(status)))"
    }

    /// Marks an evaluation for `jobID` as running.
    /// - Returns: false when one is still running for that job or the plugin is shut down.
    func beginEvaluation(jobID: String) -> Bool {
        activity.withLock { activity in
            guard !activity.isShutDown else { return false }
            return activity.evaluating.insert(jobID).inserted
        }
    }

    /// Marks the evaluation for `jobID` as returned.
    func endEvaluation(jobID: String) {
        _ = activity.withLock { $0.evaluating.remove(jobID) }
    }

    /// Calls on_evaluate with the job and waits for it; call between `beginEvaluation` and
    /// `endEvaluation`.
    func evaluate(jobJSON: String) -> Result<Int, TriggerFailure> {
        var count: Int32 = 0
        var errorText: UnsafeMutablePointer<CChar>?
        let status = hooks.on_evaluate(state, jobJSON, &count, &errorText)
        let message = takePluginString(errorText)
        guard status == ECSS_OK else {
            return .failure(TriggerFailure(status: status, message: message ?? "no message from the plugin"))
        }
        guard count >= 0 else {
            return .failure(TriggerFailure(status: ECSS_ERROR, message: "the plugin returned the negative count \(count)"))
        }
        return .success(Int(count))
    }

    /// Calls on_shutdown unless an evaluation is still running, because the ABI promises
    /// that on_shutdown comes after the last other hook has returned. Later evaluations are
    /// refused.
    func shutdown(logger: Logger) {
        let running = activity.withLock { activity -> Int in
            activity.isShutDown = true
            return activity.evaluating.count
        }
        guard running == 0 else {
            logger.warning("Trigger plugin still evaluating at shutdown; on_shutdown skipped",
                           ["plugin.type": info.typeName, "evaluations": String(running)])
            return
        }
        hooks.on_shutdown?(state)
    }
}

/// A trigger evaluation that the plugin reported as failed.
struct TriggerFailure: Error {
    var status: ecss_status
    var message: String
}

/// Returns the constant's name of an `ecss_status`, for messages.
func statusName(_ status: ecss_status) -> String {
    switch status {
    case ECSS_OK: return "ECSS_OK"
    case ECSS_ERROR: return "ECSS_ERROR"
    case ECSS_RETRY: return "ECSS_RETRY"
    case ECSS_NOT_FOUND: return "ECSS_NOT_FOUND"
    case ECSS_CONFLICT: return "ECSS_CONFLICT"
    case ECSS_INVALID: return "ECSS_INVALID"
    default: return "status \(status.rawValue)"
    }
}
