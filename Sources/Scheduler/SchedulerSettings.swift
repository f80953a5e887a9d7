import Foundation

/// The settings of a `Scheduler`.
public struct SchedulerSettings: Sendable {
    /// The `startedBy` value of tasks when `ECSS_NAME` is not set.
    public static let defaultStartedBy = "ecs-scheduler"

    /// The ECS cluster of jobs without a `cluster` of their own (`ECSS_ECS_CLUSTER`).
    public var cluster: String
    /// The `startedBy` field of started tasks (`ECSS_NAME`).
    public var startedBy: String
    /// The number of threads making ECS calls, so that many fires at once, or a slow ECS
    /// call, do not delay other jobs' fires.
    public var workerCount = 16
    /// How late a fire may start, in seconds. Missed fire times within it are coalesced into
    /// one run; older ones are skipped and logged as missed.
    public var missedFireGrace: TimeInterval = 3_600
    /// The first pause of all ECS calls after ECS throttled one, in seconds.
    public var throttleInitialDelay: TimeInterval = 0.2
    /// The maximum pause after repeated throttling, in seconds.
    public var throttleMaxDelay: TimeInterval = 30
    /// How many times a call that failed with a server or transport error is made again,
    /// beyond the retries the AWS client makes itself.
    public var maxRetries = 1
    /// The pause before the first such retry, in seconds; it doubles for each further one.
    public var retryDelay: TimeInterval = 0.5

    public init(cluster: String, startedBy: String = SchedulerSettings.defaultStartedBy) {
        self.cluster = cluster
        self.startedBy = startedBy
    }
}
