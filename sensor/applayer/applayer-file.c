/* Files carried by application protocols. See applayer-file.h. */
#include "applayer/applayer-file.h"

#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/util-log.h"

#define FILE_LOG_EVERY_US (60u * 1000000u) /* store errors: one warning a minute at most */

struct file_track {
    gcry_md_hd_t md;
    uint64_t size;
    bool gaps;
    uint8_t *head;           /* the first bytes: libmagic and the scan */
    uint32_t head_len, head_cap;
    char *name;
    uint32_t name_len;
    int fd;                  /* the copy being stored, or -1 */
    uint64_t reserved;       /* bytes of it counted in file_engine.stored_bytes */
    char tmp[PATH_MAX];
};

struct file_thread {
    struct file_engine *fe;
    magic_t mime_cookie, desc_cookie;
    unsigned worker;
    uint64_t n;              /* files opened, for temporary names */
    uint32_t head_max;       /* bytes of head kept per file */
    struct file_stats stats;
    uint64_t last_warn_us;
    /* What the last file_close() described. */
    char mime[128], magic[256];
    uint8_t *last_head;
    char *last_name;
};

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

int file_engine_init(struct file_engine *fe, const struct file_conf *c, char errbuf[CANH_ERRBUF_SIZE])
{
    memset(fe, 0, sizeof(*fe));
    fe->conf = *c;
    atomic_init(&fe->stored_bytes, 0);
    atomic_init(&fe->next_worker, 0);
    if (c->store_dir[0] == '\0')
        return CANH_OK;
    char tmp[PATH_MAX + 8];
    if (mkdir(c->store_dir, 0750) != 0 && errno != EEXIST) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "files.store.dir %s: %s", c->store_dir, strerror(errno));
        return CANH_ERR;
    }
    snprintf(tmp, sizeof(tmp), "%s/.tmp", c->store_dir);
    if (mkdir(tmp, 0750) != 0 && errno != EEXIST) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "files.store.dir %s: %s", tmp, strerror(errno));
        return CANH_ERR;
    }
    if (access(tmp, W_OK | X_OK) != 0) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "files.store.dir %s: not writable: %s", tmp, strerror(errno));
        return CANH_ERR;
    }
    return CANH_OK;
}

static magic_t cookie(int flags, char errbuf[CANH_ERRBUF_SIZE])
{
    magic_t m = magic_open(flags | MAGIC_ERROR);
    if (m == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "libmagic: %s", strerror(errno));
        return NULL;
    }
    if (magic_load(m, NULL) != 0) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "libmagic: cannot load its database: %s", magic_error(m));
        magic_close(m);
        return NULL;
    }
    return m;
}

struct file_thread *file_thread_new(struct file_engine *fe, char errbuf[CANH_ERRBUF_SIZE])
{
    struct file_thread *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        return NULL;
    }
    t->fe = fe;
    t->worker = (unsigned)atomic_fetch_add(&fe->next_worker, 1);
    t->head_max = fe->conf.scan_max;
    if (fe->conf.magic) {
        if (t->head_max < FILE_MAGIC_BYTES)
            t->head_max = FILE_MAGIC_BYTES;
        t->mime_cookie = cookie(MAGIC_MIME_TYPE, errbuf);
        if (t->mime_cookie != NULL && fe->conf.magic_description)
            t->desc_cookie = cookie(MAGIC_NONE, errbuf);
        if (t->mime_cookie == NULL || (fe->conf.magic_description && t->desc_cookie == NULL)) {
            file_thread_free(t);
            return NULL;
        }
    }
    return t;
}

void file_thread_free(struct file_thread *t)
{
    if (t == NULL)
        return;
    if (t->mime_cookie != NULL)
        magic_close(t->mime_cookie);
    if (t->desc_cookie != NULL)
        magic_close(t->desc_cookie);
    free(t->last_head);
    free(t->last_name);
    free(t);
}

const struct file_stats *file_thread_stats(const struct file_thread *t)
{
    return &t->stats;
}

static void store_warn(struct file_thread *t, const char *what, const char *path, int err)
{
    uint64_t now = mono_us();
    if (t->last_warn_us != 0 && now - t->last_warn_us < FILE_LOG_EVERY_US)
        return;
    t->last_warn_us = now;
    log_warning("files: cannot %s %s: %s (files not stored are counted in stats.files.store_errors)",
                what, path, strerror(err));
}

/* Drops the copy being stored and gives its bytes back to the run's total. */
static void store_abort(struct file_engine *fe, struct file_track *ft)
{
    if (ft->fd < 0)
        return;
    close(ft->fd);
    unlink(ft->tmp);
    ft->fd = -1;
    atomic_fetch_sub(&fe->stored_bytes, ft->reserved);
    ft->reserved = 0;
}

static void store_open(struct file_thread *t, struct file_track *ft)
{
    const struct file_conf *c = &t->fe->conf;
    snprintf(ft->tmp, sizeof(ft->tmp), "%s/.tmp/%ld.%u.%llu", c->store_dir, (long)getpid(),
             t->worker, (unsigned long long)t->n);
    ft->fd = open(ft->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (ft->fd < 0) {
        STAT_INC(t->stats.store_errors);
        store_warn(t, "create", ft->tmp, errno);
    }
}

struct file_track *file_open(struct file_thread *t, const char *name, uint32_t name_len)
{
    struct file_track *ft = calloc(1, sizeof(*ft));
    if (ft == NULL)
        return NULL;
    ft->fd = -1;
    if (gcry_md_open(&ft->md, GCRY_MD_SHA256, 0) != 0) {
        free(ft);
        return NULL;
    }
    if (name != NULL && name_len > 0) {
        ft->name_len = name_len < FILE_NAME_MAX ? name_len : FILE_NAME_MAX;
        ft->name = malloc(ft->name_len);
        if (ft->name != NULL)
            memcpy(ft->name, name, ft->name_len);
        else
            ft->name_len = 0;
    }
    t->n++;
    if (t->fe->conf.store_dir[0] != '\0')
        store_open(t, ft);
    return ft;
}

static void store_write(struct file_thread *t, struct file_track *ft, const uint8_t *data, uint32_t len)
{
    const struct file_conf *c = &t->fe->conf;
    if (ft->size > c->store_max_file) {
        STAT_INC(t->stats.store_too_large);
        store_abort(t->fe, ft);
        return;
    }
    /* the run's total: reserve the bytes before writing them */
    uint64_t before = atomic_fetch_add(&t->fe->stored_bytes, len);
    ft->reserved += len;
    if (before + len > c->store_max_total) {
        STAT_INC(t->stats.store_full);
        store_abort(t->fe, ft);
        return;
    }
    while (len > 0) {
        ssize_t w = write(ft->fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            STAT_INC(t->stats.store_errors);
            store_warn(t, "write", ft->tmp, w < 0 ? errno : ENOSPC);
            store_abort(t->fe, ft);
            return;
        }
        data += w;
        len -= (uint32_t)w;
    }
}

void file_data(struct file_thread *t, struct file_track *ft, const uint8_t *data, uint32_t len)
{
    if (len == 0)
        return;
    gcry_md_write(ft->md, data, len);
    ft->size += len;
    if (ft->head_len < t->head_max) {
        uint32_t take = t->head_max - ft->head_len;
        if (take > len)
            take = len;
        if (ft->head_len + take > ft->head_cap) {
            uint32_t cap = ft->head_cap != 0 ? ft->head_cap : 4096;
            while (cap < ft->head_len + take)
                cap *= 2;
            if (cap > t->head_max)
                cap = t->head_max;
            uint8_t *h = realloc(ft->head, cap);
            if (h == NULL)
                take = 0;
            else {
                ft->head = h;
                ft->head_cap = cap;
            }
        }
        memcpy(ft->head + ft->head_len, data, take);
        ft->head_len += take;
    }
    if (ft->fd >= 0)
        store_write(t, ft, data, len);
}

void file_gap(struct file_thread *t, struct file_track *ft)
{
    ft->gaps = true;
    store_abort(t->fe, ft); /* a file with a hole is not the file */
}

/* Moves the stored copy to DIR/xx/<sha256>. */
static bool store_finish(struct file_thread *t, struct file_track *ft, struct file_info *info)
{
    const struct file_conf *c = &t->fe->conf;
    if (ft->gaps) {
        store_abort(t->fe, ft);
        return false;
    }
    if (close(ft->fd) != 0) {
        int err = errno;
        ft->fd = open("/dev/null", O_RDONLY | O_CLOEXEC); /* store_abort closes it */
        STAT_INC(t->stats.store_errors);
        store_warn(t, "write", ft->tmp, err);
        store_abort(t->fe, ft);
        return false;
    }
    ft->fd = -1;
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s/%.2s", c->store_dir, info->sha256_hex);
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        STAT_INC(t->stats.store_errors);
        store_warn(t, "create", dir, errno);
        unlink(ft->tmp);
        atomic_fetch_sub(&t->fe->stored_bytes, ft->reserved);
        return false;
    }
    snprintf(info->stored_path, sizeof(info->stored_path), "%s/%s", dir, info->sha256_hex);
    struct stat st;
    if (stat(info->stored_path, &st) == 0) {
        /* the same content is already there */
        unlink(ft->tmp);
        atomic_fetch_sub(&t->fe->stored_bytes, ft->reserved);
        return true;
    }
    if (rename(ft->tmp, info->stored_path) != 0) {
        STAT_INC(t->stats.store_errors);
        store_warn(t, "rename", ft->tmp, errno);
        unlink(ft->tmp);
        atomic_fetch_sub(&t->fe->stored_bytes, ft->reserved);
        info->stored_path[0] = '\0';
        return false;
    }
    return true;
}

static void describe(struct file_thread *t, struct file_track *ft, struct file_info *info)
{
    if (t->mime_cookie == NULL || ft->head_len == 0)
        return;
    uint32_t n = ft->head_len < FILE_MAGIC_BYTES ? ft->head_len : FILE_MAGIC_BYTES;
    const char *m = magic_buffer(t->mime_cookie, ft->head, n);
    if (m == NULL) {
        STAT_INC(t->stats.magic_errors);
        return;
    }
    snprintf(t->mime, sizeof(t->mime), "%s", m);
    info->mime = t->mime;
    if (t->desc_cookie == NULL)
        return;
    const char *d = magic_buffer(t->desc_cookie, ft->head, n);
    if (d == NULL) {
        STAT_INC(t->stats.magic_errors);
        return;
    }
    snprintf(t->magic, sizeof(t->magic), "%s", d);
    info->magic = t->magic;
}

void file_close(struct file_thread *t, struct file_track *ft, struct file_info *info)
{
    static const char hex[] = "0123456789abcdef";
    memset(info, 0, sizeof(*info));
    info->size = ft->size;
    info->gaps = ft->gaps;
    const uint8_t *d = gcry_md_read(ft->md, GCRY_MD_SHA256);
    memcpy(info->sha256, d, 32);
    for (int i = 0; i < 32; i++) {
        info->sha256_hex[2 * i] = hex[d[i] >> 4];
        info->sha256_hex[2 * i + 1] = hex[d[i] & 15];
    }
    info->sha256_hex[64] = '\0';
    describe(t, ft, info);
    if (ft->fd >= 0)
        info->stored = store_finish(t, ft, info);
    /* the thread keeps the name and the head until the next close */
    free(t->last_head);
    free(t->last_name);
    t->last_head = ft->head;
    t->last_name = ft->name;
    info->name = ft->name;
    info->name_len = ft->name_len;
    uint32_t scan = t->fe->conf.scan_max;
    info->head = ft->head;
    info->head_len = ft->head_len < scan ? ft->head_len : scan;
    info->head_cut = ft->size > info->head_len;
    STAT_INC(t->stats.files);
    STAT_ADD(t->stats.bytes, ft->size);
    if (ft->gaps)
        STAT_INC(t->stats.incomplete);
    if (info->stored)
        STAT_INC(t->stats.stored);
    gcry_md_close(ft->md);
    free(ft);
}

void file_discard(struct file_thread *t, struct file_track *ft)
{
    if (ft == NULL)
        return;
    store_abort(t->fe, ft);
    gcry_md_close(ft->md);
    free(ft->head);
    free(ft->name);
    free(ft);
}

size_t file_track_memuse(const struct file_track *ft)
{
    return ft != NULL ? sizeof(*ft) + ft->head_cap + ft->name_len : 0;
}
