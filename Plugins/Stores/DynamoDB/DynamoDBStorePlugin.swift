import PluginABI
import StorePluginSupport

/// The entry point of libecss-store-dynamodb.so.
@_cdecl("ecss_plugin_entry")
public func ecssPluginEntry() -> UnsafePointer<ecss_plugin_descriptor> {
    StorePluginExport.descriptor(
        typeName: "dynamodb",
        version: "1.0.0",
        description: "Jobs as items {job-id, json-data} in a DynamoDB table, as the original ecs-scheduler stored them"
    ) { host, settings throws(StoreFailure) in
        try DynamoDBStore(host: host, settingsJSON: settings)
    }
}
