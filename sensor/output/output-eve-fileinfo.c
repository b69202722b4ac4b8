/* The "fileinfo" event. See output-eve-fileinfo.h. */
#include "output/output-eve-fileinfo.h"

#include <string.h>

#include "detect/detect-run.h"

void eve_fileinfo(struct eve *e, const struct flow *f, int dir, const struct file_info *fi,
                  const struct detect_tx *tx, const struct dpi_thread *dpi, uint64_t ts_us)
{
    if (!eve_enabled(e, EVE_FILEINFO))
        return;
    eve_begin(e, EVE_FILEINFO, "fileinfo", ts_us);
    eve_flow_fields(e, f, dpi);
    if (tx != NULL && tx->log != NULL)
        tx->log(tx->ctx, e);
    json_object_open(&e->j, "fileinfo");
    if (fi->name != NULL && fi->name_len > 0)
        json_stringn(&e->j, "filename", fi->name, fi->name_len);
    if (fi->magic != NULL)
        json_string(&e->j, "magic", fi->magic);
    if (fi->mime != NULL)
        json_string(&e->j, "mime_type", fi->mime);
    json_bool(&e->j, "gaps", fi->gaps);
    json_plain(&e->j, "state", fi->gaps ? "TRUNCATED" : "CLOSED");
    json_plain(&e->j, "sha256", fi->sha256_hex);
    json_bool(&e->j, "stored", fi->stored);
    if (fi->stored)
        json_string(&e->j, "stored_path", fi->stored_path);
    json_u64(&e->j, "size", fi->size);
    if (tx != NULL)
        json_u64(&e->j, "tx_id", tx->id);
    json_plain(&e->j, "direction", dir == FLOW_TO_SERVER ? "to_server" : "to_client");
    json_object_close(&e->j);
    eve_end(e);
}
