/// The time zone a schedule's wall-clock times are read in, identified by its IANA name.
///
/// Creating a zone builds a table of its UTC offsets once per process (shared, thread-safe),
/// so fire-time searches never call Foundation's calendar code.
public struct ScheduleTimeZone: Sendable, Equatable {
    public static let utc = ScheduleTimeZone(transitions: .utc)

    let transitions: ZoneTransitions

    /// Looks up a zone by IANA name, such as `Europe/London`.
    ///
    /// - Throws: `ScheduleError` naming the identifier when the system's time zone data does
    ///   not know it.
    public init(identifier: String) throws(ScheduleError) {
        guard let transitions = ZoneTransitions.named(identifier) else {
            throw ScheduleError("unknown time zone '\(identifier)'; use an IANA name such as UTC, Europe/London or America/New_York")
        }
        self.transitions = transitions
    }

    private init(transitions: ZoneTransitions) {
        self.transitions = transitions
    }

    public var identifier: String { transitions.identifier }

    public static func == (lhs: ScheduleTimeZone, rhs: ScheduleTimeZone) -> Bool {
        lhs.identifier == rhs.identifier
    }
}
