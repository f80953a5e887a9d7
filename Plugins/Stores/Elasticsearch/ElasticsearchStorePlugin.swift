import PluginABI
import StorePluginSupport

/// The entry point of libecss-store-elasticsearch.so.
@_cdecl("ecss_plugin_entry")
public func ecssPluginEntry() -> UnsafePointer<ecss_plugin_descriptor> {
    StorePluginExport.descriptor(
        typeName: "elasticsearch",
        version: "1.0.0",
        description: "Jobs as documents (_id = job id) in an Elasticsearch index, as the original ecs-scheduler stored them"
    ) { host, settings throws(StoreFailure) in
        try ElasticsearchStore(host: host, settingsJSON: settings)
    }
}
