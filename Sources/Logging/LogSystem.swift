import Foundation
import Synchronization

/// The process-wide log destination: standard error, and `app.log` in a folder when one is
/// configured, rotated at `rotationSize` bytes keeping one old file (`app.log.1`).
///
/// # Thread safety
/// Lines from several threads never interleave; each is written whole under a lock.
public final class LogSystem: Sendable {
    public static let shared = LogSystem()

    /// Size at which `app.log` is rotated: 5 MiB.
    public static let rotationSize = 5 * 1024 * 1024

    private struct Sink {
        var level: LogLevel = .warning
        var file: RotatingLogFile?
        var writesToStandardError = true
        /// Lines kept in memory for tests that read what was logged.
        var captured: [String]?
    }

    private let sink = Mutex(Sink())
    private let levelValue = Atomic<Int>(LogLevel.warning.rawValue)

    private init() {}

    /// Sets the level and, when `folder` is given, opens `folder/app.log` for appending,
    /// creating the folder when it is missing.
    /// - Throws: when the folder or the file cannot be created or opened.
    public func configure(level: LogLevel, folder: String?, standardError: Bool = true) throws {
        let file = try folder.map {
            try RotatingLogFile(path: ($0 as NSString).appendingPathComponent("app.log"), limit: LogSystem.rotationSize)
        }
        levelValue.store(level.rawValue, ordering: .relaxed)
        sink.withLock { sink in
            sink.file?.close()
            sink.level = level
            sink.file = file
            sink.writesToStandardError = standardError
        }
    }

    public var level: LogLevel {
        LogLevel(rawValue: levelValue.load(ordering: .relaxed)) ?? .warning
    }

    public func isEnabled(_ level: LogLevel) -> Bool {
        level.rawValue >= levelValue.load(ordering: .relaxed)
    }

    /// Starts keeping every line written in memory, for tests.
    public func startCapturing() {
        sink.withLock { $0.captured = [] }
    }

    /// Returns the lines written since `startCapturing()`.
    public func capturedLines() -> [String] {
        sink.withLock { $0.captured ?? [] }
    }

    func write(level: LogLevel, component: String, message: String) {
        let line = "\(level.name):\(component):\(LogSystem.timestamp()) \(message)\n"
        let data = Data(line.utf8)
        sink.withLock { sink in
            if sink.writesToStandardError {
                FileHandle.standardError.write(data)
            }
            sink.captured?.append(line)
            sink.file?.write(data)
        }
    }

    /// Formats the local time as Python's logging writes `asctime`: `2026-12-04 19:10:00,123`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d,%03d",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(now.tv_nsec / 1_000_000))
    }

    /// Flushes the log file to disk, for shutdown.
    public func flush() {
        sink.withLock { $0.file?.synchronize() }
    }
}
