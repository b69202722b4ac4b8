/* Configuration: the key table, value parsing, range errors, YAML loading with
 * file:line in messages, and the sample deploy/sensor.yaml (it must name every key and
 * its values must be the defaults). */
#include <stdlib.h>
#include <unistd.h>

#include "conf.h"
#include "test.h"

static char err[CANH_ERRBUF_SIZE];

static int set(struct sensor_conf *c, const char *key, const char *value)
{
    err[0] = '\0';
    return conf_set(c, key, value, "test", err);
}

/* Writes 'text' to a temporary file and loads it over 'c'. */
static int load_text(struct sensor_conf *c, const char *text, char *path, size_t pathsz)
{
    snprintf(path, pathsz, "/tmp/canh-test-conf-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -99;
    ssize_t w = write(fd, text, strlen(text));
    close(fd);
    if (w != (ssize_t)strlen(text))
        return -99;
    err[0] = '\0';
    int rc = conf_load_file(c, path, err);
    unlink(path);
    return rc;
}

static void test_values(void)
{
    struct sensor_conf c;
    conf_defaults(&c);
    CHECK_EQ(c.workers, 1);
    CHECK_EQ(c.flow_memcap, 256LL << 20);
    CHECK_EQ(c.flow_timeout_udp, 120);
    CHECK_STR(c.org, "default");
    CHECK(c.promisc);

    CHECK_EQ(set(&c, "flow.memcap", "512MiB"), CANH_OK);
    CHECK_EQ(c.flow_memcap, 512LL << 20);
    CHECK_EQ(set(&c, "flow.memcap", "2g"), CANH_OK);
    CHECK_EQ(c.flow_memcap, 2LL << 30);
    CHECK_EQ(set(&c, "defrag.memcap", "4096 KiB"), CANH_OK);
    CHECK_EQ(c.defrag_memcap, 4LL << 20);
    CHECK_EQ(set(&c, "flow.timeouts.udp", "5m"), CANH_OK);
    CHECK_EQ(c.flow_timeout_udp, 300);
    CHECK_EQ(set(&c, "flow.timeouts.tcp-established", "2h"), CANH_OK);
    CHECK_EQ(c.flow_timeout_tcp_established, 7200);
    CHECK_EQ(set(&c, "capture.promisc", "no"), CANH_OK);
    CHECK(!c.promisc);
    CHECK_EQ(set(&c, "capture.promisc", "TRUE"), CANH_OK);
    CHECK(c.promisc);
    CHECK_EQ(set(&c, "defrag.policy", "linux"), CANH_OK);
    CHECK_EQ(c.defrag_policy, DEFRAG_POLICY_LINUX);
    CHECK_EQ(set(&c, "output.eve.types", "flow, dns,anomaly"), CANH_OK);
    CHECK_EQ(c.eve_types, EVE_FLOW | EVE_DNS | EVE_ANOMALY);
    CHECK_EQ(set(&c, "output.eve.types", ""), CANH_OK);
    CHECK_EQ(c.eve_types, 0);
    CHECK_EQ(set(&c, "sensor.org", "so-tt-tt-hue"), CANH_OK);
    CHECK_STR(c.org, "so-tt-tt-hue");

    /* Errors name the key, the value and the range. */
    CHECK_EQ(set(&c, "flow.memcap", "12"), CANH_ERR);
    CHECK(strstr(err, "flow.memcap = 12") != NULL);
    CHECK(strstr(err, "range 1048576 to") != NULL);
    CHECK_EQ(set(&c, "workers", "0"), CANH_ERR);
    CHECK(strstr(err, "workers = 0") && strstr(err, "1 to 64"));
    CHECK_EQ(set(&c, "workers", "65"), CANH_ERR);
    CHECK_EQ(set(&c, "workers", "-1"), CANH_ERR);
    CHECK_EQ(set(&c, "workers", "two"), CANH_ERR);
    CHECK(strstr(err, "not a whole number") != NULL);
    CHECK_EQ(set(&c, "workers", "3MiB"), CANH_ERR); /* units only for sizes */
    CHECK_EQ(set(&c, "flow.memcap", "1TB"), CANH_ERR);
    CHECK_EQ(set(&c, "flow.memcap", "99999999999999999999"), CANH_ERR);
    CHECK_EQ(set(&c, "flow.memcap", "8000000000G"), CANH_ERR); /* overflow */
    CHECK_EQ(set(&c, "flow.timeouts.udp", "-5s"), CANH_ERR);
    CHECK_EQ(set(&c, "capture.promisc", "maybe"), CANH_ERR);
    CHECK(strstr(err, "capture.promisc") != NULL);
    CHECK_EQ(set(&c, "defrag.policy", "windows"), CANH_ERR);
    CHECK(strstr(err, "bsd, linux, first, last") != NULL);
    CHECK_EQ(set(&c, "output.eve.types", "flow,alerts"), CANH_ERR);
    CHECK(strstr(err, "alerts") != NULL);
    CHECK_EQ(set(&c, "no.such.key", "1"), CANH_ERR);
    CHECK(strstr(err, "unknown key 'no.such.key'") != NULL);
    char longv[600];
    memset(longv, 'a', sizeof(longv) - 1);
    longv[sizeof(longv) - 1] = '\0';
    CHECK_EQ(set(&c, "sensor.org", longv), CANH_ERR);
    /* A failed set leaves the old value. */
    CHECK_EQ(c.workers, 1);
    CHECK_STR(c.org, "so-tt-tt-hue");
}

static void test_yaml(void)
{
    struct sensor_conf c;
    char path[64];
    conf_defaults(&c);
    CHECK_EQ(load_text(&c,
                       "# comment\n"
                       "sensor:\n  id: s-01\n  org: \"Bo TT&TT\"\n"
                       "workers: 2\n"
                       "flow:\n  timeouts:\n    udp: 30s\n  memcap: 64MiB\n"
                       "output:\n  eve:\n    types: [flow, tls]\n",
                       path, sizeof(path)),
             CANH_OK);
    CHECK_STR(c.sensor_id, "s-01");
    CHECK_STR(c.org, "Bo TT&TT");
    CHECK_EQ(c.workers, 2);
    CHECK_EQ(c.flow_timeout_udp, 30);
    CHECK_EQ(c.flow_memcap, 64LL << 20);
    CHECK_EQ(c.eve_types, EVE_FLOW | EVE_TLS);
    CHECK_EQ(c.flow_timeout_tcp_new, 60); /* untouched keys keep their defaults */

    /* Unknown key: the message has the file and the line. */
    CHECK_EQ(load_text(&c, "flow:\n  memcap: 64MiB\n  memcpa: 1\n", path, sizeof(path)), CANH_ERR);
    CHECK(strstr(err, ":3:") != NULL);
    CHECK(strstr(err, "unknown key 'flow.memcpa'") != NULL);
    CHECK(strstr(err, "/tmp/canh-test-conf-") != NULL);

    /* Out of range on line 2. */
    CHECK_EQ(load_text(&c, "defrag:\n  max-fragments: 1\n", path, sizeof(path)), CANH_ERR);
    CHECK(strstr(err, ":2:") != NULL && strstr(err, "defrag.max-fragments = 1") != NULL);
    CHECK(strstr(err, "range 2 to 8192") != NULL);

    /* Syntax error. */
    CHECK_EQ(load_text(&c, "flow:\n  memcap: [1\n  x: 2\n", path, sizeof(path)), CANH_ERR);
    CHECK(strstr(err, "YAML syntax error") != NULL);

    /* Structural errors. */
    CHECK_EQ(load_text(&c, "- a\n- b\n", path, sizeof(path)), CANH_ERR);
    CHECK(strstr(err, "top level must be a mapping") != NULL);
    CHECK_EQ(load_text(&c, "workers: &a 2\nflow:\n  memcap: *a\n", path, sizeof(path)), CANH_ERR);
    CHECK_EQ(load_text(&c, "output:\n  eve:\n    types: [flow, [dns]]\n", path, sizeof(path)),
             CANH_ERR);
    CHECK_EQ(load_text(&c, "", path, sizeof(path)), CANH_OK); /* empty file: defaults */

    /* Missing file. */
    CHECK_EQ(conf_load_file(&c, "/nonexistent/canh.yaml", err), CANH_ERR);
    CHECK(strstr(err, "/nonexistent/canh.yaml: cannot open") != NULL);
}

/* The sample configuration documents every key, and its values are the defaults. */
static void test_sample(void)
{
    const char *here = getenv("HERE");
    char sample[1024];
    snprintf(sample, sizeof(sample), "%s/../deploy/sensor.yaml", here ? here : "tests");
    struct sensor_conf def, c;
    conf_defaults(&def);
    conf_defaults(&c);
    /* Start from other values so that the file must set every key back. */
    CHECK_EQ(conf_set(&c, "workers", "7", "test", err), CANH_OK);
    int rc = conf_load_file(&c, sample, err);
    CHECK_EQ(rc, CANH_OK);
    if (rc != CANH_OK) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    char *keys = NULL, *vals_def = NULL, *vals = NULL;
    size_t n1, n2, n3;
    FILE *f = open_memstream(&keys, &n1);
    conf_dump_keys(f);
    fclose(f);
    f = open_memstream(&vals_def, &n2);
    conf_dump_values(&def, f);
    fclose(f);
    f = open_memstream(&vals, &n3);
    conf_dump_values(&c, f);
    fclose(f);
    CHECK_STR(vals, vals_def);

    /* Every key appears in the sample as its last path element under its parents. */
    FILE *sf = fopen(sample, "r");
    CHECK(sf != NULL);
    char *text = NULL;
    size_t tn = 0;
    if (sf != NULL) {
        FILE *m = open_memstream(&text, &tn);
        char buf[4096];
        size_t r;
        while ((r = fread(buf, 1, sizeof(buf), sf)) > 0)
            fwrite(buf, 1, r, m);
        fclose(m);
        fclose(sf);
    }
    int nkeys = 0;
    for (char *line = strtok(keys, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (line[0] == ' ')
            continue; /* documentation line */
        char key[256];
        sscanf(line, "%255s", key);
        const char *leaf = strrchr(key, '.') ? strrchr(key, '.') + 1 : key;
        char pattern[300];
        snprintf(pattern, sizeof(pattern), "%s:", leaf);
        nkeys++;
        if (text == NULL || strstr(text, pattern) == NULL)
            fprintf(stderr, "deploy/sensor.yaml does not document %s\n", key);
        CHECK(text != NULL && strstr(text, pattern) != NULL);
    }
    CHECK(nkeys > 30);
    free(text);
    free(keys);
    free(vals_def);
    free(vals);
}

int main(void)
{
    test_values();
    test_yaml();
    test_sample();
    return test_done("conf");
}
