/* Files carried by application protocols (for now HTTP bodies and multipart uploads):
 * size, SHA-256, MIME type and libmagic's description, the name when one is known,
 * whether bytes are missing; optionally the file stored on disk; and the file's first
 * bytes kept for the YARA scan. Suricata's file handling (output-json-file.c, filestore
 * v2) is the model for the fileinfo event and the store's layout.
 *
 * A file is opened on its first body byte, fed every decoded byte in order (whatever
 * the HTTP body limits keep for the rules: SHA-256 and size are of the whole file), and
 * closed when its message ends; file_close() fills a struct file_info for the event
 * and for the engines that look at files (threat-intelligence SHA-256 lists, YARA).
 *
 * Storage (files.store.dir): each file is written as it comes to
 * DIR/.tmp/<pid>.<worker>.<n>, then renamed to DIR/<first two hex digits>/<sha256> when
 * it closes whole (a file already there is the same file: the new copy is dropped). A
 * file larger than files.store.max-file-size, or that would take the files stored by
 * this run past files.store.max-total, or one with missing bytes, is not kept; each
 * case is counted, as are write errors (a full disk): a file that cannot be stored is
 * still logged and scanned.
 *
 * libmagic cookies are not thread-safe: each worker opens its own (file_thread_new). */
#ifndef CANH_APPLAYER_FILE_H
#define CANH_APPLAYER_FILE_H

#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/util-common.h"

#define FILE_MAGIC_BYTES 512 /* first bytes given to libmagic: its type tests look near the
                                start, and its regex tests cost with every byte */
#define FILE_NAME_MAX 512     /* bytes of a file name kept */

struct file_conf {
    bool enabled;            /* track files at all (files.enabled) */
    bool magic;              /* libmagic's MIME type (files.magic) */
    bool magic_description;  /* and its description (files.magic-description): a second
                                libmagic call, which doubles the cost */
    char store_dir[PATH_MAX];/* "" : files are not stored */
    uint64_t store_max_file; /* bytes of one stored file at most */
    uint64_t store_max_total;/* bytes stored by this run, all workers together */
    uint32_t scan_max;       /* first bytes of each file kept for scanning (0: none) */
};

/* Shared by the workers: the configuration and the store's running total. */
struct file_engine {
    struct file_conf conf;
    atomic_uint_fast64_t stored_bytes;
    atomic_uint_fast32_t next_worker;
};

struct file_stats {
    uint64_t files;          /* files closed (and logged) */
    uint64_t bytes;          /* their bytes */
    uint64_t incomplete;     /* closed with missing bytes (gap, cut connection, limit) */
    uint64_t stored;         /* written to the store (or already there) */
    uint64_t store_too_large;/* not stored: over store_max_file */
    uint64_t store_full;     /* not stored: store_max_total reached */
    uint64_t store_errors;   /* not stored: create, write or rename failed */
    uint64_t magic_errors;   /* libmagic could not describe the file */
};

/* What is known of a file when it closes. Pointers are valid until the next
 * file_close() of the same thread. */
struct file_info {
    uint64_t size;           /* bytes seen */
    uint8_t sha256[32];
    char sha256_hex[65];
    const char *mime;        /* "application/pdf"; NULL when libmagic is off or failed */
    const char *magic;       /* "PDF document, version 1.4"; NULL unless magic_description */
    const char *name;        /* as the protocol gave it (not NUL-safe: use name_len), or NULL */
    uint32_t name_len;
    bool gaps;               /* bytes are missing: the hash is not of the real file */
    bool stored;
    char stored_path[PATH_MAX];
    const uint8_t *head;     /* the first scan_len bytes, for YARA */
    uint32_t head_len;
    bool head_cut;           /* the file is longer than what head holds */
};

struct file_thread;
struct file_track;

/* Creates the store's directories when storage is on. Returns CANH_OK, or an error
 * with the reason in errbuf (a store directory that cannot be created or written). */
int file_engine_init(struct file_engine *fe, const struct file_conf *c, char errbuf[CANH_ERRBUF_SIZE]);

/* A worker's handle: libmagic cookies (opened here: magic_load reads the database, tens
 * of milliseconds) and counters. NULL with the reason in errbuf. libmagic is the costly
 * part of a file (about 100-200 us a call here, most of it in its regex tests), which is
 * why only the MIME type is asked for by default. */
struct file_thread *file_thread_new(struct file_engine *fe, char errbuf[CANH_ERRBUF_SIZE]);
void file_thread_free(struct file_thread *t);
const struct file_stats *file_thread_stats(const struct file_thread *t);

/* A new file: 'name' (may be NULL) is copied. NULL when out of memory (counted by the
 * caller as a file not tracked). */
struct file_track *file_open(struct file_thread *t, const char *name, uint32_t name_len);
/* Bytes of the file, in order. */
void file_data(struct file_thread *t, struct file_track *ft, const uint8_t *data, uint32_t len);
/* Bytes missing from the file here. */
void file_gap(struct file_thread *t, struct file_track *ft);
/* Closes the file and describes it in *info. 'ft' is freed; 'info' points into the
 * thread. */
void file_close(struct file_thread *t, struct file_track *ft, struct file_info *info);
/* Frees a file without closing it (its flow went away mid-file); a stored copy in
 * progress is removed. Accepts NULL. */
void file_discard(struct file_thread *t, struct file_track *ft);
/* Bytes a file holds in memory (for the flow memcap). */
size_t file_track_memuse(const struct file_track *ft);

#endif
