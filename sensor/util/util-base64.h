/* Base64 encoding (RFC 4648 section 4, with padding). */
#ifndef CANH_UTIL_BASE64_H
#define CANH_UTIL_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Output size for n input bytes, including the terminating NUL. */
#define BASE64_SIZE(n) ((((n) + 2) / 3) * 4 + 1)

/* Encodes 'len' bytes into 'out' (NUL-terminated). If 'outsz' is too small, encodes as
 * many whole groups as fit. Returns the characters written. */
size_t base64_encode(const uint8_t *in, size_t len, char *out, size_t outsz);

#endif
