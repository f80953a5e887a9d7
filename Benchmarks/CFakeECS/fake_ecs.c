#include "CFakeECS.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOKEN_SIZE 65

struct request_state {
    double arrival;
    char *body;
    size_t size;
};

static struct MHD_Daemon *server;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static double *arrivals;
static char (*tokens)[TOKEN_SIZE];
static size_t recorded;
static size_t capacity;
static atomic_ulong next_task_number;

static double now_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

// Reads the string value of "key" from a compact JSON object written by JSONSerialization.
static void copy_string_member(const char *body, const char *key, char *out, size_t out_size) {
    out[0] = '\0';
    const char *found = body ? strstr(body, key) : NULL;
    if (!found) return;
    const char *start = strchr(found + strlen(key), '"');
    if (!start) return;
    start++;
    const char *end = strchr(start, '"');
    if (!end) return;
    size_t length = (size_t)(end - start);
    if (length >= out_size) length = out_size - 1;
    memcpy(out, start, length);
    out[length] = '\0';
}

static int integer_member(const char *body, const char *key, int fallback) {
    const char *found = body ? strstr(body, key) : NULL;
    if (!found) return fallback;
    found += strlen(key);
    while (*found == ' ' || *found == ':') found++;
    int value = atoi(found);
    return value > 0 ? value : fallback;
}

static void record_run_task(double arrival, const char *body) {
    pthread_mutex_lock(&lock);
    if (recorded == capacity) {
        size_t grown = capacity ? capacity * 2 : 4096;
        arrivals = realloc(arrivals, grown * sizeof *arrivals);
        tokens = realloc(tokens, grown * sizeof *tokens);
        if (!arrivals || !tokens) abort();
        capacity = grown;
    }
    arrivals[recorded] = arrival;
    copy_string_member(body, "\"clientToken\"", tokens[recorded], TOKEN_SIZE);
    recorded++;
    pthread_mutex_unlock(&lock);
}

static char *run_task_response(const char *body) {
    int count = integer_member(body, "\"count\"", 1);
    size_t size = 64 + (size_t)count * 200;
    char *text = malloc(size);
    if (!text) abort();
    size_t used = (size_t)snprintf(text, size, "{\"tasks\":[");
    for (int i = 0; i < count; i++) {
        unsigned long number = atomic_fetch_add(&next_task_number, 1);
        used += (size_t)snprintf(text + used, size - used,
                                 "%s{\"taskArn\":\"arn:aws:ecs:us-east-1:123456789012:task/bench/%lu\","
                                 "\"containerInstanceArn\":\"arn:aws:ecs:us-east-1:123456789012:container-instance/bench/1\"}",
                                 i ? "," : "", number);
    }
    snprintf(text + used, size - used, "],\"failures\":[]}");
    return text;
}

static enum MHD_Result respond(struct MHD_Connection *connection, unsigned status, char *body) {
    struct MHD_Response *response = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(response, "Content-Type", "application/x-amz-json-1.1");
    MHD_add_response_header(response, "x-amzn-RequestId", "bench");
    enum MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
}

static enum MHD_Result handle(void *context, struct MHD_Connection *connection, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_size, void **request_context) {
    (void)context; (void)url; (void)method; (void)version;
    struct request_state *state = *request_context;
    if (!state) {
        state = calloc(1, sizeof *state);
        if (!state) return MHD_NO;
        state->arrival = now_seconds();
        *request_context = state;
        return MHD_YES;
    }
    if (*upload_size) {
        state->body = realloc(state->body, state->size + *upload_size + 1);
        if (!state->body) return MHD_NO;
        memcpy(state->body + state->size, upload_data, *upload_size);
        state->size += *upload_size;
        state->body[state->size] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }

    const char *target = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-Amz-Target");
    const char *operation = target ? strrchr(target, '.') : NULL;
    operation = operation ? operation + 1 : "";
    if (strcmp(operation, "RunTask") == 0) {
        record_run_task(state->arrival, state->body);
        return respond(connection, 200, run_task_response(state->body));
    }
    if (strcmp(operation, "ListTasks") == 0) return respond(connection, 200, strdup("{\"taskArns\":[]}"));
    if (strcmp(operation, "DescribeTasks") == 0) return respond(connection, 200, strdup("{\"tasks\":[],\"failures\":[]}"));
    return respond(connection, 400, strdup("{\"__type\":\"UnknownOperationException\",\"message\":\"not in the benchmark\"}"));
}

static void completed(void *context, struct MHD_Connection *connection, void **request_context,
                      enum MHD_RequestTerminationCode code) {
    (void)context; (void)connection; (void)code;
    struct request_state *state = *request_context;
    if (state) {
        free(state->body);
        free(state);
    }
    *request_context = NULL;
}

int fake_ecs_start(uint16_t port, unsigned threads) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    server = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, port, NULL, NULL,
                              handle, NULL,
                              MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
                              MHD_OPTION_THREAD_POOL_SIZE, threads,
                              MHD_OPTION_CONNECTION_LIMIT, 1000u,
                              MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                              MHD_OPTION_END);
    return server ? 0 : -1;
}

void fake_ecs_stop(void) {
    if (server) MHD_stop_daemon(server);
    server = NULL;
}

void fake_ecs_reset(void) {
    pthread_mutex_lock(&lock);
    recorded = 0;
    pthread_mutex_unlock(&lock);
}

size_t fake_ecs_run_task_count(void) {
    pthread_mutex_lock(&lock);
    size_t count = recorded;
    pthread_mutex_unlock(&lock);
    return count;
}

size_t fake_ecs_copy_arrivals(double *out, size_t out_capacity) {
    pthread_mutex_lock(&lock);
    size_t count = recorded < out_capacity ? recorded : out_capacity;
    memcpy(out, arrivals, count * sizeof *out);
    pthread_mutex_unlock(&lock);
    return count;
}

void fake_ecs_copy_token(size_t index, char *out) {
    pthread_mutex_lock(&lock);
    if (index < recorded) {
        memcpy(out, tokens[index], TOKEN_SIZE);
    } else {
        out[0] = '\0';
    }
    pthread_mutex_unlock(&lock);
}
