/* Lifecycle logging to stderr. See util-log.h. */
#include "util-log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

/* Written once by canh_log_init() before threads start, read-only afterwards. */
static const char *log_program = "canh-sensor";
static enum canh_log_level log_level_current = CANH_LOG_NOTICE;

void canh_log_init(const char *program, enum canh_log_level level)
{
    if (program != NULL)
        log_program = program;
    log_level_current = level;
}

enum canh_log_level canh_log_level(void)
{
    return log_level_current;
}

void canh_log_write(enum canh_log_level level, const char *fmt, ...)
{
    static const char *const names[] = { "error", "warning", "notice", "info", "debug" };
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    /* One fprintf per line so that lines of different threads do not interleave. */
    fprintf(stderr, "%s: %s: %s\n", log_program, names[level], line);
}

void canh_log_thread_cpu(const char *what)
{
    struct timespec ts;
    if (canh_log_level() >= CANH_LOG_INFO && clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
        canh_log_write(CANH_LOG_INFO, "%s: cpu %.3f s", what, (double)ts.tv_sec + ts.tv_nsec / 1e9);
}
