import Logging

/// Starts keeping log lines in memory once for the whole test process; tests find their own
/// lines by the unique job ids they use.
let logCapture: Void = LogSystem.shared.startCapturing()

/// Returns the captured lines that contain `message` and `job.id=<jobID>`.
func logLines(_ message: String, jobID: String) -> [String] {
    LogSystem.shared.capturedLines().filter {
        $0.contains(message) && ($0.contains(" job.id=\(jobID) ") || $0.hasSuffix(" job.id=\(jobID)\n"))
    }
}
