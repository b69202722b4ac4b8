/* The "fileinfo" event: one per file a protocol carried (applayer-file.h), with
 * Suricata 7's fields (output-json-file.c: filename, magic, gaps, state, sha256,
 * stored, size, tx_id) plus Canh's mime_type, direction and stored_path. */
#ifndef CANH_OUTPUT_EVE_FILEINFO_H
#define CANH_OUTPUT_EVE_FILEINFO_H

#include "applayer/applayer-file.h"
#include "output/output-eve.h"

struct detect_tx;

/* Writes the event for file 'fi' of flow 'f' (direction 'dir'), at ts_us; 'tx' (may be
 * NULL) adds the protocol's object ("http":{...}) and the transaction id. */
void eve_fileinfo(struct eve *e, const struct flow *f, int dir, const struct file_info *fi,
                  const struct detect_tx *tx, const struct dpi_thread *dpi, uint64_t ts_us);

#endif
