#include "CMicroHTTPD.h"

#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct ecss_http_server {
    struct MHD_Daemon *daemon;
    ecss_http_server_options options;
    atomic_size_t requests_in_flight;
    bool quiesced;
};

/// Per-request state kept in MHD's `con_cls` slot between calls of the access handler.
typedef struct request_state {
    char *body;
    size_t length;
    size_t capacity;
    bool too_large;
} request_state;

static void log_message(void *cls, const char *format, va_list arguments) {
    ecss_http_server *server = cls;
    char message[512];
    vsnprintf(message, sizeof message, format, arguments);
    size_t length = strlen(message);
    while (length > 0 && (message[length - 1] == '\n' || message[length - 1] == '\r')) {
        message[--length] = '\0';
    }
    if (server->options.log != NULL) {
        server->options.log(server->options.context, message);
    }
}

/// Marks the body too large and frees what was read of it, so that later chunks are dropped.
static void drop_body(request_state *state) {
    state->too_large = true;
    free(state->body);
    state->body = NULL;
    state->length = 0;
    state->capacity = 0;
}

/// Appends an upload chunk to the body, or marks the body too large and drops the chunk.
static void append_chunk(request_state *state, const char *data, size_t size, size_t limit) {
    if (state->too_large) {
        return;
    }
    if (size > limit - state->length) {
        drop_body(state);
        return;
    }
    if (state->length + size > state->capacity) {
        size_t capacity = state->capacity == 0 ? 1024 : state->capacity;
        while (capacity < state->length + size) {
            capacity *= 2;
        }
        if (capacity > limit) {
            capacity = limit;
        }
        char *grown = realloc(state->body, capacity);
        if (grown == NULL) {
            // Out of memory for this body: respond as if it were too large.
            drop_body(state);
            return;
        }
        state->body = grown;
        state->capacity = capacity;
    }
    memcpy(state->body + state->length, data, size);
    state->length += size;
}

/// Returns the declared Content-Length, or 0 when the request has none.
static unsigned long long declared_body_length(struct MHD_Connection *connection) {
    const char *value = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (value == NULL) {
        return 0;
    }
    char *end = NULL;
    unsigned long long length = strtoull(value, &end, 10);
    return end != value ? length : 0;
}

/// True when the client waits for "100 Continue" before it sends the body.
static bool expects_continue(struct MHD_Connection *connection) {
    const char *value = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
    return value != NULL && strcasecmp(value, "100-continue") == 0;
}

/// Bodies over the limit but at most this many times larger are read and dropped before the
/// 413 goes out. A client that sends its whole body before it reads the response would
/// otherwise get a broken pipe instead of the 413. Larger bodies get the 413 at once.
#define DISCARD_FACTOR 16

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *connection, const char *url,
                                      const char *method, const char *version, const char *upload_data,
                                      size_t *upload_data_size, void **con_cls) {
    (void)version;
    ecss_http_server *server = cls;
    request_state *state = *con_cls;

    // First call for a request: only the headers are known.
    if (state == NULL) {
        state = calloc(1, sizeof *state);
        if (state == NULL) {
            return MHD_NO;
        }
        *con_cls = state;
        atomic_fetch_add(&server->requests_in_flight, 1);
        size_t limit = server->options.max_body_size;
        unsigned long long declared = declared_body_length(connection);
        if (declared > limit) {
            if (expects_continue(connection) || declared / DISCARD_FACTOR > limit) {
                // Respond before reading the body, so MHD closes the connection afterwards.
                return server->options.handler(server->options.context, connection, method, url, NULL, 0, true);
            }
            state->too_large = true;
        }
        return MHD_YES;
    }

    // Later calls with a part of the body.
    if (*upload_data_size > 0) {
        append_chunk(state, upload_data, *upload_data_size, server->options.max_body_size);
        *upload_data_size = 0;
        return MHD_YES;
    }

    // Last call: the whole request has arrived.
    return server->options.handler(server->options.context, connection, method, url, state->body, state->length,
                                   state->too_large);
}

static void request_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                              enum MHD_RequestTerminationCode code) {
    (void)connection;
    (void)code;
    ecss_http_server *server = cls;
    request_state *state = *con_cls;
    if (state == NULL) {
        return;
    }
    free(state->body);
    free(state);
    *con_cls = NULL;
    atomic_fetch_sub(&server->requests_in_flight, 1);
}

/// Resolves `host` and `port` into `address`; returns false with a message in `error`.
static bool resolve_address(const char *host, uint16_t port, struct sockaddr_storage *address, socklen_t *length,
                            char *error, size_t error_size) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo *found = NULL;
    int status = getaddrinfo(host, service, &hints, &found);
    if (status != 0 || found == NULL) {
        snprintf(error, error_size, "cannot resolve listen address %s: %s", host, gai_strerror(status));
        return false;
    }
    memcpy(address, found->ai_addr, found->ai_addrlen);
    *length = found->ai_addrlen;
    freeaddrinfo(found);
    return true;
}

ecss_http_server *ecss_http_server_start(const ecss_http_server_options *options, char *error,
                                         size_t error_size) {
    struct sockaddr_storage address;
    socklen_t address_length = 0;
    if (!resolve_address(options->host, options->port, &address, &address_length, error, error_size)) {
        return NULL;
    }
    ecss_http_server *server = calloc(1, sizeof *server);
    if (server == NULL) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    server->options = *options;
    atomic_init(&server->requests_in_flight, 0);

    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (address.ss_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
    }
    unsigned int threads = options->thread_pool_size > 0 ? options->thread_pool_size : 1;
    server->daemon = MHD_start_daemon(
        flags, options->port, NULL, NULL, access_handler, server,
        // The logger goes first so that errors about later options reach it.
        MHD_OPTION_EXTERNAL_LOGGER, log_message, server,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, options->connection_limit,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, options->connection_memory_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, options->connection_timeout,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, server,
        MHD_OPTION_END);
    if (server->daemon == NULL) {
        snprintf(error, error_size, "cannot listen on %s port %u (is the port in use?)", options->host,
                 (unsigned)options->port);
        free(server);
        return NULL;
    }
    return server;
}

uint16_t ecss_http_server_port(const ecss_http_server *server) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

void ecss_http_server_quiesce(ecss_http_server *server) {
    if (server->quiesced) {
        return;
    }
    server->quiesced = true;
    MHD_socket listener = MHD_quiesce_daemon(server->daemon);
    if (listener != MHD_INVALID_SOCKET) {
        close(listener);
    }
}

size_t ecss_http_server_requests_in_flight(const ecss_http_server *server) {
    return atomic_load(&((ecss_http_server *)server)->requests_in_flight);
}

void ecss_http_server_stop(ecss_http_server *server) {
    if (server == NULL) {
        return;
    }
    MHD_stop_daemon(server->daemon);
    free(server);
}
