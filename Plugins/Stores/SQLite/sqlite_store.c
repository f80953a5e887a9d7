/*
 * The SQLite job store plugin: one row per job in the table
 *
 *     jobs(id TEXT PRIMARY KEY NOT NULL, data JSONTEXT NOT NULL)
 *
 * where `data` is the job's JSON without "id". This is the format of the original Python
 * ecs-scheduler, so a database it wrote opens here unchanged.
 *
 * Settings (JSON object): {"file": "/path/to/jobs.db"}; the file and its parent folders are
 * created when missing.
 *
 * Thread safety: one connection, opened with SQLITE_OPEN_NOMUTEX, and one mutex that every
 * hook holds while it uses the connection or its prepared statements. SQLite serialises
 * writers anyway, so the mutex costs no write throughput.
 */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sqlite_store.h"

/* How long a write waits for another process (a second daemon) to release the database. */
#define BUSY_TIMEOUT_MS 5000

enum statement_index {
    SELECT_ALL,
    SELECT_ONE,
    INSERT_ONE,
    UPDATE_ONE,
    DELETE_ONE,
    STATEMENT_COUNT
};

static const char *const statement_sql[STATEMENT_COUNT] = {
    [SELECT_ALL] = "SELECT id, data, json_valid(data) FROM jobs ORDER BY id",
    [SELECT_ONE] = "SELECT data FROM jobs WHERE id = ?1",
    [INSERT_ONE] = "INSERT INTO jobs (id, data) VALUES (?1, ?2)",
    [UPDATE_ONE] = "UPDATE jobs SET data = ?2 WHERE id = ?1",
    [DELETE_ONE] = "DELETE FROM jobs WHERE id = ?1",
};

typedef struct sqlite_store {
    const ecss_host_api *host;
    ecss_host_handle *handle;
    char *path;
    sqlite3 *db;
    /* Guards `db` and `statements`: held for the whole of every hook that uses them. */
    pthread_mutex_t lock;
    sqlite3_stmt *statements[STATEMENT_COUNT];
} sqlite_store;

/* ---- messages ---- */

/* Formats a message into memory from host_alloc, as every *error_out must be. */
static char *host_format(const ecss_host_api *host, const char *format, va_list args) {
    va_list copy;
    va_copy(copy, args);
    int length = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    if (length < 0) length = 0;
    char *text = host->host_alloc((size_t)length + 1);
    vsnprintf(text, (size_t)length + 1, format, args);
    return text;
}

static void set_error(const ecss_host_api *host, char **error_out, const char *format, ...) {
    if (error_out == NULL) return;
    va_list args;
    va_start(args, format);
    *error_out = host_format(host, format, args);
    va_end(args);
}

static void store_log(const sqlite_store *store, ecss_log_level level, const char *job_id,
                      const char *format, ...) {
    va_list args;
    va_start(args, format);
    char *message = host_format(store->host, format, args);
    va_end(args);
    store->host->host_log(store->handle, level, job_id, message);
    store->host->host_free(message);
}

/* Maps a failed SQLite result code to a status. A database that another process kept locked
 * past the busy timeout may succeed later, so that is ECSS_RETRY; the rest is ECSS_ERROR. */
static ecss_status status_for(int result) {
    switch (result & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ECSS_RETRY;
    default:
        return ECSS_ERROR;
    }
}

/* ---- opening ---- */

/* Creates every missing folder above the store's file (as `mkdir -p` on its parent),
 * logging each one it creates. */
static ecss_status create_parent_folders(sqlite_store *store, char **error_out) {
    char *folder = strdup(store->path);
    if (folder == NULL) {
        set_error(store->host, error_out, "out of memory creating the folders of %s", store->path);
        return ECSS_ERROR;
    }
    char *last_slash = strrchr(folder, '/');
    ecss_status status = ECSS_OK;
    for (char *cursor = folder + 1; last_slash != NULL && cursor <= last_slash; cursor++) {
        if (*cursor != '/') continue;
        *cursor = '\0';
        struct stat info;
        if (stat(folder, &info) != 0) {
            if (mkdir(folder, 0777) == 0) {
                store_log(store, ECSS_LOG_INFO, NULL, "Created folder %s for the SQLite store", folder);
            } else if (errno != EEXIST) {
                set_error(store->host, error_out, "cannot create folder %s for SQLite file %s: %s", folder,
                          store->path, strerror(errno));
                status = ECSS_ERROR;
                break;
            }
        } else if (!S_ISDIR(info.st_mode)) {
            set_error(store->host, error_out, "%s is not a folder, so SQLite file %s cannot be created",
                      folder, store->path);
            status = ECSS_ERROR;
            break;
        }
        *cursor = '/';
    }
    free(folder);
    return status;
}

/* Runs one statement that returns at most one row and copies its first column as text
 * into `text_out` (of `capacity` bytes). With no row, `text_out` is an empty string. */
static int query_text(sqlite3 *db, const char *sql, char *text_out, size_t capacity) {
    sqlite3_stmt *statement = NULL;
    int result = sqlite3_prepare_v2(db, sql, -1, &statement, NULL);
    if (result != SQLITE_OK) return result;
    text_out[0] = '\0';
    result = sqlite3_step(statement);
    if (result == SQLITE_ROW) {
        const unsigned char *text = sqlite3_column_text(statement, 0);
        if (text != NULL) snprintf(text_out, capacity, "%s", (const char *)text);
        result = SQLITE_OK;
    } else if (result == SQLITE_DONE) {
        result = SQLITE_OK;
    }
    sqlite3_finalize(statement);
    return result;
}

/*
 * Sets the connection up for a store that must survive a crash of the daemon.
 *
 * WAL mode with synchronous=NORMAL: SQLite's documentation of PRAGMA synchronous
 * (https://www.sqlite.org/pragma.html#pragma_synchronous) states that WAL mode with NORMAL is
 * always consistent, that transactions are durable across application crashes whatever the
 * synchronous setting, and that a commit may roll back only after a power loss or an
 * operating-system crash. FULL would add an fsync to every commit, for that last case only.
 */
static ecss_status configure_connection(sqlite_store *store, char **error_out) {
    int result = sqlite3_busy_timeout(store->db, BUSY_TIMEOUT_MS);
    char mode[32];
    if (result == SQLITE_OK) result = query_text(store->db, "PRAGMA journal_mode=WAL", mode, sizeof mode);
    if (result == SQLITE_OK && strcmp(mode, "wal") != 0) {
        store_log(store, ECSS_LOG_WARNING, NULL,
                  "SQLite file %s stays in journal mode %s because WAL mode could not be set; "
                  "writes still survive a crash of the daemon", store->path, mode);
    }
    if (result == SQLITE_OK) result = sqlite3_exec(store->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    if (result != SQLITE_OK) {
        set_error(store->host, error_out, "cannot configure SQLite file %s: %s", store->path,
                  sqlite3_errmsg(store->db));
        return status_for(result);
    }
    return ECSS_OK;
}

/* Checks that an existing table `jobs` has the columns this store reads and writes, with
 * `id` as the primary key that makes creation atomic. */
static ecss_status check_table(sqlite_store *store, char **error_out) {
    sqlite3_stmt *statement = NULL;
    int result = sqlite3_prepare_v2(store->db, "SELECT name, pk FROM pragma_table_info('jobs')", -1,
                                    &statement, NULL);
    bool has_id_key = false;
    bool has_data = false;
    while (result == SQLITE_OK && (result = sqlite3_step(statement)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(statement, 0);
        if (name != NULL && strcmp(name, "id") == 0 && sqlite3_column_int(statement, 1) == 1) has_id_key = true;
        if (name != NULL && strcmp(name, "data") == 0) has_data = true;
        result = SQLITE_OK;
    }
    sqlite3_finalize(statement);
    if (result != SQLITE_DONE && result != SQLITE_OK) {
        set_error(store->host, error_out, "cannot read the schema of SQLite file %s: %s", store->path,
                  sqlite3_errmsg(store->db));
        return status_for(result);
    }
    if (!has_id_key || !has_data) {
        set_error(store->host, error_out,
                  "table jobs in SQLite file %s is not an ecs-scheduler table: it needs columns "
                  "id (the primary key) and data; set ECSS_SQLITE_FILE to another file",
                  store->path);
        return ECSS_INVALID;
    }
    return ECSS_OK;
}

/* Creates the table `jobs` when missing, or checks the one that exists. */
static ecss_status ensure_table(sqlite_store *store, char **error_out) {
    char found[8];
    int result = query_text(store->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'",
                            found, sizeof found);
    if (result == SQLITE_OK && found[0] != '\0') return check_table(store, error_out);
    if (result == SQLITE_OK) {
        result = sqlite3_exec(store->db,
                              "CREATE TABLE IF NOT EXISTS jobs(id TEXT PRIMARY KEY NOT NULL, data JSONTEXT NOT NULL)",
                              NULL, NULL, NULL);
    }
    if (result != SQLITE_OK) {
        set_error(store->host, error_out, "cannot create table jobs in SQLite file %s: %s", store->path,
                  sqlite3_errmsg(store->db));
        return status_for(result);
    }
    store_log(store, ECSS_LOG_INFO, NULL, "Created table jobs in SQLite file %s", store->path);
    return ECSS_OK;
}

static ecss_status prepare_statements(sqlite_store *store, char **error_out) {
    for (int index = 0; index < STATEMENT_COUNT; index++) {
        int result = sqlite3_prepare_v3(store->db, statement_sql[index], -1, SQLITE_PREPARE_PERSISTENT,
                                        &store->statements[index], NULL);
        if (result != SQLITE_OK) {
            set_error(store->host, error_out, "cannot prepare \"%s\" on SQLite file %s: %s",
                      statement_sql[index], store->path, sqlite3_errmsg(store->db));
            return status_for(result);
        }
    }
    return ECSS_OK;
}

static void destroy_store(sqlite_store *store) {
    for (int index = 0; index < STATEMENT_COUNT; index++) sqlite3_finalize(store->statements[index]);
    sqlite3_close(store->db);
    pthread_mutex_destroy(&store->lock);
    free(store->path);
    free(store);
}

/* Reads "file" from the settings; ECSS_INVALID with a message naming the fix when absent. */
static ecss_status read_file_setting(const ecss_host_api *host, const char *settings_json, char **path_out,
                                     char **error_out) {
    char *value = NULL;
    ecss_status status = host->host_json_get(settings_json, "file", &value);
    if (status == ECSS_INVALID) {
        set_error(host, error_out, "SQLite store settings are not a JSON object: %s", settings_json);
        return ECSS_INVALID;
    }
    if (status != ECSS_OK || value[0] == '\0') {
        host->host_free(value);
        set_error(host, error_out,
                  "SQLite store settings have no \"file\"; set ECSS_SQLITE_FILE, or file: under sqlite: "
                  "in the configuration file, to the path of the database file");
        return ECSS_INVALID;
    }
    *path_out = strdup(value);
    host->host_free(value);
    if (*path_out == NULL) {
        set_error(host, error_out, "out of memory reading the SQLite store settings");
        return ECSS_ERROR;
    }
    return ECSS_OK;
}

static ecss_status open_database(sqlite_store *store, char **error_out) {
    ecss_status status = create_parent_folders(store, error_out);
    if (status != ECSS_OK) return status;

    struct stat info;
    bool existed = stat(store->path, &info) == 0;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int result = sqlite3_open_v2(store->path, &store->db, flags, NULL);
    if (result != SQLITE_OK) {
        set_error(store->host, error_out, "cannot open SQLite file %s: %s", store->path,
                  store->db != NULL ? sqlite3_errmsg(store->db) : sqlite3_errstr(result));
        return ECSS_ERROR;
    }
    sqlite3_extended_result_codes(store->db, 1);

    status = configure_connection(store, error_out);
    if (status == ECSS_OK && !existed) {
        store_log(store, ECSS_LOG_INFO, NULL, "Created SQLite file %s", store->path);
    }
    if (status == ECSS_OK) status = ensure_table(store, error_out);
    if (status == ECSS_OK) status = prepare_statements(store, error_out);
    return status;
}

/* The host table must reach at least host_json_get, the last callback this plugin uses. */
static bool host_is_complete(const ecss_host_api *host) {
    return host != NULL && host->abi_major == ECSS_ABI_MAJOR &&
           host->struct_size >= offsetof(ecss_host_api, host_json_get) + sizeof(host->host_json_get);
}

static ecss_status sqlite_open(const ecss_host_api *host, ecss_host_handle *handle, const char *settings_json,
                               void **store_out, char **error_out) {
    if (!host_is_complete(host)) return ECSS_ERROR;

    sqlite_store *store = calloc(1, sizeof *store);
    if (store == NULL) {
        set_error(host, error_out, "out of memory opening the SQLite store");
        return ECSS_ERROR;
    }
    store->host = host;
    store->handle = handle;
    pthread_mutex_init(&store->lock, NULL);

    ecss_status status = read_file_setting(host, settings_json, &store->path, error_out);
    if (status == ECSS_OK) status = open_database(store, error_out);
    if (status != ECSS_OK) {
        destroy_store(store);
        return status;
    }
    store_log(store, ECSS_LOG_INFO, NULL, "Opened SQLite store %s", store->path);
    *store_out = store;
    return ECSS_OK;
}

/* ---- job hooks ---- */

/* Loads every row in id order. The store's lock is held while `visit` runs, so `visit`
 * must not call back into this store. */
static ecss_status sqlite_load_all(void *opaque, ecss_job_visitor visit, void *visit_context, char **error_out) {
    sqlite_store *store = opaque;
    sqlite3_stmt *statement = store->statements[SELECT_ALL];
    ecss_status status = ECSS_OK;
    int result;

    pthread_mutex_lock(&store->lock);
    while ((result = sqlite3_step(statement)) == SQLITE_ROW) {
        const char *job_id = (const char *)sqlite3_column_text(statement, 0);
        const char *job_json = (const char *)sqlite3_column_text(statement, 1);
        if (job_id == NULL || job_json == NULL) continue;
        if (sqlite3_column_int(statement, 2) == 0) {
            store_log(store, ECSS_LOG_ERROR, job_id, "Skipped job %s in SQLite file %s because its data is not JSON",
                      job_id, store->path);
            continue;
        }
        status = visit(visit_context, job_id, job_json);
        if (status != ECSS_OK) break;
    }
    if (status == ECSS_OK && result != SQLITE_DONE) {
        set_error(store->host, error_out, "SQLite read of all jobs in %s failed: %s", store->path,
                  sqlite3_errmsg(store->db));
        status = status_for(result);
    }
    sqlite3_reset(statement);
    pthread_mutex_unlock(&store->lock);
    return status;
}

static ecss_status sqlite_get(void *opaque, const char *job_id, char **job_json_out, char **error_out) {
    sqlite_store *store = opaque;
    sqlite3_stmt *statement = store->statements[SELECT_ONE];
    ecss_status status = ECSS_OK;

    pthread_mutex_lock(&store->lock);
    sqlite3_bind_text(statement, 1, job_id, -1, SQLITE_STATIC);
    int result = sqlite3_step(statement);
    if (result == SQLITE_ROW) {
        const char *data = (const char *)sqlite3_column_text(statement, 0);
        size_t length = data != NULL ? (size_t)sqlite3_column_bytes(statement, 0) : 0;
        char *copy = store->host->host_alloc(length + 1);
        if (length > 0) memcpy(copy, data, length);
        copy[length] = '\0';
        *job_json_out = copy;
    } else if (result == SQLITE_DONE) {
        set_error(store->host, error_out, "Job %s does not exist.", job_id);
        status = ECSS_NOT_FOUND;
    } else {
        set_error(store->host, error_out, "SQLite read of job %s in %s failed: %s (code %d)", job_id,
                  store->path, sqlite3_errmsg(store->db), result);
        status = status_for(result);
    }
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    pthread_mutex_unlock(&store->lock);
    return status;
}

/* Runs one of the write statements for `job_id` (and `job_json` unless NULL). A duplicate id
 * is ECSS_CONFLICT; a write that changes no row is ECSS_NOT_FOUND. */
static ecss_status run_write(sqlite_store *store, enum statement_index index, const char *action,
                             const char *job_id, const char *job_json, char **error_out) {
    sqlite3_stmt *statement = store->statements[index];
    ecss_status status = ECSS_OK;

    pthread_mutex_lock(&store->lock);
    sqlite3_bind_text(statement, 1, job_id, -1, SQLITE_STATIC);
    if (job_json != NULL) sqlite3_bind_text(statement, 2, job_json, -1, SQLITE_STATIC);
    int result = sqlite3_step(statement);
    if (result == SQLITE_CONSTRAINT_PRIMARYKEY) {
        set_error(store->host, error_out, "Job %s already exists.", job_id);
        status = ECSS_CONFLICT;
    } else if (result != SQLITE_DONE) {
        set_error(store->host, error_out, "SQLite %s of job %s in %s failed: %s (code %d)", action, job_id,
                  store->path, sqlite3_errmsg(store->db), result);
        status = status_for(result);
    } else if (sqlite3_changes(store->db) == 0) {
        set_error(store->host, error_out, "Job %s does not exist.", job_id);
        status = ECSS_NOT_FOUND;
    }
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    pthread_mutex_unlock(&store->lock);
    return status;
}

static ecss_status sqlite_create(void *store, const char *job_id, const char *job_json, char **error_out) {
    return run_write(store, INSERT_ONE, "insert", job_id, job_json, error_out);
}

static ecss_status sqlite_update(void *store, const char *job_id, const char *job_json, char **error_out) {
    return run_write(store, UPDATE_ONE, "update", job_id, job_json, error_out);
}

static ecss_status sqlite_delete(void *store, const char *job_id, char **error_out) {
    return run_write(store, DELETE_ONE, "delete", job_id, NULL, error_out);
}

static void sqlite_close(void *opaque) {
    destroy_store(opaque);
}

/* ---- the descriptor ---- */

static const ecss_store_hooks sqlite_hooks = {
    .struct_size = sizeof(ecss_store_hooks),
    .on_open = sqlite_open,
    .on_load_all = sqlite_load_all,
    .on_get = sqlite_get,
    .on_create = sqlite_create,
    .on_update = sqlite_update,
    .on_delete = sqlite_delete,
    .on_close = sqlite_close,
};

static const ecss_plugin_descriptor sqlite_descriptor = {
    .magic = ECSS_PLUGIN_MAGIC,
    .struct_size = sizeof(ecss_plugin_descriptor),
    .abi_major = ECSS_ABI_MAJOR,
    .abi_minor = ECSS_ABI_MINOR,
    .kind = ECSS_KIND_STORE,
    .type_name = "sqlite",
    .plugin_version = "1.0.0",
    .description = "Jobs in a SQLite file, table jobs(id, data), as the original ecs-scheduler stored them",
    .trigger = NULL,
    .store = &sqlite_hooks,
};

ECSS_DECLARE_PLUGIN(sqlite_descriptor)
