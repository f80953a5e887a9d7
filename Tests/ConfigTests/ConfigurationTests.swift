import Foundation
import JobModel
import Logging
import TestSupport
import Testing
@testable import Config

/// Returns the configuration error for `environment`, or nil when it loads.
private func loadError(_ environment: [String: String]) -> ConfigurationError? {
    do {
        _ = try Configuration.load(environment: environment)
        return nil
    } catch {
        return error
    }
}

@Suite struct ConfigurationTests {
    @Test func defaultsApplyWithOnlyCluster() throws {
        let configuration = try Configuration.load(environment: ["ECSS_ECS_CLUSTER": "prod"])
        #expect(configuration.ecsCluster == "prod")
        #expect(configuration.name == "ecs-scheduler")
        #expect(configuration.logLevel == .warning)
        #expect(configuration.logFolder == nil)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 5000)
        #expect(configuration.pluginPaths.isEmpty)
        #expect(configuration.triggerTimeout == 30)
        #expect(configuration.store == nil)
        #expect(configuration.warnings.isEmpty)
    }

    @Test func everyVariableIsRead() throws {
        let configuration = try Configuration.load(environment: [
            "ECSS_ECS_CLUSTER": "prod", "ECSS_NAME": "nightly", "ECSS_LOG_LEVEL": "debug",
            "ECSS_LOG_FOLDER": "/var/log/ecss", "ECSS_HOST": "0.0.0.0", "ECSS_PORT": "8080",
            "ECSS_PLUGIN_PATH": "/opt/a::/opt/b", "ECSS_TRIGGER_TIMEOUT": "2.5",
        ])
        #expect(configuration.name == "nightly")
        #expect(configuration.logLevel == .debug)
        #expect(configuration.logFolder == "/var/log/ecss")
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 8080)
        #expect(configuration.pluginPaths == ["/opt/a", "/opt/b"])
        #expect(configuration.triggerTimeout == 2.5)
    }

    @Test func missingClusterIsNamed() {
        #expect(loadError([:])?.variable == "ECSS_ECS_CLUSTER")
        #expect(loadError(["ECSS_ECS_CLUSTER": ""])?.variable == "ECSS_ECS_CLUSTER")
        #expect(loadError([:])?.description
            == "ECSS_ECS_CLUSTER: missing; set it to the ECS cluster in which jobs start tasks")
    }

    @Test func placeholdersAreFilled() throws {
        let configuration = try Configuration.load(environment: [
            "ECSS_ECS_CLUSTER": "{STAGE}-cluster", "ECSS_LOG_FOLDER": "/var/log/{HOSTNAME}/scheduler",
            "ECSS_NAME": "{{literal}}", "STAGE": "prod", "HOSTNAME": "host-1",
        ])
        #expect(configuration.ecsCluster == "prod-cluster")
        #expect(configuration.logFolder == "/var/log/host-1/scheduler")
        #expect(configuration.name == "{literal}")
    }

    @Test func unknownPlaceholderIsNamed() {
        let error = loadError(["ECSS_ECS_CLUSTER": "c", "ECSS_LOG_FOLDER": "/var/log/{NO_SUCH_VARIABLE}"])
        #expect(error?.variable == "ECSS_LOG_FOLDER")
        #expect(error?.message.contains("unknown placeholder {NO_SUCH_VARIABLE}") == true)
        #expect(loadError(["ECSS_ECS_CLUSTER": "c{"])?.message.contains("unmatched {") == true)
        #expect(loadError(["ECSS_ECS_CLUSTER": "c}"])?.message.contains("unmatched }") == true)
    }

    @Test func invalidValuesAreNamed() {
        let cases: [(String, String)] = [
            ("ECSS_LOG_LEVEL", "LOUD"), ("ECSS_PORT", "http"), ("ECSS_PORT", "0"), ("ECSS_PORT", "70000"),
            ("ECSS_TRIGGER_TIMEOUT", "-1"), ("ECSS_TRIGGER_TIMEOUT", "soon"),
        ]
        for (variable, value) in cases {
            let error = loadError(["ECSS_ECS_CLUSTER": "c", variable: value])
            #expect(error?.variable == variable, "\(variable)=\(value)")
            #expect(error?.message.contains(value) == true, "\(variable)=\(value)")
        }
    }

    @Test func unknownVariablesAreWarnings() throws {
        let configuration = try Configuration.load(environment: ["ECSS_ECS_CLUSTER": "c", "ECSS_SQLITE_FIEL": "x"])
        #expect(configuration.warnings.count == 1)
        #expect(configuration.warnings.first?.contains("ECSS_SQLITE_FIEL") == true)
        #expect(configuration.store == nil)
    }
}

@Suite struct StoreSelectionTests {
    @Test func eachStoreVariableSelectsItsStore() throws {
        let cases: [([String: String], StoreSelection)] = [
            (["ECSS_SQLITE_FILE": "/data/jobs.db"],
             StoreSelection(kind: "sqlite", settings: ["file": "/data/jobs.db"], source: "ECSS_SQLITE_FILE")),
            (["ECSS_S3_BUCKET": "jobs-bucket", "ECSS_S3_PREFIX": "prod/jobs"],
             StoreSelection(kind: "s3", settings: ["bucket": "jobs-bucket", "prefix": "prod/jobs"],
                            source: "ECSS_S3_BUCKET")),
            (["ECSS_S3_BUCKET": "jobs-bucket"],
             StoreSelection(kind: "s3", settings: ["bucket": "jobs-bucket"], source: "ECSS_S3_BUCKET")),
            (["ECSS_DYNAMODB_TABLE": "jobs"],
             StoreSelection(kind: "dynamodb", settings: ["table": "jobs"], source: "ECSS_DYNAMODB_TABLE")),
            (["ECSS_ELASTICSEARCH_INDEX": "jobs", "ECSS_ELASTICSEARCH_HOSTS": "http://node-1:9200/, http://node-2:9200/"],
             StoreSelection(kind: "elasticsearch",
                            settings: ["index": "jobs", "hosts": ["http://node-1:9200/", "http://node-2:9200/"]],
                            source: "ECSS_ELASTICSEARCH_INDEX")),
        ]
        for (variables, expected) in cases {
            var environment = variables
            environment["ECSS_ECS_CLUSTER"] = "c"
            #expect(try Configuration.load(environment: environment).store == expected)
        }
    }

    @Test func twoStoresAreRejectedByName() {
        let error = loadError(["ECSS_ECS_CLUSTER": "c", "ECSS_SQLITE_FILE": "/data/jobs.db", "ECSS_DYNAMODB_TABLE": "t"])
        #expect(error?.message.contains("sqlite (ECSS_SQLITE_FILE)") == true)
        #expect(error?.message.contains("dynamodb (ECSS_DYNAMODB_TABLE)") == true)
    }

    @Test func partnerVariablesAreRequired() {
        #expect(loadError(["ECSS_ECS_CLUSTER": "c", "ECSS_ELASTICSEARCH_INDEX": "jobs"])?.variable
            == "ECSS_ELASTICSEARCH_HOSTS")
        #expect(loadError(["ECSS_ECS_CLUSTER": "c", "ECSS_ELASTICSEARCH_HOSTS": "http://n:9200"])?.variable
            == "ECSS_ELASTICSEARCH_HOSTS")
        #expect(loadError(["ECSS_ECS_CLUSTER": "c", "ECSS_ELASTICSEARCH_INDEX": "jobs", "ECSS_ELASTICSEARCH_HOSTS": " , "])?
            .variable == "ECSS_ELASTICSEARCH_HOSTS")
        #expect(loadError(["ECSS_ECS_CLUSTER": "c", "ECSS_S3_PREFIX": "p"])?.variable == "ECSS_S3_PREFIX")
    }

    @Test func configFileSelectsStoreWithItsSettings() throws {
        let folder = try PackagePaths.temporaryDirectory("config-test")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("ecss.yaml")
        try """
            elasticsearch:
              index: prod-ecs-scheduler
              client:
                hosts:
                  - host: prod-1.escluster.example
                  - host: prod-2.escluster.example
                    port: 9201
                timeout: 60
                retry_on_timeout: true
                max_retries: 10
                sniff_on_start: yes
            """.write(to: file, atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(environment: [
            "ECSS_ECS_CLUSTER": "c", "ECSS_CONFIG_FILE": "\(folder.path)/{FILE_NAME}", "FILE_NAME": "ecss.yaml",
        ])
        let store = try #require(configuration.store)
        #expect(store.kind == "elasticsearch")
        #expect(store.settings == [
            "index": "prod-ecs-scheduler",
            "client": [
                "hosts": [["host": "prod-1.escluster.example"], ["host": "prod-2.escluster.example", "port": 9201]],
                "timeout": 60, "retry_on_timeout": true, "max_retries": 10, "sniff_on_start": true,
            ],
        ])
    }

    @Test func configFileUnknownStoreSettingsWarn() throws {
        let folder = try PackagePaths.temporaryDirectory("config-test")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("ecss.yaml")
        try "sqlite:\n  file: /tmp/jobs.db\n  colour: red\n".write(to: file, atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(environment: ["ECSS_ECS_CLUSTER": "c", "ECSS_CONFIG_FILE": file.path])
        #expect(configuration.store?.kind == "sqlite")
        #expect(configuration.warnings == [
            "setting sqlite.colour in ECSS_CONFIG_FILE \(file.path) is not read by the sqlite store and is ignored; "
                + "check its spelling (the store reads file)",
        ])
    }

    @Test func configFileKnownStoreSettingsQuiet() throws {
        let folder = try PackagePaths.temporaryDirectory("config-test")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("ecss.yaml")
        try "s3:\n  bucket: jobs\n  prefix: prod/\n  page_size: 100\n".write(to: file, atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(environment: ["ECSS_ECS_CLUSTER": "c", "ECSS_CONFIG_FILE": file.path])
        #expect(configuration.store?.kind == "s3")
        #expect(configuration.warnings.isEmpty)
    }

    @Test func configFileStoreCountsAgainstVariables() throws {
        let folder = try PackagePaths.temporaryDirectory("config-test")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("ecss.yaml")
        try "sqlite:\n  file: /data/jobs.db\n".write(to: file, atomically: true, encoding: .utf8)
        let error = loadError(["ECSS_ECS_CLUSTER": "c", "ECSS_CONFIG_FILE": file.path, "ECSS_DYNAMODB_TABLE": "t"])
        #expect(error?.variable == "ECSS_CONFIG_FILE")
        #expect(error?.message.contains("more than one job store") == true)

        try "sqlite:\n  file: a\ns3:\n  bucket: b\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(loadError(["ECSS_ECS_CLUSTER": "c", "ECSS_CONFIG_FILE": file.path])?.message
            .contains("more than one job store") == true)
    }

    @Test func badConfigFilesAreReported() throws {
        let folder = try PackagePaths.temporaryDirectory("config-test")
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = loadError(["ECSS_ECS_CLUSTER": "c", "ECSS_CONFIG_FILE": folder.appendingPathComponent("none.yaml").path])
        #expect(missing?.variable == "ECSS_CONFIG_FILE")
        #expect(missing?.message.contains("cannot read") == true)

        let file = folder.appendingPathComponent("bad.yaml")
        try "elasticsearch:\n  index: [unclosed\n  client: 1\n".write(to: file, atomically: true, encoding: .utf8)
        let malformed = loadError(["ECSS_ECS_CLUSTER": "c", "ECSS_CONFIG_FILE": file.path])
        #expect(malformed?.message.contains("invalid YAML") == true)
        #expect(malformed?.message.contains("line 3, column") == true)

        for text in ["- a\n- b\n", "", "sqlite: /data/jobs.db\n"] {
            try text.write(to: file, atomically: true, encoding: .utf8)
            #expect(loadError(["ECSS_ECS_CLUSTER": "c", "ECSS_CONFIG_FILE": file.path])?.variable == "ECSS_CONFIG_FILE",
                    "\(text)")
        }
    }
}
