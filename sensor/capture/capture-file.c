/* Offline capture: pcap and pcapng files through libpcap, read in order as one input.
 *
 * A file that cannot be opened, has a link type the decoder does not know, or ends in
 * a damaged record is reported (file, reason, packets read) and skipped; the run goes
 * on with the next file. Timestamps are read at microsecond precision whatever the
 * file's own precision. */
#include "capture.h"

#include <dirent.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "decode/decode.h"
#include "util/util-log.h"

#define CAPTURE_FILE_BUFFER (64u << 10) /* stdio buffer per open file; larger gains nothing */

struct capture_file {
    struct capture base;
    char **files;     /* owned */
    int nfiles;
    int cur;          /* index of the open file, or of the next to open */
    pcap_t *pcap;
    char *iobuf;      /* owned; stdio buffer of the open file (CAPTURE_FILE_BUFFER) */
    char *bpf;        /* owned; "" for none */
    uint64_t file_packets;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_file(struct capture_file *cf, const char *path, int *cap)
{
    if (cf->nfiles == *cap) {
        int ncap = *cap ? *cap * 2 : 16;
        char **n = realloc(cf->files, (size_t)ncap * sizeof(*n));
        if (n == NULL)
            return CANH_ENOMEM;
        cf->files = n;
        *cap = ncap;
    }
    cf->files[cf->nfiles] = strdup(path);
    if (cf->files[cf->nfiles] == NULL)
        return CANH_ENOMEM;
    cf->nfiles++;
    return CANH_OK;
}

/* Adds 'path', or the regular files of the directory 'path' sorted by name. */
static int add_path(struct capture_file *cf, const char *path, int *cap, char *errbuf)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
        return CANH_ERR;
    }
    if (!S_ISDIR(st.st_mode))
        return add_file(cf, path, cap);
    DIR *dir = opendir(path);
    if (dir == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
        return CANH_ERR;
    }
    int first = cf->nfiles, rc = CANH_OK;
    struct dirent *de;
    while (rc == CANH_OK && (de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char full[4096];
        snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
            rc = add_file(cf, full, cap);
    }
    closedir(dir);
    if (rc != CANH_OK) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: out of memory", path);
        return rc;
    }
    if (cf->nfiles == first) { /* cf->files may still be NULL, which qsort must not get */
        log_warning("%s: directory has no files", path);
        return CANH_OK;
    }
    qsort(cf->files + first, (size_t)(cf->nfiles - first), sizeof(char *), cmp_str);
    return CANH_OK;
}

static void capture_file_close_current(struct capture_file *cf)
{
    if (cf->pcap != NULL) {
        pcap_close(cf->pcap);
        cf->pcap = NULL;
        log_info("%s: %llu packets", cf->files[cf->cur], (unsigned long long)cf->file_packets);
        cf->cur++;
    }
}

/* Opens the next readable file; false when none is left. */
static bool capture_file_open_next(struct capture_file *cf)
{
    char err[PCAP_ERRBUF_SIZE];
    while (cf->cur < cf->nfiles) {
        const char *name = cf->files[cf->cur];
        /* libpcap reads through stdio; a large buffer saves a read(2) every 4 KiB. */
        FILE *fp = fopen(name, "rb");
        if (fp == NULL) {
            log_warning("%s: cannot read: %s (file skipped)", name, strerror(errno));
            STAT_INC(cf->base.stats.files_failed);
            cf->cur++;
            continue;
        }
        setvbuf(fp, cf->iobuf, _IOFBF, CAPTURE_FILE_BUFFER); /* glibc ignores the size without a buffer */
        pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, err);
        if (p == NULL) {
            fclose(fp); /* libpcap closes it only on success */
            log_warning("%s: cannot read: %s (file skipped)", name, err);
            STAT_INC(cf->base.stats.files_failed);
            cf->cur++;
            continue;
        }
        int dlt = pcap_datalink(p);
        if (!decode_linktype_supported(dlt)) {
            const char *dn = pcap_datalink_val_to_name(dlt);
            log_warning("%s: link type %d (%s) is not supported (file skipped)", name, dlt,
                        dn ? dn : "unknown");
            pcap_close(p);
            STAT_INC(cf->base.stats.files_failed);
            cf->cur++;
            continue;
        }
        if (cf->bpf[0] != '\0') {
            struct bpf_program prog;
            if (pcap_compile(p, &prog, cf->bpf, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
                pcap_setfilter(p, &prog) != 0) {
                log_warning("%s: BPF filter '%s' cannot apply: %s (file skipped)", name, cf->bpf,
                            pcap_geterr(p));
                pcap_close(p);
                STAT_INC(cf->base.stats.files_failed);
                cf->cur++;
                continue;
            }
            pcap_freecode(&prog);
        }
        log_info("%s: reading (link type %s)", name, pcap_datalink_val_to_name(dlt));
        cf->pcap = p;
        cf->file_packets = 0;
        STAT_INC(cf->base.stats.files_read);
        return true;
    }
    return false;
}

static int capture_file_next(struct capture *c, struct capture_packet *pkt)
{
    struct capture_file *cf = (struct capture_file *)c;
    for (;;) {
        if (cf->pcap == NULL && !capture_file_open_next(cf))
            return CAPTURE_END;
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(cf->pcap, &h, &data);
        if (rc == 1) {
            pkt->ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
            pkt->caplen = h->caplen;
            pkt->wirelen = h->len < h->caplen ? h->caplen : h->len;
            pkt->linktype = pcap_datalink(cf->pcap);
            pkt->data = data;
            cf->file_packets++;
            STAT_INC(c->stats.packets);
            STAT_ADD(c->stats.bytes, pkt->wirelen);
            pkt->seq = c->stats.packets;
            return CANH_OK;
        }
        if (rc == PCAP_ERROR) {
            log_warning("%s: %s after %llu packets (rest of file skipped)", cf->files[cf->cur],
                        pcap_geterr(cf->pcap), (unsigned long long)cf->file_packets);
            STAT_INC(c->stats.read_errors);
        }
        capture_file_close_current(cf); /* end of file, or error */
    }
}

static int capture_file_fd(const struct capture *c)
{
    return -1;
}

static void capture_file_close(struct capture *c)
{
    struct capture_file *cf = (struct capture_file *)c;
    if (cf->pcap != NULL)
        pcap_close(cf->pcap);
    for (int i = 0; i < cf->nfiles; i++)
        free(cf->files[i]);
    free(cf->files);
    free(cf->bpf);
    free(cf->iobuf);
    free(cf);
}

static const struct capture_ops capture_file_ops = {
    .name = "pcap-file",
    .next = capture_file_next,
    .refresh_stats = NULL,
    .fd = capture_file_fd,
    .close = capture_file_close,
};

struct capture *capture_open_files(char *const *paths, int npaths, const char *bpf,
                                   char errbuf[CANH_ERRBUF_SIZE])
{
    struct capture_file *cf = calloc(1, sizeof(*cf));
    if (cf == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        return NULL;
    }
    cf->base.ops = &capture_file_ops;
    cf->bpf = strdup(bpf != NULL ? bpf : "");
    cf->iobuf = malloc(CAPTURE_FILE_BUFFER);
    if (cf->bpf == NULL || cf->iobuf == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        capture_file_close(&cf->base);
        return NULL;
    }
    int cap = 0;
    for (int i = 0; i < npaths; i++)
        if (add_path(cf, paths[i], &cap, errbuf) != CANH_OK) {
            capture_file_close(&cf->base);
            return NULL;
        }
    /* A filter with a syntax error fails the same way on every file: refuse it now. */
    if (cf->bpf[0] != '\0') {
        pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
        struct bpf_program prog;
        int rc = dead != NULL ? pcap_compile(dead, &prog, cf->bpf, 1, PCAP_NETMASK_UNKNOWN) : -1;
        if (rc != 0) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "BPF filter '%s': %s", cf->bpf,
                     dead != NULL ? pcap_geterr(dead) : "cannot compile");
            if (dead != NULL)
                pcap_close(dead);
            capture_file_close(&cf->base);
            return NULL;
        }
        pcap_freecode(&prog);
        pcap_close(dead);
    }
    return &cf->base;
}

void capture_close(struct capture *c)
{
    if (c != NULL)
        c->ops->close(c);
}
