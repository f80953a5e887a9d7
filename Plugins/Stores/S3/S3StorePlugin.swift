import PluginABI
import StorePluginSupport

/// The entry point of libecss-store-s3.so.
@_cdecl("ecss_plugin_entry")
public func ecssPluginEntry() -> UnsafePointer<ecss_plugin_descriptor> {
    StorePluginExport.descriptor(
        typeName: "s3",
        version: "1.0.0",
        description: "Jobs as JSON objects <prefix>/<id>.json in an S3 bucket, as the original ecs-scheduler stored them"
    ) { host, settings throws(StoreFailure) in
        try S3Store(host: host, settingsJSON: settings)
    }
}
