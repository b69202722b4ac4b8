/* libFuzzer harness for the rule language: the input is rule text (one or several
 * lines), loaded with detect_engine_load as a rule file would be, then every loaded
 * rule is run over a fixed TCP packet. Nothing may crash, leak or read out of bounds,
 * whatever the text; bad rules are only counted as skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/detect.h"
#include "detect/detect-run.h"
#include "flow/flow.h"

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    if (path[0] == '\0')
        snprintf(path, sizeof(path), "/tmp/canh-fuzz-rules-%d.rules", (int)getpid());
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    static const struct detect_var vars[] = {
        { "HOME_NET", "[10.0.0.0/8,192.168.0.0/16]", false },
        { "EXTERNAL_NET", "!$HOME_NET", false },
        { "HTTP_PORTS", "[80,8080]", true },
        { "LOOP", "$LOOP", false },
    };
    const char *files[] = { path };
    struct detect_load_conf c = {
        .files = files, .nfiles = 1, .vars = vars, .nvars = 4, .quiet = true,
    };
    struct detect_load_stats st;
    char err[CANH_ERRBUF_SIZE];
    struct detect_engine *de = detect_engine_load(&c, &st, err);
    if (de == NULL)
        return 0;
    struct detect_thread *dt = detect_thread_new(de, err);
    if (dt != NULL) {
        static const uint8_t payload[] =
            "GET /index.php?a=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: x\r\n\r\n\x00\x01\x02\xff";
        struct packet p;
        memset(&p, 0, sizeof(p));
        p.ipver = 4;
        p.proto = 6;
        p.ttl = 64;
        p.src.b[0] = 10;
        p.src.b[3] = 1;
        p.dst.b[0] = 192;
        p.dst.b[3] = 2;
        p.sport = 40000;
        p.dport = 80;
        p.flags = PKT_PORTS;
        p.tcp_flags = 0x18;
        p.payload = payload;
        p.payload_len = sizeof(payload) - 1;
        p.ts_us = 1000000;
        struct flow fl;
        memset(&fl, 0, sizeof(fl));
        fl.key.proto = 6;
        fl.key.ipver = 4;
        fl.tcp_state = FLOW_TCP_ESTABLISHED;
        fl.pkts[0] = fl.pkts[1] = 1;
        struct detect_packet dp = { .p = &p, .f = &fl, .dir = FLOW_TO_SERVER };
        for (int i = 0; i < 3; i++) {
            detect_begin(dt, &dp);
            detect_run_packet(dt);
            detect_run_stream(dt, FLOW_TO_SERVER, payload, sizeof(payload) - 1, 0, "", 0);
        }
        detect_thread_free(dt);
        detect_flow_free(&fl);
    }
    detect_engine_free(de);
    return 0;
}
