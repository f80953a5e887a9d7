import PluginKit

/// The `sqs` trigger: starts tasks for the messages waiting in an SQS queue.
///
/// Trigger object: `{"type": "sqs", "queueName": ..., "messagesPerTask": n, "queueUrl": ...,
/// "accountId": ..., "region": ...}`; only `queueName` is required. See `desiredCount` for
/// the rule.
final class SQSTrigger: TriggerPlugin {
    static let typeName = "sqs"
    static let version = "1.0.0"
    static let summary = "Starts tasks for the messages waiting in an SQS queue"

    /// The task cap when a job has no maxCount.
    static let defaultMaxCount = 50

    private let host: HostAPI
    private let reader: SQSQueueReader

    init(host: HostAPI) throws(PluginError) {
        self.host = host
        reader = SQSQueueReader(host: host)
    }

    func validate(trigger: [String: JSON]) throws(PluginError) {
        _ = try SQSTriggerSettings(trigger)
    }

    func evaluate(job: [String: JSON]) throws(PluginError) -> Int {
        guard let trigger = job["trigger"]?.objectValue else { throw .invalid("sqs trigger requires queueName") }
        let settings = try SQSTriggerSettings(trigger)
        let taskCount = job["taskCount"]?.intValue ?? 1
        let maxCount = job["maxCount"]?.intValue ?? Self.defaultMaxCount

        let messages = try reader.messageCount(settings)
        let count = desiredCount(messages: messages, messagesPerTask: settings.messagesPerTask, taskCount: taskCount,
                                 maxCount: maxCount)
        host.log(.debug, "Queue depth read: \(messages) messages in \(settings.queueName), \(count) tasks wanted",
                 jobID: job["id"]?.stringValue)
        return count
    }
}

/// The plugin's entry point, which the host finds with dlsym.
@_cdecl("ecss_plugin_entry")
public func ecssPluginEntry() -> UnsafePointer<ecss_plugin_descriptor> {
    PluginExport.trigger(SQSTrigger.self)
}
