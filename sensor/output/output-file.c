/* Output thread: drains every worker's event ring into eve.json, and writes the stats
 * events.
 *
 * Lines are gathered in a buffer and written with write(2). If a write fails (a full
 * disk, an I/O error), the file is cut back to the last complete line, the events of
 * the failed write are counted as lost ("output.write_errors"), one warning is logged,
 * and writing is tried again with the next batch; a notice is logged when writes work
 * again. The thread stops once every worker has finished and every ring is empty. */
#include "sensor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util-json.h"
#include "util/util-log.h"

#define OUTPUT_BUF_SIZE (1u << 20)  /* bytes gathered before a write */
#define OUTPUT_FLUSH_MS 500         /* longest an event waits in the buffer */
#define OUTPUT_WAIT_MS 100
#define OUTPUT_RING_BUDGET 512      /* events taken from one ring before the next */

struct output_file {
    struct sensor *s;
    char path[4096];
    int fd;
    off_t good_off;      /* file size after the last successful write */
    char *buf;
    size_t len;
    uint64_t events_in_buf;
    bool failing;        /* the last write failed */
    uint64_t last_flush_ms;
};

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t real_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void output_flush(struct output_file *o)
{
    o->last_flush_ms = mono_ms();
    if (o->len == 0)
        return;
    size_t off = 0;
    int err = 0;
    while (off < o->len) {
        ssize_t n = write(o->fd, o->buf + off, o->len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            err = n < 0 ? errno : ENOSPC;
            break;
        }
        off += (size_t)n;
    }
    struct sensor *s = o->s;
    if (err == 0) {
        o->good_off += (off_t)o->len;
        STAT_ADD(s->output.written, o->events_in_buf);
        if (o->failing) {
            log_notice("%s: writing again", o->path);
            o->failing = false;
        }
    } else {
        /* Keep the file made of whole lines. */
        if (off > 0 && ftruncate(o->fd, o->good_off) == 0)
            lseek(o->fd, o->good_off, SEEK_SET);
        STAT_ADD(s->output.write_errors, o->events_in_buf);
        if (!o->failing)
            log_warning("%s: write failed: %s (%llu events lost; lost events are counted in "
                        "stats output.write_errors; writing will be retried)",
                        o->path, strerror(err), (unsigned long long)o->events_in_buf);
        o->failing = true;
    }
    o->len = 0;
    o->events_in_buf = 0;
}

static void output_line(struct output_file *o, const char *line, size_t len)
{
    if (o->fd < 0) {
        STAT_INC(o->s->output.write_errors); /* the file could not be opened */
        return;
    }
    if (o->len + len > OUTPUT_BUF_SIZE)
        output_flush(o);
    if (len > OUTPUT_BUF_SIZE) {
        STAT_INC(o->s->output.write_errors);
        return;
    }
    memcpy(o->buf + o->len, line, len);
    o->len += len;
    o->events_in_buf++;
}

/* Writes a stats event built with the output thread's own event frame. */
static void output_stats(struct output_file *o, struct eve *e)
{
    struct sensor *s = o->s;
    if (!(s->conf.eve_types & EVE_STATS) || !s->conf.eve_enabled)
        return;
    uint64_t now = real_us();
    eve_begin(e, EVE_STATS, "stats", now);
    stats_write(s, &e->j, now);
    eve_end(e);
    if (e->j.overflow)
        return;
    output_line(o, e->buf, e->j.len);
    STAT_INC(s->output.stats_events);
}

static bool output_any_ready(void *arg)
{
    struct sensor *s = arg;
    for (unsigned i = 0; i < s->nworkers; i++)
        if (ring_has_data(s->workers[i].eve.ring))
            return true;
    return atomic_load(&s->workers_done) != 0;
}

void *output_main(void *arg)
{
    struct sensor *s = arg;
    pthread_setname_np(pthread_self(), "canh-output");
    struct output_file o = { .s = s, .fd = -1 };
    struct eve e = {
        .sensor_id = s->sensor_id,
        .org = s->conf.org,
        .boot_id = s->boot_id,
        .worker = s->nworkers, /* the output thread numbers after the workers */
        .types = EVE_STATS,
    };
    if (eve_init(&e) != CANH_OK) {
        log_error("output: out of memory");
        return NULL;
    }
    if (s->conf.eve_enabled) {
        snprintf(o.path, sizeof(o.path), "%s/%s", s->log_dir, s->conf.eve_filename);
        o.buf = malloc(OUTPUT_BUF_SIZE);
        o.fd = open(o.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (o.fd < 0 || o.buf == NULL)
            log_error("%s: cannot open for writing: %s (events will be counted, not written)",
                      o.path, o.buf == NULL ? "out of memory" : strerror(errno));
        else
            o.good_off = lseek(o.fd, 0, SEEK_END);
        if (o.buf == NULL && o.fd >= 0) {
            close(o.fd);
            o.fd = -1;
        }
    }

    uint64_t interval_ms = (uint64_t)s->conf.stats_interval * 1000u;
    uint64_t next_stats = interval_ms ? mono_ms() + interval_ms : UINT64_MAX;
    o.last_flush_ms = mono_ms();
    for (;;) {
        bool done = atomic_load(&s->workers_done) != 0; /* read before draining */
        uint64_t got = 0;
        for (unsigned i = 0; i < s->nworkers; i++) {
            struct ring *r = s->workers[i].eve.ring;
            uint32_t type, len;
            const void *rec;
            for (unsigned k = 0; k < OUTPUT_RING_BUDGET && (rec = ring_peek(r, &type, &len)) != NULL; k++) {
                output_line(&o, rec, len);
                ring_consume(r);
                got++;
            }
            ring_release(r);
        }
        uint64_t now = mono_ms();
        if (now >= next_stats) {
            output_stats(&o, &e);
            next_stats = now + interval_ms;
        }
        if (got > 0)
            continue;
        if (done)
            break;
        if (now - o.last_flush_ms >= OUTPUT_FLUSH_MS)
            output_flush(&o);
        ring_bell_wait(&s->output_bell, output_any_ready, s, OUTPUT_WAIT_MS);
    }
    /* Write everything first, so the final stats count it (all but themselves). */
    output_flush(&o);
    output_stats(&o, &e);
    output_flush(&o);
    if (o.fd >= 0 && fsync(o.fd) != 0 && errno != EINVAL)
        log_warning("%s: fsync failed: %s", o.path, strerror(errno));
    if (o.fd >= 0)
        close(o.fd);
    free(o.buf);
    eve_destroy(&e);
    canh_log_thread_cpu("canh-output");
    return NULL;
}
