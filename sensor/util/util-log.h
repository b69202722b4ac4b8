/* Lifecycle logging: start-up, configuration, shutdown, link state. Never once per packet:
 * per-packet conditions are counters (see the stats event).
 *
 * The level is checked before the message is formatted. Messages go to stderr as
 * "canh-sensor: <level>: <message>" (the level word is omitted for errors given as
 * user-facing diagnostics with canh_diag). */
#ifndef CANH_UTIL_LOG_H
#define CANH_UTIL_LOG_H

#include "util-common.h"

enum canh_log_level {
    CANH_LOG_ERROR = 0,
    CANH_LOG_WARNING = 1,
    CANH_LOG_NOTICE = 2,
    CANH_LOG_INFO = 3,
    CANH_LOG_DEBUG = 4,
};

/* Sets the program name and the level. Called once, before any thread starts; the
 * setting is read-only afterwards. */
void canh_log_init(const char *program, enum canh_log_level level);
enum canh_log_level canh_log_level(void);

void canh_log_write(enum canh_log_level level, const char *fmt, ...) CANH_PRINTF(2, 3);

/* Logs (at info level) the calling thread's CPU time as it ends: "<what>: cpu X s". */
void canh_log_thread_cpu(const char *what);

#define canh_log(level, ...)                                                                 \
    do {                                                                                     \
        if ((level) <= canh_log_level())                                                     \
            canh_log_write((level), __VA_ARGS__);                                            \
    } while (0)

#define log_error(...) canh_log(CANH_LOG_ERROR, __VA_ARGS__)
#define log_warning(...) canh_log(CANH_LOG_WARNING, __VA_ARGS__)
#define log_notice(...) canh_log(CANH_LOG_NOTICE, __VA_ARGS__)
#define log_info(...) canh_log(CANH_LOG_INFO, __VA_ARGS__)
#define log_debug(...) canh_log(CANH_LOG_DEBUG, __VA_ARGS__)

#endif
