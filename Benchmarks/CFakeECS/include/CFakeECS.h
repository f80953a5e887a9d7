// A minimal ECS endpoint for the scheduler benchmark: it answers ListTasks and DescribeTasks
// with no tasks and RunTask with the requested number of started tasks, at once, and records
// when each RunTask request arrived and its clientToken.
#ifndef CFAKEECS_H
#define CFAKEECS_H

#include <stddef.h>
#include <stdint.h>

// Starts listening on 127.0.0.1:`port` with `threads` polling threads. Returns 0 on success.
int fake_ecs_start(uint16_t port, unsigned threads);

void fake_ecs_stop(void);

// Forgets every recorded RunTask request.
void fake_ecs_reset(void);

// The number of RunTask requests received since the last reset.
size_t fake_ecs_run_task_count(void);

// Copies up to `capacity` arrival times (seconds since 1970, CLOCK_REALTIME) of RunTask
// requests into `out` and returns how many were copied.
size_t fake_ecs_copy_arrivals(double *out, size_t capacity);

// Copies the clientToken of RunTask request `index` (up to 64 characters and a NUL) into
// `out`, which must hold 65 bytes. An absent token gives an empty string.
void fake_ecs_copy_token(size_t index, char *out);

#endif
