/*
 * ecss_plugin.h: the plugin ABI of ecs-scheduler, version 1.0.
 *
 * This header is the whole contract between the ecs-scheduler host and a plugin. A plugin
 * is a shared library (built with `cc -shared -fPIC`) that the host loads with
 * dlopen(RTLD_NOW | RTLD_LOCAL). It needs nothing but this header and the C library.
 *
 * KINDS OF DECLARATION
 *   ecss_*            types and constants shared by both sides.
 *   ecss_plugin_entry the one symbol a plugin library exports (see ECSS_DECLARE_PLUGIN).
 *   on_* hooks        functions the plugin implements, in ecss_trigger_hooks and
 *                     ecss_store_hooks; the host calls them.
 *   host_* callbacks  functions the host implements, in ecss_host_api; the plugin calls them.
 *
 * VERSIONING
 *   ECSS_ABI_MAJOR changes when an existing declaration changes meaning or layout; the host
 *   rejects a plugin whose major version differs from its own. ECSS_ABI_MINOR grows when
 *   fields are appended to the end of a struct; a plugin built for an older minor version
 *   keeps loading, and a plugin built for a newer minor version than the host is rejected.
 *   Every struct that crosses the boundary starts with `struct_size`, set to sizeof() as
 *   that side was compiled by the side that allocates the struct: the plugin for its
 *   descriptor, hook tables, requests and the ecss_http_response it passes in to be filled;
 *   the host for ecss_host_api. A reader or filler uses only the fields that lie within both
 *   its own sizeof() and `struct_size`. Fields are only ever appended.
 *   The host also rejects a plugin whose descriptor lacks ECSS_PLUGIN_MAGIC, leaves a hook
 *   marked "Required" NULL, or claims a trigger type or store name that a plugin loaded
 *   earlier already claims, and a trigger whose on_init fails.
 *
 * OWNERSHIP
 *   Borrowed: a `const char *` or `const uint8_t *` argument is valid only until the call
 *   returns. Copy what you keep.
 *   Handed to the host: every `char **..._out` that a hook fills (errors, job JSON) must be
 *   allocated with host_alloc(); the host frees it with host_free(), whatever the status.
 *   Handed to the plugin: every `char **..._out` that a host callback fills, and every
 *   ecss_http_response, is allocated by the host; release it with host_free() or
 *   host_response_free().
 *   Lifetimes: the ecss_host_api table and the ecss_host_handle stay valid until the
 *   process exits. The host never unloads a plugin once it has called its on_init or
 *   on_open hook, even when that hook fails, because the plugin may have started threads.
 *   The descriptor returned by ecss_plugin_entry and every table it points to must stay
 *   valid for the life of the process (static storage).
 *
 * THREADING
 *   Each hook says on which threads it runs. Every host_* callback may be called from any
 *   thread, including threads the plugin creates itself, from the start of on_init or
 *   on_open until the process exits.
 *
 * ERRORS
 *   Every fallible call returns an ecss_status. On anything but ECSS_OK it may set
 *   *error_out to a one-line, human-readable message that says what failed and, where it
 *   can, what to do; the receiving side logs it or returns it to the API caller.
 *
 * DATA
 *   Structured data crosses the boundary as NUL-terminated UTF-8 JSON text; numbers and
 *   flags as plain C types.
 */
#ifndef ECSS_PLUGIN_H
#define ECSS_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ECSS_ABI_MAJOR 1
#define ECSS_ABI_MINOR 0

/* "ECSS" in ASCII: the first field of every plugin descriptor. */
#define ECSS_PLUGIN_MAGIC 0x45435353u

/* The name of the entry symbol, for dlsym(). */
#define ECSS_PLUGIN_ENTRY_SYMBOL "ecss_plugin_entry"

#if defined(__GNUC__) || defined(__clang__)
#define ECSS_EXPORT __attribute__((visibility("default")))
#else
#define ECSS_EXPORT
#endif

/* Result of every fallible call. */
typedef enum ecss_status {
    ECSS_OK = 0,        /* done */
    ECSS_ERROR = 1,     /* failed, with the reason in *error_out; retrying the same call will not help */
    ECSS_RETRY = 2,     /* failed for a passing reason (timeout, throttling, 5xx); may succeed later */
    ECSS_NOT_FOUND = 3, /* the named job, object or resource does not exist */
    ECSS_CONFLICT = 4,  /* the job already exists, or a condition on the write failed */
    ECSS_INVALID = 5    /* the input (trigger settings, store settings) is invalid */
} ecss_status;

/* What a plugin library provides. */
typedef enum ecss_plugin_kind {
    ECSS_KIND_TRIGGER = 1,
    ECSS_KIND_STORE = 2
} ecss_plugin_kind;

/* Log levels, with the numeric values of Python's logging module. */
typedef enum ecss_log_level {
    ECSS_LOG_DEBUG = 10,
    ECSS_LOG_INFO = 20,
    ECSS_LOG_WARNING = 30,
    ECSS_LOG_ERROR = 40,
    ECSS_LOG_CRITICAL = 50
} ecss_log_level;

/* Opaque: identifies the calling plugin to the host (for log lines and settings). */
typedef struct ecss_host_handle ecss_host_handle;

/*
 * A request to an AWS service, which the host signs with its own credentials (SigV4),
 * sends to the service's endpoint (honouring AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE>) and retries in the AWS SDKs' standard mode.
 */
typedef struct ecss_aws_request {
    uint32_t struct_size;
    /* Endpoint and signing name: "ecs", "sqs", "s3", "dynamodb", "sts" or another. */
    const char *service;
    /* "GET", "PUT", "POST", "HEAD" or "DELETE". */
    const char *method;
    /* URL path, already percent-encoded ("/" for the JSON protocols, "/bucket/key" for S3). */
    const char *path;
    /* Query string without the leading '?', already percent-encoded; NULL for none. */
    const char *query;
    /* NULL-terminated array of "Name: value" header lines (Content-Type, X-Amz-Target,
     * If-None-Match); NULL for none. The host adds Host, X-Amz-Date and Authorization. */
    const char *const *headers;
    const uint8_t *body;
    size_t body_length;
    /* Region to sign for and send to; NULL for the host's configured region. */
    const char *region;
    /* Operation name for retries, logs and error messages ("GetQueueAttributes"); NULL to
     * take it from the X-Amz-Target header (the part after the last '.'), or else to use
     * "<method> <path>". */
    const char *operation;
} ecss_aws_request;

/* A plain HTTP(S) request, sent once without retries (for Elasticsearch, webhooks). */
typedef struct ecss_http_request {
    uint32_t struct_size;
    const char *method;
    /* Absolute http:// or https:// URL. */
    const char *url;
    /* NULL-terminated array of "Name: value" header lines; NULL for none. */
    const char *const *headers;
    const uint8_t *body;
    size_t body_length;
    /* Whole-request timeout in milliseconds; 0 for the host's default (30 s). */
    uint32_t timeout_ms;
    /* Verify the server's TLS certificate (true unless the operator asked otherwise). */
    bool verify_tls;
    /* PEM file of trusted CA certificates; NULL for the system's. */
    const char *ca_file;
} ecss_http_request;

/*
 * A response, filled by host_aws_request or host_http_request. The plugin owns the struct
 * and sets struct_size = sizeof(ecss_http_response) before the call; the host fills the rest.
 * OWNERSHIP: every pointer in it is the host's; release them all with host_response_free().
 */
typedef struct ecss_http_response {
    uint32_t struct_size;
    /* HTTP status; 0 when no response arrived. */
    int32_t status;
    /* Response header lines, "name: value\r\n" each, names in lowercase; never NULL after
     * a call (empty when no response arrived). */
    char *headers;
    /* Response body with a NUL byte after its last byte; never NULL after a call (empty when
     * no response arrived). */
    uint8_t *body;
    size_t body_length;
    /* AWS error code ("ConditionalCheckFailedException", "NoSuchKey") from an AWS error
     * response; NULL otherwise. */
    char *error_code;
    /* AWS request id; NULL when the service sent none. */
    char *request_id;
} ecss_http_response;

/*
 * What the host provides. Passed to the plugin's init or open hook; valid until exit.
 * Every callback may be called from any thread.
 */
typedef struct ecss_host_api {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;

    /* ---- since 1.0 ---- */

    /* Allocates memory the plugin hands to the host (malloc). Never returns NULL: the host
     * aborts when memory runs out. */
    void *(*host_alloc)(size_t size);
    /* Frees memory the host handed to the plugin, or memory from host_alloc. NULL is ignored. */
    void (*host_free)(void *pointer);

    /* Writes one log line as the plugin, tagged with job_id when it is not NULL.
     * Never pass secrets. */
    void (*host_log)(ecss_host_handle *handle, ecss_log_level level, const char *job_id,
                     const char *message);

    /* Reads a setting of the host's configuration, after {NAME} placeholders are filled:
     * any ECSS_* variable by name, and "aws.region" for the region the host resolved.
     * Returns ECSS_NOT_FOUND when it is not set.
     * OWNERSHIP: *value_out is the host's; release it with host_free(). */
    ecss_status (*host_config_get)(ecss_host_handle *handle, const char *key, char **value_out);

    /* Sends a signed AWS request and waits for the final response (after retries).
     * Returns ECSS_OK for a 2xx status; ECSS_NOT_FOUND for 404; ECSS_CONFLICT for 409, 412
     * and ConditionalCheckFailedException; ECSS_RETRY when throttling, 5xx or connection
     * failures outlasted the retries; ECSS_INVALID for a malformed request or a response
     * whose struct_size is unset; ECSS_ERROR otherwise. On failure *response holds what
     * arrived (status 0 when nothing did) and *error_out names the service, operation,
     * status, AWS error code and request id.
     * OWNERSHIP: release *response with host_response_free() and *error_out with host_free(). */
    ecss_status (*host_aws_request)(ecss_host_handle *handle, const ecss_aws_request *request,
                                    ecss_http_response *response, char **error_out);

    /* Sends a plain HTTP request once. Returns ECSS_OK when any HTTP response arrived
     * (whatever its status, which is in *response); ECSS_RETRY on a connection failure or
     * timeout; ECSS_INVALID for a malformed request.
     * OWNERSHIP: as host_aws_request. */
    ecss_status (*host_http_request)(ecss_host_handle *handle, const ecss_http_request *request,
                                     ecss_http_response *response, char **error_out);

    /* Releases what a response holds and clears its pointers. The struct itself is the caller's. */
    void (*host_response_free)(ecss_http_response *response);

    /* Reads member `key` of a JSON object as a string: JSON strings as they are; numbers,
     * booleans, objects and arrays as their compact JSON text. Returns ECSS_NOT_FOUND when
     * there is no such member or it is null, ECSS_INVALID when `json_object` is not a JSON
     * object.
     * OWNERSHIP: *value_out is the host's; release it with host_free(). */
    ecss_status (*host_json_get)(const char *json_object, const char *key, char **value_out);
} ecss_host_api;

/*
 * Trigger hooks: a trigger decides, at each fire of a job whose "trigger" object names the
 * trigger's type, how many tasks should be running.
 */
typedef struct ecss_trigger_hooks {
    uint32_t struct_size;

    /* ---- since 1.0 ---- */

    /* Called once, on the thread that loads plugins at start-up, before any other hook. May
     * set *state_out to a pointer that later hooks receive as `state`. May be NULL (the
     * state is then NULL).
     * Returning anything but ECSS_OK rejects the plugin; the host logs *error_out and starts
     * without it. */
    ecss_status (*on_init)(const ecss_host_api *host, ecss_host_handle *handle, void **state_out,
                           char **error_out);

    /* Checks a job's "trigger" object (JSON object text, with "type") when a job is created or
     * updated through the API. Returns ECSS_OK, or ECSS_INVALID with a message the API caller
     * receives, such as "sqs trigger requires queueName".
     * Required. THREADING: called from API threads, several at once. Must not block on the
     * network. */
    ecss_status (*on_validate)(void *state, const char *trigger_json, char **error_out);

    /* Computes how many tasks should be running after this fire. `job_json` is the whole job
     * (with "id", "taskCount", "maxCount" when set, and "trigger"). Sets *desired_count_out
     * (0 or more) and returns ECSS_OK; any other status fails this fire only. Required.
     * THREADING: called from host worker threads, several at once, for different jobs; never
     * twice at once for one job.
     * The host stops waiting after ECSS_TRIGGER_TIMEOUT seconds and fails the fire; the call
     * itself cannot be cancelled, so keep network timeouts shorter than that. */
    ecss_status (*on_evaluate)(void *state, const char *job_json, int32_t *desired_count_out,
                               char **error_out);

    /* Called once at shutdown, after the last other hook has returned. May be NULL. */
    void (*on_shutdown)(void *state);
} ecss_trigger_hooks;

/* Called by on_load_all once per stored job, on the thread running on_load_all and before
 * it returns. Returns ECSS_OK to go on; anything else stops the load and on_load_all
 * returns that status. Borrowed arguments. */
typedef ecss_status (*ecss_job_visitor)(void *context, const char *job_id, const char *job_json);

/*
 * Store hooks: a store keeps jobs. The host keeps every job in memory and calls the store
 * to load them at start-up and to write each change before it responds to the API caller.
 * `job_json` is the job's JSON object text without "id", in the stored format.
 */
typedef struct ecss_store_hooks {
    uint32_t struct_size;

    /* ---- since 1.0 ---- */

    /* Opens the store, creating what is missing (file, bucket, table, index), before any
     * other hook, on the thread that sets up the store at start-up. `settings_json` is a JSON
     * object: the store's block of the configuration file, or the values of its environment
     * variables. Sets *store_out to the store's own pointer. Required.
     * Returns ECSS_INVALID for bad settings; the host then exits with the message. */
    ecss_status (*on_open)(const ecss_host_api *host, ecss_host_handle *handle,
                           const char *settings_json, void **store_out, char **error_out);

    /* Calls `visit` once per stored job, reading every page. Called once, after on_open.
     * Required. */
    ecss_status (*on_load_all)(void *store, ecss_job_visitor visit, void *visit_context,
                               char **error_out);

    /* Reads one job. ECSS_NOT_FOUND when missing. May be NULL: this host keeps every job in
     * memory and does not call it at present.
     * OWNERSHIP: *job_json_out must come from host_alloc(). */
    ecss_status (*on_get)(void *store, const char *job_id, char **job_json_out, char **error_out);

    /* Creates a job atomically: ECSS_CONFLICT when the id exists, even if another process
     * wrote it. ECSS_OK means the write is durable. Required. */
    ecss_status (*on_create)(void *store, const char *job_id, const char *job_json,
                             char **error_out);

    /* Replaces a job's stored JSON. ECSS_OK means the write is durable. Required. */
    ecss_status (*on_update)(void *store, const char *job_id, const char *job_json,
                             char **error_out);

    /* Deletes a job. ECSS_NOT_FOUND when missing. Required. */
    ecss_status (*on_delete)(void *store, const char *job_id, char **error_out);

    /* Closes the store at shutdown after the last other hook has returned. May be NULL. */
    void (*on_close)(void *store);

    /* THREADING for on_get, on_create, on_update and on_delete: called from API and
     * scheduler threads, several at once, but never two at once for the same job id. */
} ecss_store_hooks;

/*
 * What ecss_plugin_entry returns: the plugin's identity and hooks.
 */
typedef struct ecss_plugin_descriptor {
    /* ECSS_PLUGIN_MAGIC. */
    uint32_t magic;
    /* sizeof(ecss_plugin_descriptor) as the plugin was compiled. */
    uint32_t struct_size;
    /* ECSS_ABI_MAJOR and ECSS_ABI_MINOR as the plugin was compiled. */
    uint16_t abi_major;
    uint16_t abi_minor;
    /* ECSS_KIND_TRIGGER or ECSS_KIND_STORE. */
    uint32_t kind;
    /* Trigger type as jobs name it ("sqs"), or store name ("sqlite"): 1 to 64 lowercase
     * letters, digits, '-' and '_'. */
    const char *type_name;
    /* The plugin's own version, such as "1.0.0". */
    const char *plugin_version;
    /* One line for the start-up log and the documentation. */
    const char *description;
    /* Set for ECSS_KIND_TRIGGER, NULL otherwise. */
    const ecss_trigger_hooks *trigger;
    /* Set for ECSS_KIND_STORE, NULL otherwise. */
    const ecss_store_hooks *store;
    /* Zero; room to grow without changing struct_size handling. */
    const void *reserved[4];
} ecss_plugin_descriptor;

/* The one symbol a plugin exports. Called once, right after dlopen, before anything else. */
typedef const ecss_plugin_descriptor *(*ecss_plugin_entry_fn)(void);

/* Defines ecss_plugin_entry returning a pointer to `descriptor`, a static
 * ecss_plugin_descriptor. Use it once per plugin library. */
#define ECSS_DECLARE_PLUGIN(descriptor) \
    ECSS_EXPORT const ecss_plugin_descriptor *ecss_plugin_entry(void) { return &(descriptor); }

#ifdef __cplusplus
}
#endif

#endif /* ECSS_PLUGIN_H */
