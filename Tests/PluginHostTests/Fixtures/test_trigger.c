/*
 * A trigger plugin for the plugin host tests. Compile-time definitions make the broken
 * variants the loader must reject:
 *   -DTYPE_NAME='"name"'  the trigger type (default "test")
 *   -DMAGIC=0x...         the descriptor magic (default ECSS_PLUGIN_MAGIC)
 *   -DABI_MAJOR=n         the ABI major version (default ECSS_ABI_MAJOR)
 *   -DABI_MINOR=n         the ABI minor version (default ECSS_ABI_MINOR)
 *   -DINIT_FAILS          on_init returns ECSS_ERROR
 *   -DNO_ENTRY            no ecss_plugin_entry symbol
 *
 * Its trigger object takes optional members: "count" (the desired count, default taskCount),
 * "sleepMs" (how long on_evaluate sleeps), "fail" (on_evaluate returns ECSS_RETRY) and
 * "reject" (on_validate returns ECSS_INVALID).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecss_plugin.h"

#ifndef TYPE_NAME
#define TYPE_NAME "test"
#endif
#ifndef MAGIC
#define MAGIC ECSS_PLUGIN_MAGIC
#endif
#ifndef ABI_MAJOR
#define ABI_MAJOR ECSS_ABI_MAJOR
#endif
#ifndef ABI_MINOR
#define ABI_MINOR ECSS_ABI_MINOR
#endif

static const ecss_host_api *host;
static ecss_host_handle *handle;

static char *copy_for_host(const char *text) {
    char *copy = host->host_alloc(strlen(text) + 1);
    strcpy(copy, text);
    return copy;
}

/* Reads an integer member of a JSON object; `fallback` when it is missing. */
static long json_integer(const char *json, const char *key, long fallback) {
    char *text = NULL;
    if (host->host_json_get(json, key, &text) != ECSS_OK) {
        return fallback;
    }
    long value = strtol(text, NULL, 10);
    host->host_free(text);
    return value;
}

static int has_member(const char *json, const char *key) {
    char *text = NULL;
    if (host->host_json_get(json, key, &text) != ECSS_OK) {
        return 0;
    }
    host->host_free(text);
    return 1;
}

static ecss_status on_init(const ecss_host_api *host_api, ecss_host_handle *host_handle, void **state_out,
                           char **error_out) {
    host = host_api;
    handle = host_handle;
    *state_out = NULL;
#ifdef INIT_FAILS
    *error_out = copy_for_host("test trigger cannot reach its service; set TEST_SERVICE_URL");
    return ECSS_ERROR;
#else
    (void)error_out;
    return ECSS_OK;
#endif
}

static ecss_status on_validate(void *state, const char *trigger_json, char **error_out) {
    (void)state;
    if (has_member(trigger_json, "reject")) {
        *error_out = copy_for_host(TYPE_NAME " trigger rejects reject");
        return ECSS_INVALID;
    }
    return ECSS_OK;
}

static ecss_status on_evaluate(void *state, const char *job_json, int32_t *desired_count_out, char **error_out) {
    (void)state;
    char *trigger = NULL;
    char *job_id = NULL;
    host->host_json_get(job_json, "trigger", &trigger);
    host->host_json_get(job_json, "id", &job_id);

    long sleep_ms = json_integer(trigger, "sleepMs", 0);
    if (sleep_ms > 0) {
        usleep((useconds_t)sleep_ms * 1000);
    }
    ecss_status status = ECSS_OK;
    if (has_member(trigger, "fail")) {
        *error_out = copy_for_host("queue service throttled the request");
        status = ECSS_RETRY;
    } else {
        *desired_count_out = (int32_t)json_integer(trigger, "count", json_integer(job_json, "taskCount", 1));
        host->host_log(handle, ECSS_LOG_INFO, job_id, "Test trigger evaluated");
    }
    host->host_free(trigger);
    host->host_free(job_id);
    return status;
}

static const ecss_trigger_hooks hooks = {
    .struct_size = sizeof(ecss_trigger_hooks),
    .on_init = on_init,
    .on_validate = on_validate,
    .on_evaluate = on_evaluate,
    .on_shutdown = NULL,
};

static const ecss_plugin_descriptor descriptor = {
    .magic = MAGIC,
    .struct_size = sizeof(ecss_plugin_descriptor),
    .abi_major = ABI_MAJOR,
    .abi_minor = ABI_MINOR,
    .kind = ECSS_KIND_TRIGGER,
    .type_name = TYPE_NAME,
    .plugin_version = "0.1.0",
    .description = "Trigger for the plugin host tests",
    .trigger = &hooks,
    .store = NULL,
};

#ifndef NO_ENTRY
ECSS_DECLARE_PLUGIN(descriptor)
#else
/* Keeps the descriptor referenced, so the compiler does not warn that it is unused. */
ECSS_EXPORT const ecss_plugin_descriptor *ecss_plugin_entry_misspelt(void) { return &descriptor; }
#endif
