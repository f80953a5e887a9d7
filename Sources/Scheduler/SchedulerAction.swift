import Foundation

/// One fire of a job: the scheduled time it runs for.
struct Fire: Hashable, Sendable {
    var jobID: String
    /// The fire time from the schedule; the run is recorded as `lastRun` with this value.
    var scheduledAt: Date
    /// The life of the job id that the fire belongs to. A job deleted and created again under
    /// the same id gets a new incarnation, so an old fire is never recorded on the new job.
    var incarnation: UInt32
}

/// An action `SchedulerState` returns for its owner to perform.
enum SchedulerAction: Equatable, Sendable {
    /// Count the job's tasks, start the missing ones and record the run.
    case fire(Fire)
    /// Log that the job's fires from `firstMissed` on were skipped, being more than the grace
    /// period late.
    case logMissed(jobID: String, firstMissed: Date)
    /// Write the job's next fire time into its `estimatedNextRun`.
    case recordNextRun(jobID: String)
    /// Log that the job's schedule cannot be compiled, so the job will not fire.
    case logInvalidSchedule(jobID: String, message: String)
}

/// The result of looking up a job's next fire time, for recording `estimatedNextRun`.
enum NextRunLookup: Equatable {
    /// The job was deleted, or deleted and created again since the fire started.
    case gone
    /// The job's next fire time; nil when its schedule has ended or is invalid.
    case scheduled(Date?)
}
