import Foundation
import Synchronization

/// The AWS SDKs' standard retry mode: up to `maxAttempts` attempts, exponential backoff with
/// full jitter, and a retry quota that stops retries while most requests fail.
///
/// The n-th retry waits a random time between 0 and `min(baseDelay * 2^(n-1), maxDelay)`.
/// The quota starts at 500, and each retry takes 5 from it (10 after a timeout). A success
/// gives back what its retries took, or 1 when it needed none.
///
/// NOTE: `AWS_RETRY_MODE` is not read. Every client uses standard mode, because adaptive
/// mode's client-side rate limiting is not implemented.
final class RetryStrategy: Sendable {
    let maxAttempts: Int
    let baseDelay: Duration
    let maxDelay: Duration

    static let initialQuota = 500
    static let retryCost = 5
    static let timeoutRetryCost = 10

    private let quota = Mutex(RetryStrategy.initialQuota)

    init(maxAttempts: Int, baseDelay: Duration, maxDelay: Duration) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Reads the attempt limit from `AWS_MAX_ATTEMPTS`, then the profile's `max_attempts`;
    /// 3 when neither is set.
    /// - Throws: `AWSError` of kind `.configuration` when the value is not a whole number of
    ///   at least 1.
    static func maxAttempts(environment: [String: String], profile: [String: String]) throws(AWSError) -> Int {
        let variable: String
        let text: String
        if let value = environment["AWS_MAX_ATTEMPTS"], !value.isEmpty {
            (variable, text) = ("AWS_MAX_ATTEMPTS", value)
        } else if let value = profile["max_attempts"], !value.isEmpty {
            (variable, text) = ("max_attempts in the profile", value)
        } else {
            return 3
        }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 1 else {
            throw AWSError(kind: .configuration, service: "aws", operation: "configure",
                           message: "\(variable) is \"\(text)\"; set it to a whole number of attempts of at least 1")
        }
        return value
    }

    /// Picks the wait before the retry that follows failed attempt `attempt` (1 for the first).
    func delay(afterAttempt attempt: Int) -> Duration {
        let exponent = min(attempt - 1, 30)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        return ceiling * Double.random(in: 0...1)
    }

    /// Takes the cost of one retry from the quota.
    /// - Returns: the cost taken, or nil when the quota is too low to retry.
    func acquireRetry(after error: AWSError) -> Int? {
        let cost = error.transportError?.code == .timedOut ? Self.timeoutRetryCost : Self.retryCost
        return quota.withLock { available -> Int? in
            guard available >= cost else { return nil }
            available -= cost
            return cost
        }
    }

    /// Gives back to the quota after a success: what its retries took, or 1.
    func recordSuccess(retryCostTaken: Int) {
        quota.withLock { available in
            available = min(Self.initialQuota, available + max(retryCostTaken, 1))
        }
    }
}
