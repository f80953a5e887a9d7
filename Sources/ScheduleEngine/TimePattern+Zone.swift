extension TimePattern {
    /// The earliest instant worth searching from: local 1970-01-01T00:00:00 is the first
    /// selectable time, and no UTC offset exceeds two days.
    static let earliestInstant: Int64 = -2 * CivilCalendar.secondsPerDay

    /// Returns the first instant at or after `instant` whose wall-clock time in `zone` the
    /// pattern selects, or nil when there is none.
    ///
    /// A wall-clock time inside a spring-forward gap matches no instant, so it does not
    /// fire. A time that a fall-back repeats matches two instants, and both fire.
    ///
    /// The search walks the zone's offset segments (the spans between two transitions).
    /// Within a segment local time is instant + offset, so the first local match at or after
    /// the search's local time is the result when it lies inside the segment.
    /// Otherwise the search moves to a later segment: straight to the segment that can hold
    /// the match, unless a fall-back soon after may repeat local times already passed.
    func nextInstant(atOrAfter instant: Int64, in zone: ZoneTransitions) -> Int64? {
        var instant = max(instant, Self.earliestInstant)
        // Each pass returns or moves to a later segment. It moves one segment at a time only
        // while a fall-back is nearer than the zone's offset range, so few passes are needed.
        // The bound guards against a zone table that breaks these assumptions.
        for _ in 0..<10_000 {
            let (offset, segmentEnd) = zone.segment(containing: instant)
            let local = instant + offset
            // Instants from `settled` on have a local time at or after `local`.
            let settled = local - zone.minOffset
            guard let match = nextMatch(atOrAfter: local) else {
                if segmentEnd == .max || segmentEnd >= settled { return nil }
                instant = segmentEnd
                continue
            }
            if match - offset < segmentEnd {
                return match - offset
            }
            if segmentEnd >= settled {
                // Instants before `match - maxOffset` have a local time before `match`, and
                // nothing in local..<match matches.
                instant = max(segmentEnd, match - zone.maxOffset)
            } else {
                instant = segmentEnd
            }
        }
        return nil
    }
}
