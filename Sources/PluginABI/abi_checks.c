/* Compile-time checks of the plugin ABI's layout promises. This file adds no symbols. */
#include "ecss_plugin.h"

_Static_assert(sizeof(ecss_status) == sizeof(int), "ecss_status must be int-sized");
_Static_assert(offsetof(ecss_plugin_descriptor, magic) == 0, "magic must come first");
_Static_assert(offsetof(ecss_plugin_descriptor, struct_size) == 4, "struct_size must follow magic");
_Static_assert(offsetof(ecss_host_api, struct_size) == 0, "struct_size must come first");
_Static_assert(offsetof(ecss_trigger_hooks, struct_size) == 0, "struct_size must come first");
_Static_assert(offsetof(ecss_store_hooks, struct_size) == 0, "struct_size must come first");
_Static_assert(offsetof(ecss_aws_request, struct_size) == 0, "struct_size must come first");
_Static_assert(offsetof(ecss_http_request, struct_size) == 0, "struct_size must come first");
_Static_assert(offsetof(ecss_http_response, struct_size) == 0, "struct_size must come first");
