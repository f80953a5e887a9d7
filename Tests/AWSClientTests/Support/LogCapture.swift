import Logging

/// Log lines that the code under test writes, for checks on what was logged.
enum LogCapture {
    /// Starts keeping lines at info level and above; later calls do nothing more.
    static let start: Void = {
        try? LogSystem.shared.configure(level: .info, folder: nil)
        LogSystem.shared.startCapturing()
    }()

    /// Returns the captured lines that contain `marker` (an operation name unique to one test).
    static func lines(containing marker: String) -> [String] {
        LogSystem.shared.capturedLines().filter { $0.contains(marker) }
    }
}
