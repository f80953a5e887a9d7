import Foundation

/// A log file that is moved to `<path>.1` (replacing an older one) when the next line would
/// take it past `limit` bytes, so at most two files exist.
///
/// Not thread-safe: `LogSystem` calls it under its lock.
struct RotatingLogFile {
    let path: String
    let limit: Int
    private var handle: FileHandle?
    private(set) var size: Int

    /// Opens `path` for appending, creating the file and its folder when missing.
    /// - Throws: when the folder or the file cannot be created or opened.
    init(path: String, limit: Int) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let opened = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        size = Int(try opened.seekToEnd())
        handle = opened
        self.path = path
        self.limit = limit
    }

    mutating func write(_ data: Data) {
        if size > 0, size + data.count > limit {
            rotate()
        }
        handle?.write(data)
        size += data.count
    }

    mutating func synchronize() {
        try? handle?.synchronize()
    }

    mutating func close() {
        try? handle?.close()
        handle = nil
    }

    /// Moves the file to `<path>.1` and starts an empty one.
    private mutating func rotate() {
        try? handle?.close()
        let backup = path + ".1"
        try? FileManager.default.removeItem(atPath: backup)
        try? FileManager.default.moveItem(atPath: path, toPath: backup)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = try? FileHandle(forWritingTo: URL(fileURLWithPath: path))
        size = 0
    }
}
