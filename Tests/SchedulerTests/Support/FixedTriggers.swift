import JobModel
import Synchronization

/// A trigger service whose `desiredCount` returns a value the test sets, or fails.
final class FixedTriggers: TriggerService {
    private let result = Mutex<Result<Int, TriggerError>>(.success(0))

    func set(_ count: Int) { result.withLock { $0 = .success(count) } }

    func fail(_ message: String) { result.withLock { $0 = .failure(TriggerError(message)) } }

    var triggerTypes: [String] { ["fixed"] }

    func validate(trigger: [String: JSONValue]) throws(TriggerError) {}

    func desiredCount(for job: Job) throws(TriggerError) -> Int {
        try result.withLock { $0 }.get()
    }
}
