import Foundation

/// Paths inside the package checkout, for tests that run built binaries or read fixtures.
public enum PackagePaths {
    /// The package root (the folder holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The folder of the build products the tests run against: `ECSS_TEST_BUILD_DIR` when
    /// set, else the folder of the running test bundle (`.build/debug` in a normal build).
    public static let buildDirectory: URL = {
        if let dir = ProcessInfo.processInfo.environment["ECSS_TEST_BUILD_DIR"] {
            return URL(fileURLWithPath: dir)
        }
        return Bundle.main.bundleURL.resolvingSymlinksInPath()
    }()

    /// The `ecs-scheduler` executable.
    public static var executable: URL { buildDirectory.appendingPathComponent("ecs-scheduler") }

    /// The test virtualenv's `bin` folder, created by `scripts/setup.sh venv`.
    public static var venvBin: URL { root.appendingPathComponent(".venv/bin") }

    /// Creates a new empty temporary folder and returns its URL.
    public static func temporaryDirectory(_ prefix: String = "ecss-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
