/*
 * file-exists: an example ecs-scheduler trigger plugin in C.
 *
 * A job with
 *     "trigger": {"type": "file-exists", "path": "/data/incoming/ready"}
 * gets min(taskCount, maxCount) tasks at a fire when the file exists, and none otherwise.
 *
 * Build:  cc -shared -fPIC -I<folder of ecss_plugin.h> -o file-exists.so file_exists_trigger.c
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ecss_plugin.h"

/* Set once by on_init, before any other hook runs, and only read afterwards. */
static const ecss_host_api *host;
static ecss_host_handle *handle;

/* Stores a formatted message in *error_out, allocated with host_alloc as the ABI requires. */
static void set_error(char **error_out, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    int length = vsnprintf(NULL, 0, format, arguments);
    va_end(arguments);
    if (error_out == NULL || length < 0) {
        return;
    }
    char *message = host->host_alloc((size_t)length + 1);
    va_start(arguments, format);
    vsnprintf(message, (size_t)length + 1, format, arguments);
    va_end(arguments);
    *error_out = message;
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

static ecss_status on_init(const ecss_host_api *host_api, ecss_host_handle *host_handle, void **state_out,
                           char **error_out) {
    (void)error_out;
    host = host_api;
    handle = host_handle;
    *state_out = NULL;
    return ECSS_OK;
}

/* Checks that the trigger object has an absolute "path". */
static ecss_status on_validate(void *state, const char *trigger_json, char **error_out) {
    (void)state;
    char *path = NULL;
    ecss_status status = host->host_json_get(trigger_json, "path", &path);
    if (status == ECSS_NOT_FOUND) {
        set_error(error_out, "file-exists trigger requires path");
        return ECSS_INVALID;
    }
    if (status != ECSS_OK) {
        set_error(error_out, "file-exists trigger must be a JSON object");
        return ECSS_INVALID;
    }
    if (path[0] != '/') {
        set_error(error_out, "file-exists trigger path must be an absolute path, not \"%s\"", path);
        host->host_free(path);
        return ECSS_INVALID;
    }
    host->host_free(path);
    return ECSS_OK;
}

/* Gives min(taskCount, maxCount) when the file exists, 0 when it does not. */
static ecss_status on_evaluate(void *state, const char *job_json, int32_t *desired_count_out, char **error_out) {
    (void)state;
    char *job_id = NULL;
    char *trigger = NULL;
    char *path = NULL;
    ecss_status status = ECSS_OK;
    host->host_json_get(job_json, "id", &job_id);

    if (host->host_json_get(job_json, "trigger", &trigger) != ECSS_OK ||
        host->host_json_get(trigger, "path", &path) != ECSS_OK) {
        set_error(error_out, "file-exists trigger requires path");
        status = ECSS_INVALID;
        goto done;
    }

    struct stat info;
    if (stat(path, &info) == 0) {
        long count = json_integer(job_json, "taskCount", 1);
        long max_count = json_integer(job_json, "maxCount", 50);
        *desired_count_out = (int32_t)(count < max_count ? count : max_count);
    } else if (errno == ENOENT || errno == ENOTDIR) {
        *desired_count_out = 0;
    } else {
        set_error(error_out, "file-exists trigger cannot check %s: %s", path, strerror(errno));
        status = ECSS_ERROR;
        goto done;
    }
    host->host_log(handle, ECSS_LOG_DEBUG, job_id, *desired_count_out > 0 ? "File exists" : "File missing");

done:
    host->host_free(path);
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
    .magic = ECSS_PLUGIN_MAGIC,
    .struct_size = sizeof(ecss_plugin_descriptor),
    .abi_major = ECSS_ABI_MAJOR,
    .abi_minor = ECSS_ABI_MINOR,
    .kind = ECSS_KIND_TRIGGER,
    .type_name = "file-exists",
    .plugin_version = "1.0.0",
    .description = "Starts taskCount tasks when a file exists",
    .trigger = &hooks,
    .store = NULL,
};

ECSS_DECLARE_PLUGIN(descriptor)
