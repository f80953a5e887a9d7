import Foundation
import ScheduleEngine

extension Schedule {
    /// Returns the next `count` fire times after `after` as `YYYY-MM-DDTHH:MM:SSZ` text.
    func fires(after: String, count: Int, zone: String = "UTC", start: String? = nil, end: String? = nil) throws
        -> [String] {
        let zone = try ScheduleTimeZone(identifier: zone)
        return nextFires(after: TestInstants.parse(after)!, count: count, in: zone,
                         start: start.flatMap(TestInstants.parse), end: end.flatMap(TestInstants.parse))
            .map(TestInstants.format)
    }
}
