// A small, non-variadic C interface over libmicrohttpd for the HTTPServer module.
//
// MHD_start_daemon takes its options as variadic arguments, which Swift cannot call, and a
// request body arrives through repeated calls of the access handler. This shim starts the
// daemon from a plain options struct, collects each request body (up to a size limit) and
// calls one request handler per complete request. The handler builds and queues the
// response itself with the ordinary MHD response functions.
//
// Threading: the handler and the log function run on the daemon's threads, several at once.
#ifndef ECSS_CMICROHTTPD_H
#define ECSS_CMICROHTTPD_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// Responds to one complete request by queueing a response on `connection`
/// (MHD_queue_response). `body` is borrowed until the call returns and is NULL when the
/// request had no body. `body_too_large` is true when the body exceeded the limit; the
/// body is then not passed and the handler should respond with 413.
typedef enum MHD_Result (*ecss_http_request_handler)(void *context, struct MHD_Connection *connection,
                                                     const char *method, const char *url,
                                                     const char *body, size_t body_length,
                                                     bool body_too_large);

/// Receives one formatted libmicrohttpd error message (borrowed until the call returns).
typedef void (*ecss_http_log_function)(void *context, const char *message);

/// Settings of `ecss_http_server_start`.
typedef struct ecss_http_server_options {
    /// Address to listen on: a numeric IPv4 or IPv6 address or a host name.
    const char *host;
    /// TCP port; 0 lets the kernel pick one (read it with `ecss_http_server_port`).
    uint16_t port;
    /// Number of threads that accept and serve connections (at least 1).
    unsigned int thread_pool_size;
    /// Maximum number of open connections; more are refused.
    unsigned int connection_limit;
    /// Bytes of memory per connection for headers and buffers.
    size_t connection_memory_limit;
    /// Seconds after which an idle connection is closed.
    unsigned int connection_timeout;
    /// Largest request body passed to the handler, in bytes.
    size_t max_body_size;
    ecss_http_request_handler handler;
    ecss_http_log_function log;
    /// Passed unchanged to `handler` and `log`.
    void *context;
} ecss_http_server_options;

typedef struct ecss_http_server ecss_http_server;

/// Starts a daemon listening on `options->host`:`options->port`.
/// OWNERSHIP: the caller owns the result and releases it with `ecss_http_server_stop`.
/// Returns NULL on failure, with a message in `error` (`error_size` bytes at most).
ecss_http_server *ecss_http_server_start(const ecss_http_server_options *options, char *error,
                                         size_t error_size);

/// The TCP port the server listens on.
uint16_t ecss_http_server_port(const ecss_http_server *server);

/// Stops accepting new connections; open connections are still served.
void ecss_http_server_quiesce(ecss_http_server *server);

/// Requests that have started but whose response has not been sent completely.
size_t ecss_http_server_requests_in_flight(const ecss_http_server *server);

/// Closes every connection, stops the daemon's threads and frees `server`.
void ecss_http_server_stop(ecss_http_server *server);

#endif
