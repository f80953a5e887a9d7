/*
 * A store plugin for the plugin host tests: keeps jobs in a list in memory.
 *
 * Settings: {"preload": true} starts with three documents, "alpha" and "beta" (valid jobs)
 * and "broken" (not JSON); {"invalid": true} makes on_open fail with ECSS_INVALID.
 * Job ids choose failures: "busy-*" gets ECSS_RETRY, "broken-*" ECSS_ERROR with a message,
 * "silent-*" ECSS_ERROR without one.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ecss_plugin.h"

typedef struct document {
    char *id;
    char *json;
    struct document *next;
} document;

typedef struct store {
    pthread_mutex_t lock;
    document *documents;
} store;

static const ecss_host_api *host;

static char *copy_for_host(const char *text) {
    char *copy = host->host_alloc(strlen(text) + 1);
    strcpy(copy, text);
    return copy;
}

static void add_document(store *jobs, const char *id, const char *json) {
    document *entry = malloc(sizeof(document));
    entry->id = strdup(id);
    entry->json = strdup(json);
    entry->next = jobs->documents;
    jobs->documents = entry;
}

static document **find_document(store *jobs, const char *id) {
    document **link = &jobs->documents;
    while (*link != NULL && strcmp((*link)->id, id) != 0) {
        link = &(*link)->next;
    }
    return link;
}

static int has_prefix(const char *text, const char *prefix) {
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* Returns the failure a job id selects, or ECSS_OK. */
static ecss_status failure_for(const char *id, char **error_out) {
    if (has_prefix(id, "busy-")) {
        *error_out = copy_for_host("memory store is busy; try again");
        return ECSS_RETRY;
    }
    if (has_prefix(id, "broken-")) {
        *error_out = copy_for_host("memory store is out of space");
        return ECSS_ERROR;
    }
    if (has_prefix(id, "silent-")) {
        return ECSS_ERROR;
    }
    return ECSS_OK;
}

static ecss_status on_open(const ecss_host_api *host_api, ecss_host_handle *handle, const char *settings_json,
                           void **store_out, char **error_out) {
    (void)handle;
    host = host_api;
    char *value = NULL;
    if (host->host_json_get(settings_json, "invalid", &value) == ECSS_OK) {
        host->host_free(value);
        *error_out = copy_for_host("memory store settings are invalid; remove \"invalid\"");
        return ECSS_INVALID;
    }
    store *jobs = calloc(1, sizeof(store));
    pthread_mutex_init(&jobs->lock, NULL);
    if (host->host_json_get(settings_json, "preload", &value) == ECSS_OK) {
        host->host_free(value);
        add_document(jobs, "broken", "{not json");
        add_document(jobs, "beta", "{\"taskDefinition\": \"beta\", \"schedule\": \"0 */5\"}");
        add_document(jobs, "alpha", "{\"taskDefinition\": \"alpha\", \"schedule\": \"0 */5\"}");
    }
    *store_out = jobs;
    return ECSS_OK;
}

static ecss_status on_load_all(void *state, ecss_job_visitor visit, void *context, char **error_out) {
    (void)error_out;
    store *jobs = state;
    pthread_mutex_lock(&jobs->lock);
    ecss_status status = ECSS_OK;
    for (document *entry = jobs->documents; entry != NULL && status == ECSS_OK; entry = entry->next) {
        status = visit(context, entry->id, entry->json);
    }
    pthread_mutex_unlock(&jobs->lock);
    return status;
}

static ecss_status on_create(void *state, const char *id, const char *json, char **error_out) {
    ecss_status failure = failure_for(id, error_out);
    if (failure != ECSS_OK) {
        return failure;
    }
    store *jobs = state;
    pthread_mutex_lock(&jobs->lock);
    ecss_status status = ECSS_OK;
    if (*find_document(jobs, id) != NULL) {
        *error_out = copy_for_host("memory store already has this job");
        status = ECSS_CONFLICT;
    } else {
        add_document(jobs, id, json);
    }
    pthread_mutex_unlock(&jobs->lock);
    return status;
}

static ecss_status on_update(void *state, const char *id, const char *json, char **error_out) {
    ecss_status failure = failure_for(id, error_out);
    if (failure != ECSS_OK) {
        return failure;
    }
    store *jobs = state;
    pthread_mutex_lock(&jobs->lock);
    ecss_status status = ECSS_OK;
    document *entry = *find_document(jobs, id);
    if (entry == NULL) {
        status = ECSS_NOT_FOUND;
    } else {
        free(entry->json);
        entry->json = strdup(json);
    }
    pthread_mutex_unlock(&jobs->lock);
    return status;
}

static ecss_status on_delete(void *state, const char *id, char **error_out) {
    ecss_status failure = failure_for(id, error_out);
    if (failure != ECSS_OK) {
        return failure;
    }
    store *jobs = state;
    pthread_mutex_lock(&jobs->lock);
    ecss_status status = ECSS_OK;
    document **link = find_document(jobs, id);
    if (*link == NULL) {
        status = ECSS_NOT_FOUND;
    } else {
        document *entry = *link;
        *link = entry->next;
        free(entry->id);
        free(entry->json);
        free(entry);
    }
    pthread_mutex_unlock(&jobs->lock);
    return status;
}

static void on_close(void *state) {
    store *jobs = state;
    while (jobs->documents != NULL) {
        document *entry = jobs->documents;
        jobs->documents = entry->next;
        free(entry->id);
        free(entry->json);
        free(entry);
    }
    pthread_mutex_destroy(&jobs->lock);
    free(jobs);
}

static const ecss_store_hooks hooks = {
    .struct_size = sizeof(ecss_store_hooks),
    .on_open = on_open,
    .on_load_all = on_load_all,
    .on_get = NULL,
    .on_create = on_create,
    .on_update = on_update,
    .on_delete = on_delete,
    .on_close = on_close,
};

static const ecss_plugin_descriptor descriptor = {
    .magic = ECSS_PLUGIN_MAGIC,
    .struct_size = sizeof(ecss_plugin_descriptor),
    .abi_major = ECSS_ABI_MAJOR,
    .abi_minor = ECSS_ABI_MINOR,
    .kind = ECSS_KIND_STORE,
    .type_name = "memory-test",
    .plugin_version = "0.1.0",
    .description = "In-memory store for the plugin host tests",
    .trigger = NULL,
    .store = &hooks,
};

ECSS_DECLARE_PLUGIN(descriptor)
