import Foundation
import Testing
import TestSupport
@testable import Logging

@Suite struct RotatingLogFileTests {
    @Test func rotatesPastLimitKeepingOneBackup() throws {
        let folder = try PackagePaths.temporaryDirectory("log")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("logs/app.log").path
        var file = try RotatingLogFile(path: path, limit: 100)
        let line = Data(String(repeating: "x", count: 39).appending("\n").utf8)

        file.write(line)
        file.write(line)
        #expect(!FileManager.default.fileExists(atPath: path + ".1"))
        file.write(line)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path + ".1")).count == 80)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 40)

        for _ in 0..<5 { file.write(line) }
        file.close()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("logs").path)
        #expect(files.sorted() == ["app.log", "app.log.1"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count <= 100)
    }

    @Test func appendsToExistingFile() throws {
        let folder = try PackagePaths.temporaryDirectory("log")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("app.log").path
        try Data("earlier\n".utf8).write(to: URL(fileURLWithPath: path))
        var file = try RotatingLogFile(path: path, limit: 1_000)
        #expect(file.size == 8)
        file.write(Data("later\n".utf8))
        file.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "earlier\nlater\n")
    }

    @Test func lineLongerThanLimitStillWritten() throws {
        let folder = try PackagePaths.temporaryDirectory("log")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("app.log").path
        var file = try RotatingLogFile(path: path, limit: 10)
        file.write(Data(String(repeating: "y", count: 30).utf8))
        file.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 30)
    }
}
