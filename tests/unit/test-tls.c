/* Unit tests for the TLS handshake parser (applayer-tls.c) and the X.509 reader
 * (applayer-x509.c).
 *
 * The flows are built here, message by message. The expected texts (subject, issuer,
 * serial, fingerprint, validity, JA3, JA3S, version, SNI) were taken from Suricata 7.0.10:
 * `test-tls --dump DIR` writes each flow's segments, which were wrapped in a TCP
 * connection into a pcap and read with
 *   suricata -r flow.pcap -k none --set app-layer.protocols.tls.ja3-fingerprints=yes
 * (its eve "tls" events). The certificates were made with OpenSSL 3.0:
 *   CERT_LEAF  self-signed P-256; subject with a multi-valued RDN (O + OU), UTF-8
 *              (L=Köln), IA5 (emailAddress), organizationIdentifier (2.5.4.97, not in
 *              Suricata's OID registry), serialNumber, businessCategory; serial with its
 *              top bit set (so a leading 00 octet); notAfter as GeneralizedTime (2081)
 *   CERT_CA    O as a T61String of Latin-1 octets (not UTF-8: Suricata writes the
 *              whole name as "<X509Error: Invalid X.509 name>"), CN as a BMPString
 *   CERT_BMP   CN as a BMPString (with U+20AC), serial 0 */
#include <gcrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/applayer-tls.h"
#include "applayer/applayer-x509.h"
#include "test.h"

static const unsigned char CERT_LEAF[] = {
  0x30, 0x82, 0x02, 0xf1, 0x30, 0x82, 0x02, 0x97, 0xa0, 0x03, 0x02, 0x01,
  0x02, 0x02, 0x12, 0x00, 0x8a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71,
  0x82, 0x93, 0xa4, 0xb5, 0xc6, 0xd7, 0xe8, 0xf9, 0x01, 0x30, 0x0a, 0x06,
  0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30, 0x81, 0xd1,
  0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x44,
  0x45, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x08, 0x0c, 0x06,
  0x42, 0x65, 0x72, 0x6c, 0x69, 0x6e, 0x31, 0x0e, 0x30, 0x0c, 0x06, 0x03,
  0x55, 0x04, 0x07, 0x0c, 0x05, 0x4b, 0xc3, 0xb6, 0x6c, 0x6e, 0x31, 0x21,
  0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x0b, 0x0c, 0x06, 0x53, 0x65, 0x6e,
  0x73, 0x6f, 0x72, 0x30, 0x10, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x09,
  0x43, 0x61, 0x6e, 0x68, 0x20, 0x54, 0x65, 0x73, 0x74, 0x31, 0x18, 0x30,
  0x16, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0f, 0x74, 0x6c, 0x73, 0x2e,
  0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x63, 0x6f, 0x6d, 0x31,
  0x1e, 0x30, 0x1c, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
  0x09, 0x01, 0x16, 0x0f, 0x74, 0x6c, 0x73, 0x40, 0x65, 0x78, 0x61, 0x6d,
  0x70, 0x6c, 0x65, 0x2e, 0x63, 0x6f, 0x6d, 0x31, 0x18, 0x30, 0x16, 0x06,
  0x03, 0x55, 0x04, 0x61, 0x0c, 0x0f, 0x56, 0x41, 0x54, 0x44, 0x45, 0x2d,
  0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x31, 0x0b, 0x30,
  0x09, 0x06, 0x03, 0x55, 0x04, 0x05, 0x13, 0x02, 0x34, 0x32, 0x31, 0x1d,
  0x30, 0x1b, 0x06, 0x03, 0x55, 0x04, 0x0f, 0x0c, 0x14, 0x50, 0x72, 0x69,
  0x76, 0x61, 0x74, 0x65, 0x20, 0x4f, 0x72, 0x67, 0x61, 0x6e, 0x69, 0x7a,
  0x61, 0x74, 0x69, 0x6f, 0x6e, 0x30, 0x20, 0x17, 0x0d, 0x32, 0x36, 0x31,
  0x31, 0x32, 0x33, 0x32, 0x31, 0x34, 0x37, 0x30, 0x30, 0x5a, 0x18, 0x0f,
  0x32, 0x30, 0x38, 0x31, 0x30, 0x38, 0x32, 0x36, 0x32, 0x31, 0x34, 0x37,
  0x30, 0x30, 0x5a, 0x30, 0x81, 0xd1, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
  0x55, 0x04, 0x06, 0x13, 0x02, 0x44, 0x45, 0x31, 0x0f, 0x30, 0x0d, 0x06,
  0x03, 0x55, 0x04, 0x08, 0x0c, 0x06, 0x42, 0x65, 0x72, 0x6c, 0x69, 0x6e,
  0x31, 0x0e, 0x30, 0x0c, 0x06, 0x03, 0x55, 0x04, 0x07, 0x0c, 0x05, 0x4b,
  0xc3, 0xb6, 0x6c, 0x6e, 0x31, 0x21, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04,
  0x0b, 0x0c, 0x06, 0x53, 0x65, 0x6e, 0x73, 0x6f, 0x72, 0x30, 0x10, 0x06,
  0x03, 0x55, 0x04, 0x0a, 0x0c, 0x09, 0x43, 0x61, 0x6e, 0x68, 0x20, 0x54,
  0x65, 0x73, 0x74, 0x31, 0x18, 0x30, 0x16, 0x06, 0x03, 0x55, 0x04, 0x03,
  0x0c, 0x0f, 0x74, 0x6c, 0x73, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c,
  0x65, 0x2e, 0x63, 0x6f, 0x6d, 0x31, 0x1e, 0x30, 0x1c, 0x06, 0x09, 0x2a,
  0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01, 0x16, 0x0f, 0x74, 0x6c,
  0x73, 0x40, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x63, 0x6f,
  0x6d, 0x31, 0x18, 0x30, 0x16, 0x06, 0x03, 0x55, 0x04, 0x61, 0x0c, 0x0f,
  0x56, 0x41, 0x54, 0x44, 0x45, 0x2d, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36,
  0x37, 0x38, 0x39, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x05,
  0x13, 0x02, 0x34, 0x32, 0x31, 0x1d, 0x30, 0x1b, 0x06, 0x03, 0x55, 0x04,
  0x0f, 0x0c, 0x14, 0x50, 0x72, 0x69, 0x76, 0x61, 0x74, 0x65, 0x20, 0x4f,
  0x72, 0x67, 0x61, 0x6e, 0x69, 0x7a, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x30,
  0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
  0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42,
  0x00, 0x04, 0xc6, 0x0d, 0x0e, 0xa1, 0xec, 0xba, 0x87, 0x61, 0x05, 0x1b,
  0x85, 0x36, 0x85, 0x87, 0x0a, 0xa8, 0x49, 0x6a, 0x18, 0x8a, 0x2f, 0x79,
  0x7f, 0x80, 0xda, 0x62, 0xc8, 0x34, 0xcb, 0x17, 0x4a, 0x40, 0xb9, 0x12,
  0xf4, 0x9e, 0x37, 0x77, 0x39, 0xe4, 0xce, 0x25, 0x36, 0x1e, 0x13, 0x4c,
  0xd5, 0xbf, 0x09, 0x20, 0x87, 0x07, 0xff, 0xcb, 0xe9, 0xd2, 0x9a, 0x34,
  0xf3, 0x9f, 0x6a, 0x71, 0x89, 0xd9, 0xa3, 0x4b, 0x30, 0x49, 0x30, 0x0c,
  0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x02, 0x30, 0x00,
  0x30, 0x1a, 0x06, 0x03, 0x55, 0x1d, 0x11, 0x04, 0x13, 0x30, 0x11, 0x82,
  0x0f, 0x74, 0x6c, 0x73, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
  0x2e, 0x63, 0x6f, 0x6d, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04,
  0x16, 0x04, 0x14, 0x56, 0xec, 0x4e, 0xa5, 0xf0, 0x72, 0x53, 0xaf, 0xff,
  0x78, 0x7c, 0x04, 0x7b, 0xa7, 0xa3, 0xe4, 0x45, 0x35, 0x08, 0x95, 0x30,
  0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03,
  0x48, 0x00, 0x30, 0x45, 0x02, 0x20, 0x45, 0xac, 0x02, 0xf4, 0xc3, 0xe9,
  0xab, 0x51, 0x40, 0xdc, 0xc6, 0xe5, 0xb5, 0x8a, 0xca, 0xd2, 0x2e, 0xf0,
  0xa5, 0x25, 0x74, 0xcd, 0x10, 0x87, 0xa8, 0x33, 0x08, 0x0b, 0x50, 0xef,
  0xbd, 0x17, 0x02, 0x21, 0x00, 0xa6, 0x29, 0xdf, 0x7c, 0x0a, 0xf8, 0x5c,
  0xb3, 0x1e, 0xe0, 0x2d, 0xc1, 0x3c, 0xf9, 0xdf, 0xcb, 0x2c, 0x35, 0x2f,
  0x20, 0xd0, 0xa0, 0xbc, 0x35, 0x78, 0x94, 0x08, 0x30, 0x98, 0x99, 0xf0,
  0x10
};
static const unsigned int CERT_LEAF_len = 757;
static const unsigned char CERT_CA[] = {
  0x30, 0x82, 0x01, 0xbe, 0x30, 0x82, 0x01, 0x63, 0xa0, 0x03, 0x02, 0x01,
  0x02, 0x02, 0x01, 0x01, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
  0x3d, 0x04, 0x03, 0x02, 0x30, 0x4e, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
  0x55, 0x04, 0x06, 0x13, 0x02, 0x55, 0x53, 0x31, 0x14, 0x30, 0x12, 0x06,
  0x03, 0x55, 0x04, 0x0a, 0x14, 0x0b, 0xdc, 0x6e, 0xef, 0x63, 0x6f, 0x64,
  0x65, 0x20, 0xd6, 0x72, 0x67, 0x31, 0x29, 0x30, 0x27, 0x06, 0x03, 0x55,
  0x04, 0x03, 0x1e, 0x20, 0x00, 0x43, 0x00, 0x61, 0x00, 0x6e, 0x00, 0x68,
  0x00, 0x20, 0x00, 0x54, 0x00, 0x65, 0x00, 0x73, 0x00, 0x74, 0x00, 0x20,
  0x00, 0x52, 0x00, 0x6f, 0x00, 0x6f, 0x00, 0x74, 0x00, 0x20, 0x20, 0xac,
  0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x31, 0x32, 0x33, 0x32, 0x31,
  0x34, 0x37, 0x30, 0x37, 0x5a, 0x17, 0x0d, 0x33, 0x36, 0x31, 0x31, 0x32,
  0x30, 0x32, 0x31, 0x34, 0x37, 0x30, 0x37, 0x5a, 0x30, 0x4e, 0x31, 0x0b,
  0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x55, 0x53, 0x31,
  0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x14, 0x0b, 0xdc, 0x6e,
  0xef, 0x63, 0x6f, 0x64, 0x65, 0x20, 0xd6, 0x72, 0x67, 0x31, 0x29, 0x30,
  0x27, 0x06, 0x03, 0x55, 0x04, 0x03, 0x1e, 0x20, 0x00, 0x43, 0x00, 0x61,
  0x00, 0x6e, 0x00, 0x68, 0x00, 0x20, 0x00, 0x54, 0x00, 0x65, 0x00, 0x73,
  0x00, 0x74, 0x00, 0x20, 0x00, 0x52, 0x00, 0x6f, 0x00, 0x6f, 0x00, 0x74,
  0x00, 0x20, 0x20, 0xac, 0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86,
  0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
  0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0x8a, 0x21, 0xb0, 0x62, 0x83,
  0x23, 0x0d, 0x9d, 0x51, 0x66, 0xde, 0xfa, 0xcd, 0x9e, 0x30, 0xe4, 0x3a,
  0x1e, 0x40, 0x18, 0x91, 0xe5, 0xe3, 0x33, 0x39, 0x2e, 0x18, 0xd6, 0x4b,
  0x97, 0xa0, 0x80, 0x26, 0xf2, 0x8e, 0xfc, 0x54, 0x76, 0x35, 0x31, 0x31,
  0x9b, 0xc2, 0x8b, 0x92, 0x34, 0x90, 0xaf, 0x4e, 0x89, 0x35, 0xd6, 0xd8,
  0x12, 0x6c, 0x6b, 0xfa, 0x26, 0x3b, 0x2f, 0x7e, 0x55, 0xa7, 0xac, 0xa3,
  0x32, 0x30, 0x30, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01,
  0xff, 0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff, 0x30, 0x1d, 0x06, 0x03,
  0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0x56, 0x01, 0x8c, 0xb5, 0x6c,
  0x65, 0x60, 0x7d, 0xd3, 0xd1, 0xe4, 0xd8, 0x60, 0xdd, 0xa1, 0xf0, 0x50,
  0xc3, 0x96, 0x54, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
  0x04, 0x03, 0x02, 0x03, 0x49, 0x00, 0x30, 0x46, 0x02, 0x21, 0x00, 0x98,
  0xca, 0xd2, 0x55, 0x93, 0xe5, 0x6a, 0x60, 0xb1, 0x12, 0x80, 0xba, 0xf0,
  0x56, 0x8f, 0x32, 0xb1, 0xe6, 0x44, 0x21, 0x5c, 0x3c, 0x16, 0x12, 0x24,
  0x84, 0xee, 0x79, 0x95, 0x11, 0xab, 0x18, 0x02, 0x21, 0x00, 0x9c, 0x2f,
  0xc7, 0xfd, 0x77, 0x07, 0x50, 0x28, 0x8b, 0xac, 0x6d, 0x2b, 0xdb, 0x8b,
  0x3c, 0x9a, 0x49, 0x29, 0x6b, 0x6a, 0xd4, 0x3a, 0xad, 0x53, 0x3c, 0x9d,
  0xd5, 0x40, 0x6c, 0x42, 0x47, 0x06
};
static const unsigned int CERT_CA_len = 450;
static const unsigned char CERT_BMP[] = {
  0x30, 0x82, 0x01, 0x90, 0x30, 0x82, 0x01, 0x37, 0xa0, 0x03, 0x02, 0x01,
  0x02, 0x02, 0x01, 0x00, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
  0x3d, 0x04, 0x03, 0x02, 0x30, 0x38, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
  0x55, 0x04, 0x06, 0x13, 0x02, 0x55, 0x53, 0x31, 0x29, 0x30, 0x27, 0x06,
  0x03, 0x55, 0x04, 0x03, 0x1e, 0x20, 0x00, 0x43, 0x00, 0x61, 0x00, 0x6e,
  0x00, 0x68, 0x00, 0x20, 0x00, 0x54, 0x00, 0x65, 0x00, 0x73, 0x00, 0x74,
  0x00, 0x20, 0x00, 0x52, 0x00, 0x6f, 0x00, 0x6f, 0x00, 0x74, 0x00, 0x20,
  0x20, 0xac, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x31, 0x32, 0x33,
  0x32, 0x31, 0x34, 0x37, 0x31, 0x33, 0x5a, 0x17, 0x0d, 0x33, 0x36, 0x31,
  0x31, 0x32, 0x30, 0x32, 0x31, 0x34, 0x37, 0x31, 0x33, 0x5a, 0x30, 0x38,
  0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x55,
  0x53, 0x31, 0x29, 0x30, 0x27, 0x06, 0x03, 0x55, 0x04, 0x03, 0x1e, 0x20,
  0x00, 0x43, 0x00, 0x61, 0x00, 0x6e, 0x00, 0x68, 0x00, 0x20, 0x00, 0x54,
  0x00, 0x65, 0x00, 0x73, 0x00, 0x74, 0x00, 0x20, 0x00, 0x52, 0x00, 0x6f,
  0x00, 0x6f, 0x00, 0x74, 0x00, 0x20, 0x20, 0xac, 0x30, 0x59, 0x30, 0x13,
  0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
  0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0x8a,
  0x21, 0xb0, 0x62, 0x83, 0x23, 0x0d, 0x9d, 0x51, 0x66, 0xde, 0xfa, 0xcd,
  0x9e, 0x30, 0xe4, 0x3a, 0x1e, 0x40, 0x18, 0x91, 0xe5, 0xe3, 0x33, 0x39,
  0x2e, 0x18, 0xd6, 0x4b, 0x97, 0xa0, 0x80, 0x26, 0xf2, 0x8e, 0xfc, 0x54,
  0x76, 0x35, 0x31, 0x31, 0x9b, 0xc2, 0x8b, 0x92, 0x34, 0x90, 0xaf, 0x4e,
  0x89, 0x35, 0xd6, 0xd8, 0x12, 0x6c, 0x6b, 0xfa, 0x26, 0x3b, 0x2f, 0x7e,
  0x55, 0xa7, 0xac, 0xa3, 0x32, 0x30, 0x30, 0x30, 0x0f, 0x06, 0x03, 0x55,
  0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff,
  0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0x56,
  0x01, 0x8c, 0xb5, 0x6c, 0x65, 0x60, 0x7d, 0xd3, 0xd1, 0xe4, 0xd8, 0x60,
  0xdd, 0xa1, 0xf0, 0x50, 0xc3, 0x96, 0x54, 0x30, 0x0a, 0x06, 0x08, 0x2a,
  0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x47, 0x00, 0x30, 0x44,
  0x02, 0x20, 0x20, 0x6f, 0x47, 0x3b, 0x10, 0xf6, 0x10, 0xd0, 0x19, 0xc2,
  0x60, 0x72, 0xb9, 0x41, 0x6b, 0xd8, 0x5b, 0xf4, 0xcc, 0x7f, 0xe1, 0x06,
  0x8f, 0xa2, 0x47, 0x4d, 0x96, 0x3c, 0xfa, 0x81, 0xf9, 0x0b, 0x02, 0x20,
  0x73, 0x3b, 0xe2, 0xb2, 0x24, 0x08, 0xa4, 0x04, 0xa7, 0xd9, 0x63, 0xe3,
  0xa0, 0x44, 0xa3, 0xa5, 0x7f, 0xe0, 0x4f, 0xe2, 0x6a, 0x8f, 0x11, 0x40,
  0xfd, 0xd0, 0x01, 0xca, 0xb0, 0x8a, 0xd2, 0xf4
};
static const unsigned int CERT_BMP_len = 404;

/* ---------------------------------------------------------------------------------- */
/* Building messages                                                                  */
/* ---------------------------------------------------------------------------------- */

struct bb {
    uint8_t *p;
    uint32_t len;
    uint32_t cap;
};

static void bb_bytes(struct bb *b, const void *s, uint32_t n)
{
    if (n == 0)
        return;
    if (b->len + n > b->cap) {
        uint32_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (b->p == NULL)
            abort();
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void bb_u8(struct bb *b, unsigned v)
{
    uint8_t x = (uint8_t)v;
    bb_bytes(b, &x, 1);
}

static void bb_u16(struct bb *b, unsigned v)
{
    bb_u8(b, v >> 8);
    bb_u8(b, v);
}

static void bb_u24(struct bb *b, uint32_t v)
{
    bb_u8(b, v >> 16);
    bb_u8(b, v >> 8);
    bb_u8(b, v);
}

static void bb_free(struct bb *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* Appends 'body' framed as a handshake message of 'type'. */
static void hs_msg(struct bb *out, uint8_t type, const struct bb *body)
{
    bb_u8(out, type);
    bb_u24(out, body->len);
    bb_bytes(out, body->p, body->len);
}

/* Appends 'n' octets as records of 'type', at most 'max' octets each. */
static void records(struct bb *out, uint8_t type, uint16_t version, const uint8_t *p, uint32_t n,
                    uint32_t max)
{
    do {
        uint32_t k = n < max ? n : max;
        bb_u8(out, type);
        bb_u16(out, version);
        bb_u16(out, k);
        bb_bytes(out, p, k);
        p += k;
        n -= k;
    } while (n > 0);
}

static void ext(struct bb *b, unsigned type, const struct bb *data)
{
    bb_u16(b, type);
    bb_u16(b, data ? data->len : 0);
    if (data)
        bb_bytes(b, data->p, data->len);
}

/* A ClientHello with GREASE in the ciphers, the extensions, the groups and (tls13)
 * supported_versions, as browsers send it. */
static void client_hello(struct bb *hs, const char *sni, bool tls13)
{
    struct bb m = { 0 }, e = { 0 }, x = { 0 };
    bb_u16(&m, 0x0303);
    for (int i = 0; i < 32; i++)
        bb_u8(&m, i);
    bb_u8(&m, 32); /* session id */
    for (int i = 0; i < 32; i++)
        bb_u8(&m, 0xa0 + i);
    static const uint16_t ciphers[] = { 0x0a0a, 0x1301, 0x1302, 0xc02b, 0xc02f, 0x009c, 0x000a };
    bb_u16(&m, sizeof(ciphers));
    for (size_t i = 0; i < sizeof(ciphers) / 2; i++)
        bb_u16(&m, ciphers[i]);
    bb_u8(&m, 1);
    bb_u8(&m, 0);

    ext(&e, 0x1a1a, NULL); /* GREASE */
    if (sni != NULL) {
        uint16_t n = (uint16_t)strlen(sni);
        bb_u16(&x, n + 3);
        bb_u8(&x, 0);
        bb_u16(&x, n);
        bb_bytes(&x, sni, n);
        ext(&e, 0x0000, &x);
        x.len = 0;
    }
    ext(&e, 0x0017, NULL); /* extended_master_secret */
    bb_u8(&x, 0);
    ext(&e, 0xff01, &x); /* renegotiation_info */
    x.len = 0;
    static const uint16_t groups[] = { 0x2a2a, 0x001d, 0x0017, 0x0018 };
    bb_u16(&x, sizeof(groups));
    for (size_t i = 0; i < 4; i++)
        bb_u16(&x, groups[i]);
    ext(&e, 0x000a, &x);
    x.len = 0;
    bb_u8(&x, 1);
    bb_u8(&x, 0);
    ext(&e, 0x000b, &x); /* ec_point_formats: uncompressed */
    x.len = 0;
    ext(&e, 0x0023, NULL); /* session_ticket */
    bb_u16(&x, 12);
    bb_u8(&x, 2);
    bb_bytes(&x, "h2", 2);
    bb_u8(&x, 8);
    bb_bytes(&x, "http/1.1", 8);
    ext(&e, 0x0010, &x); /* ALPN */
    x.len = 0;
    bb_u16(&x, 6);
    bb_u16(&x, 0x0403);
    bb_u16(&x, 0x0804);
    bb_u16(&x, 0x0401);
    ext(&e, 0x000d, &x); /* signature_algorithms */
    x.len = 0;
    if (tls13) {
        bb_u8(&x, 6);
        bb_u16(&x, 0x3a3a);
        bb_u16(&x, 0x0304);
        bb_u16(&x, 0x0303);
        ext(&e, 0x002b, &x); /* supported_versions */
        x.len = 0;
        bb_u16(&x, 0x0024); /* key_share: x25519 */
        bb_u16(&x, 0x001d);
        bb_u16(&x, 0x0020);
        for (int i = 0; i < 32; i++)
            bb_u8(&x, 0x55);
        struct bb ks = { 0 };
        bb_u16(&ks, x.len);
        bb_bytes(&ks, x.p, x.len);
        ext(&e, 0x0033, &ks);
        bb_free(&ks);
        x.len = 0;
    }
    ext(&e, 0x4a4a, NULL); /* GREASE again, last */
    bb_u16(&m, e.len);
    bb_bytes(&m, e.p, e.len);
    hs_msg(hs, 1, &m);
    bb_free(&m);
    bb_free(&e);
    bb_free(&x);
}

static void server_hello(struct bb *hs, uint16_t cipher, bool tls13)
{
    struct bb m = { 0 }, e = { 0 }, x = { 0 };
    bb_u16(&m, 0x0303);
    for (int i = 0; i < 32; i++)
        bb_u8(&m, 0x80 + i);
    bb_u8(&m, 32);
    for (int i = 0; i < 32; i++)
        bb_u8(&m, tls13 ? 0xa0 + i : 0x10 + i);
    bb_u16(&m, cipher);
    bb_u8(&m, 0);
    if (tls13) {
        bb_u16(&x, 0x0304);
        ext(&e, 0x002b, &x);
        x.len = 0;
        bb_u16(&x, 0x001d);
        bb_u16(&x, 32);
        for (int i = 0; i < 32; i++)
            bb_u8(&x, 0x66);
        ext(&e, 0x0033, &x);
    } else {
        ext(&e, 0xff01, NULL);
        ext(&e, 0x0017, NULL);
        ext(&e, 0x000b, NULL);
    }
    bb_u16(&m, e.len);
    bb_bytes(&m, e.p, e.len);
    hs_msg(hs, 2, &m);
    bb_free(&m);
    bb_free(&e);
    bb_free(&x);
}

static void certificate(struct bb *hs, const unsigned char *const *certs, const unsigned *lens,
                        int n)
{
    struct bb m = { 0 };
    uint32_t total = 0;
    for (int i = 0; i < n; i++)
        total += 3 + lens[i];
    bb_u24(&m, total);
    for (int i = 0; i < n; i++) {
        bb_u24(&m, lens[i]);
        bb_bytes(&m, certs[i], lens[i]);
    }
    hs_msg(hs, 11, &m);
    bb_free(&m);
}

static void empty_msg(struct bb *hs, uint8_t type, uint32_t n)
{
    struct bb m = { 0 };
    for (uint32_t i = 0; i < n; i++)
        bb_u8(&m, 0x42);
    hs_msg(hs, type, &m);
    bb_free(&m);
}

/* A flow: its segments in the order they are fed. */
#define FLOW_MAX_SEGS 16
struct flow {
    int nseg;
    int dir[FLOW_MAX_SEGS];
    struct bb seg[FLOW_MAX_SEGS];
};

static struct bb *flow_seg(struct flow *f, int dir)
{
    if (f->nseg == FLOW_MAX_SEGS)
        abort();
    f->dir[f->nseg] = dir;
    return &f->seg[f->nseg++];
}

static void flow_free(struct flow *f)
{
    for (int i = 0; i < f->nseg; i++)
        bb_free(&f->seg[i]);
    f->nseg = 0;
}

static const uint8_t APPDATA[40] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t CCS[1] = { 1 };

/* TLS 1.2 with a full handshake. 'cert_record_max' cuts the server's handshake
 * records (the Certificate message then spans records); 'certs' is the chain. */
static void flow_tls12(struct flow *f, const unsigned char *const *certs, const unsigned *lens,
                       int ncerts, uint32_t cert_record_max)
{
    struct bb hs = { 0 };
    memset(f, 0, sizeof(*f));
    client_hello(&hs, "tls.example.com", false);
    records(flow_seg(f, 0), 22, 0x0301, hs.p, hs.len, 16384);
    hs.len = 0;
    /* Several messages per record; the Certificate message split across records. */
    server_hello(&hs, 0xc02f, false);
    certificate(&hs, certs, lens, ncerts);
    empty_msg(&hs, 12, 40); /* ServerKeyExchange */
    empty_msg(&hs, 14, 0);  /* ServerHelloDone */
    records(flow_seg(f, 1), 22, 0x0303, hs.p, hs.len, cert_record_max);
    hs.len = 0;
    /* Several records per segment: ClientKeyExchange, ChangeCipherSpec, Finished. */
    struct bb *s = flow_seg(f, 0);
    empty_msg(&hs, 16, 33);
    records(s, 22, 0x0303, hs.p, hs.len, 16384);
    records(s, 20, 0x0303, CCS, 1, 16384);
    records(s, 22, 0x0303, APPDATA, 40, 16384); /* encrypted Finished */
    s = flow_seg(f, 1);
    records(s, 20, 0x0303, CCS, 1, 16384);
    records(s, 22, 0x0303, APPDATA, 40, 16384);
    records(flow_seg(f, 0), 23, 0x0303, APPDATA, 40, 16384);
    records(flow_seg(f, 1), 23, 0x0303, APPDATA, 40, 16384);
    bb_free(&hs);
}

/* TLS 1.3: certificates are encrypted. */
static void flow_tls13(struct flow *f)
{
    struct bb hs = { 0 };
    memset(f, 0, sizeof(*f));
    client_hello(&hs, "tls13.example.com", true);
    records(flow_seg(f, 0), 22, 0x0301, hs.p, hs.len, 16384);
    hs.len = 0;
    server_hello(&hs, 0x1301, true);
    struct bb *s = flow_seg(f, 1);
    records(s, 22, 0x0303, hs.p, hs.len, 16384);
    records(s, 20, 0x0303, CCS, 1, 16384);
    records(s, 23, 0x0303, APPDATA, 40, 16384); /* EncryptedExtensions, Certificate... */
    s = flow_seg(f, 0);
    records(s, 20, 0x0303, CCS, 1, 16384);
    records(s, 23, 0x0303, APPDATA, 40, 16384);
    bb_free(&hs);
}

/* An SSLv2-compatible ClientHello (RFC 5246 E.2) answered with TLS 1.0. */
static void flow_sslv2(struct flow *f)
{
    memset(f, 0, sizeof(*f));
    struct bb *s = flow_seg(f, 0);
    static const uint8_t specs[] = { 0x00, 0x00, 0x2f, 0x00, 0x00, 0x35, 0x01, 0x00, 0x80 };
    uint32_t body = 1 + 2 + 2 + 2 + 2 + sizeof(specs) + 16;
    bb_u8(s, 0x80 | (body >> 8));
    bb_u8(s, body);
    bb_u8(s, 1);      /* CLIENT-HELLO */
    bb_u16(s, 0x0301); /* the highest version offered */
    bb_u16(s, sizeof(specs));
    bb_u16(s, 0);      /* session id */
    bb_u16(s, 16);     /* challenge */
    bb_bytes(s, specs, sizeof(specs));
    for (int i = 0; i < 16; i++)
        bb_u8(s, 0x30 + i);
    struct bb hs = { 0 };
    server_hello(&hs, 0x002f, false);
    const unsigned char *certs[] = { CERT_BMP };
    const unsigned lens[] = { CERT_BMP_len };
    certificate(&hs, certs, lens, 1);
    empty_msg(&hs, 14, 0);
    /* TLS 1.0 ServerHello: patch its version. */
    hs.p[4] = 0x03, hs.p[5] = 0x01;
    records(flow_seg(f, 1), 22, 0x0301, hs.p, hs.len, 16384);
    bb_free(&hs);
}

/* Writes a flow for the oracle: per segment, direction (1 octet), length (4, little
 * endian), bytes. */
static void flow_dump(const struct flow *f, const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.segs", dir, name);
    FILE *o = fopen(path, "wb");
    if (o == NULL)
        return;
    for (int i = 0; i < f->nseg; i++) {
        uint8_t d = (uint8_t)f->dir[i];
        uint32_t n = f->seg[i].len;
        fwrite(&d, 1, 1, o);
        fwrite(&n, 4, 1, o);
        fwrite(f->seg[i].p, 1, n, o);
    }
    fclose(o);
}

/* ---------------------------------------------------------------------------------- */
/* Running flows                                                                      */
/* ---------------------------------------------------------------------------------- */

/* Everything the parser exposes, as one text, to compare runs. */
static void summary(const struct tls_state *t, char *out, size_t cap)
{
    size_t n = 0;
    const uint8_t *p;
    uint32_t len;
    out[0] = '\0';
    for (int d = 0; d < 2; d++) {
        for (int b = 0; b < TLS_BUF_MAX; b++) {
            if (tls_buffer_dir(t, d, (enum tls_buf)b, &p, &len))
                n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%d.%d=%.*s|", d, b, (int)len, (const char *)p);
        }
        const struct x509_cert *x = tls_cert0(t, d);
        n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "v%04x p%x c%u t%lld/%lld|", tls_version(t, d),
                              tls_progress(t, d), tls_cert_count(t, d),
                              x ? (long long)x->not_before : 0LL, x ? (long long)x->not_after : 0LL);
        for (uint32_t i = 0; i < tls_cert_count(t, d); i++) {
            CHECK(tls_cert(t, d, i, &p, &len));
            n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%u:%02x%02x|", len, p[len - 2], p[len - 1]);
        }
    }
    const struct tls_stats *st = tls_stats(t);
    for (int e = 0; e < TLS_EV_MAX; e++)
        if (st->events[e])
            n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s=%llu|", tls_event_name((enum tls_event)e),
                                  (unsigned long long)st->events[e]);
    n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "tx%d%d r%d", tls_tx_progress(t, 0),
                          tls_tx_progress(t, 1), tls_session_resumed(t));
    CHECK(n < cap);
}

/* Feeds the flow; segment 'split_seg' is fed in two pieces cut at 'split_at' (or, with
 * split_at == UINT32_MAX, one octet at a time). Each piece is copied into a buffer of
 * exactly its size, so ASan catches a read past it. */
static struct tls_state *flow_run(const struct flow *f, int split_seg, uint32_t split_at)
{
    struct tls_state *t = tls_state_new();
    CHECK(t != NULL);
    for (int i = 0; i < f->nseg; i++) {
        const struct bb *s = &f->seg[i];
        uint32_t cuts[2] = { s->len, s->len };
        if (i == split_seg && split_at != UINT32_MAX)
            cuts[0] = split_at;
        uint32_t off = 0;
        while (off < s->len) {
            uint32_t end = (i == split_seg && split_at == UINT32_MAX) ? off + 1
                           : (off < cuts[0] ? cuts[0] : cuts[1]);
            uint32_t n = end - off;
            uint8_t *copy = malloc(n ? n : 1);
            memcpy(copy, s->p + off, n);
            CHECK_EQ(tls_parse(t, f->dir[i], copy, n), n);
            free(copy);
            off = end;
        }
    }
    return t;
}

static bool buf_is(const struct tls_state *t, int dir, enum tls_buf b, const char *want)
{
    const uint8_t *p;
    uint32_t len;
    if (!tls_buffer_dir(t, dir, b, &p, &len))
        return want == NULL;
    if (want == NULL) {
        fprintf(stderr, "buffer %d: unexpected \"%.*s\"\n", b, (int)len, (const char *)p);
        return false;
    }
    if (len != strlen(want) || memcmp(p, want, len) != 0) {
        fprintf(stderr, "buffer %d: \"%.*s\" != \"%s\"\n", b, (int)len, (const char *)p, want);
        return false;
    }
    return true;
}

/* Splitting any segment at any octet, or feeding it octet by octet, gives the same
 * result as feeding it whole. */
static void check_splits(const struct flow *f, const char *name)
{
    static char whole[8192], part[8192];
    struct tls_state *t = flow_run(f, -1, 0);
    summary(t, whole, sizeof(whole));
    tls_state_free(t);
    int bad = 0;
    for (int i = 0; i < f->nseg; i++) {
        for (uint32_t at = 1; at < f->seg[i].len; at++) {
            t = flow_run(f, i, at);
            summary(t, part, sizeof(part));
            tls_state_free(t);
            if (strcmp(whole, part) != 0 && bad++ < 3)
                fprintf(stderr, "%s: segment %d cut at %u differs:\n  %s\n  %s\n", name, i, at, whole, part);
        }
        t = flow_run(f, i, UINT32_MAX);
        summary(t, part, sizeof(part));
        tls_state_free(t);
        if (strcmp(whole, part) != 0 && bad++ < 3)
            fprintf(stderr, "%s: segment %d octet by octet differs\n", name, i);
    }
    CHECK_EQ(bad, 0);
}

/* ---------------------------------------------------------------------------------- */
/* Tests                                                                              */
/* ---------------------------------------------------------------------------------- */

/* Expected values: Suricata 7.0.10's eve tls events for the same flows. */
#define LEAF_NAME                                                                        \
    "C=DE, ST=Berlin, L=K\xc3\xb6ln, OU=Sensor + O=Canh Test, CN=tls.example.com, "      \
    "Email=tls@example.com, OID(2.5.4.97)=VATDE-123456789, serialNumber=42, "            \
    "businessCategory=Private Organization"
#define LEAF_SERIAL "00:8A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:01"
#define LEAF_FP "00:3f:1b:33:7d:14:3a:15:99:9a:a7:c9:43:57:61:a1:cc:b6:66:6e"
#define LEAF_NOT_BEFORE "2026-11-23T21:47:00"
#define LEAF_NOT_AFTER "2081-08-26T21:47:00"
#define CA_FP "9b:46:f1:82:fc:ef:e7:81:00:89:cf:4f:c8:cf:43:4d:7a:cb:21:66"
#define BMP_NAME "C=US, CN=Canh Test Root \xe2\x82\xac"
#define BMP_FP "7a:f5:6a:ac:2b:f5:34:81:16:31:62:e8:ea:14:44:7a:82:05:6e:58"
#define JA3_12 "771,4865-4866-49195-49199-156-10,0-23-65281-10-11-35-16-13,29-23-24,0"
#define JA3_12_HASH "9fc6f205d6357ece6cee23584580dc89"
#define JA3S_12 "771,49199,65281-23-11"
#define JA3S_12_HASH "31664de10b10b9eac390e9757a087b29"
#define JA3_13 "771,4865-4866-49195-49199-156-10,0-23-65281-10-11-35-16-13-43-51,29-23-24,0"
#define JA3_13_HASH "0b67b824ce1dae66a8a619e765004c95"
#define JA3S_13 "771,4865,43-51"
#define JA3S_13_HASH "f4febc55ea12b31ae17cfb7e614afda8"
#define JA3S_SSLV2 "769,47,65281-23-11"
#define JA3S_SSLV2_HASH "b1745536bfbc98ac7de5846b8b43090a"

static void test_x509(void)
{
    struct x509_cert *c = malloc(sizeof(*c));
    char tb[X509_TIME_TEXT_MAX];

    CHECK_EQ(x509_parse(CERT_LEAF, CERT_LEAF_len, c), CANH_OK);
    CHECK_STR(c->subject, LEAF_NAME);
    CHECK_STR(c->issuer, LEAF_NAME);
    CHECK_EQ(c->subject_len, strlen(LEAF_NAME));
    CHECK_STR(c->serial, LEAF_SERIAL);
    CHECK_STR(c->fingerprint, LEAF_FP);
    CHECK_EQ(c->version, 2);
    x509_time_format(c->not_before, tb);
    CHECK_STR(tb, LEAF_NOT_BEFORE);
    x509_time_format(c->not_after, tb); /* GeneralizedTime */
    CHECK_STR(tb, LEAF_NOT_AFTER);

    CHECK_EQ(x509_parse(CERT_CA, CERT_CA_len, c), CANH_OK);
    CHECK_STR(c->subject, "<X509Error: Invalid X.509 name>"); /* T61String, Latin-1 */
    CHECK_STR(c->serial, "01");
    CHECK_STR(c->fingerprint, CA_FP);

    CHECK_EQ(x509_parse(CERT_BMP, CERT_BMP_len, c), CANH_OK);
    CHECK_STR(c->subject, BMP_NAME);
    CHECK_STR(c->issuer, BMP_NAME);
    CHECK_STR(c->serial, "00");
    CHECK_STR(c->fingerprint, BMP_FP);
    x509_time_format(c->not_before, tb);
    CHECK_STR(tb, "2026-11-23T21:47:13");

    /* Suricata's own vectors (rust/src/x509/time.rs). */
    CHECK_EQ(x509_time_format(-86400, tb), 19);
    CHECK_STR(tb, "1969-12-31T00:00:00");
    x509_time_format(2177367003, tb);
    CHECK_STR(tb, "2038-12-31T00:10:03");
    x509_time_format(0, tb);
    CHECK_STR(tb, "1970-01-01T00:00:00");
    CHECK_EQ(x509_time_format(400000000000LL, tb), 0); /* year past 9999 */

    /* Every truncation fails cleanly, with an error. Bytes after the certificate are
     * allowed (and hashed). */
    uint8_t *buf = malloc(CERT_LEAF_len + 1);
    int bad = 0;
    for (uint32_t n = 0; n < CERT_LEAF_len; n++) {
        memcpy(buf, CERT_LEAF, n);
        if (x509_parse(buf, n, c) != CANH_ERR || c->error == X509_E_NONE || c->subject[0] != '\0')
            bad++;
    }
    CHECK_EQ(bad, 0);
    memcpy(buf, CERT_LEAF, CERT_LEAF_len);
    buf[CERT_LEAF_len] = 0;
    CHECK_EQ(x509_parse(buf, CERT_LEAF_len + 1, c), CANH_OK);
    CHECK(strcmp(c->fingerprint, LEAF_FP) != 0);

    /* Every single-octet change: no crash; the error, if any, is a known one. */
    for (uint32_t i = 0; i < CERT_LEAF_len; i++) {
        for (int v = 0; v < 3; v++) {
            memcpy(buf, CERT_LEAF, CERT_LEAF_len);
            buf[i] = (uint8_t)(v == 0 ? buf[i] ^ 0x80 : v == 1 ? 0xff : 0x00);
            int rc = x509_parse(buf, CERT_LEAF_len, c);
            if ((rc == CANH_OK) != (c->error == X509_E_NONE) || c->error >= X509_E_MAX ||
                c->error_off > CERT_LEAF_len)
                bad++;
        }
    }
    CHECK_EQ(bad, 0);

    /* Specific errors. */
    memcpy(buf, CERT_LEAF, CERT_LEAF_len);
    buf[0] = 0x31; /* SET, not SEQUENCE */
    CHECK_EQ(x509_parse(buf, CERT_LEAF_len, c), CANH_ERR);
    CHECK_EQ(c->error, X509_E_DER);
    memcpy(buf, CERT_LEAF, CERT_LEAF_len);
    buf[13] = 0x04; /* serial as OCTET STRING */
    CHECK_EQ(x509_parse(buf, CERT_LEAF_len, c), CANH_ERR);
    CHECK_EQ(c->error, X509_E_SERIAL);
    memcpy(buf, CERT_LEAF, CERT_LEAF_len);
    buf[259 + 2] = 'X'; /* notBefore "X61123..." */
    CHECK_EQ(x509_parse(buf, CERT_LEAF_len, c), CANH_ERR);
    CHECK_EQ(c->error, X509_E_DATE);
    CHECK_STR(x509_error_name(X509_E_DATE), "invalid_date");
    CHECK_STR(x509_error_name(X509_E_MAX), "unknown");
    free(buf);
    free(c);
}

static void test_tls12(void)
{
    struct flow f;
    const unsigned char *certs[] = { CERT_LEAF, CERT_CA };
    const unsigned lens[] = { CERT_LEAF_len, CERT_CA_len };
    flow_tls12(&f, certs, lens, 2, 700);
    struct tls_state *t = flow_run(&f, -1, 0);

    CHECK(buf_is(t, 1, TLS_BUF_SNI, "tls.example.com"));
    CHECK(buf_is(t, 1, TLS_BUF_CERT_SUBJECT, LEAF_NAME));
    CHECK(buf_is(t, 1, TLS_BUF_CERT_ISSUER, LEAF_NAME));
    CHECK(buf_is(t, 1, TLS_BUF_CERT_SERIAL, LEAF_SERIAL));
    CHECK(buf_is(t, 1, TLS_BUF_CERT_FINGERPRINT, LEAF_FP));
    CHECK(buf_is(t, 1, TLS_BUF_JA3_STRING, JA3_12));
    CHECK(buf_is(t, 1, TLS_BUF_JA3_HASH, JA3_12_HASH));
    CHECK(buf_is(t, 1, TLS_BUF_JA3S_STRING, JA3S_12));
    CHECK(buf_is(t, 1, TLS_BUF_JA3S_HASH, JA3S_12_HASH));
    CHECK(buf_is(t, 1, TLS_BUF_VERSION, "TLS 1.2"));
    /* tls_buffer() is the server's side; the client sent no certificate. */
    const uint8_t *p;
    uint32_t len;
    CHECK(tls_buffer(t, TLS_BUF_CERT_SUBJECT, &p, &len) && len == strlen(LEAF_NAME));
    CHECK(!tls_buffer_dir(t, 0, TLS_BUF_CERT_SUBJECT, &p, &len) && p == NULL && len == 0);
    CHECK(tls_cert0(t, 0) == NULL);

    /* The chain, as sent. */
    CHECK_EQ(tls_cert_count(t, 1), 2);
    CHECK(tls_cert(t, 1, 0, &p, &len) && len == CERT_LEAF_len && memcmp(p, CERT_LEAF, len) == 0);
    CHECK(tls_cert(t, 1, 1, &p, &len) && len == CERT_CA_len && memcmp(p, CERT_CA, len) == 0);
    CHECK(!tls_cert(t, 1, 2, &p, &len));
    CHECK_EQ(tls_cert_count(t, 0), 0);

    const struct x509_cert *x = tls_cert0(t, 1);
    CHECK(x != NULL);
    char tb[X509_TIME_TEXT_MAX];
    x509_time_format(x->not_after, tb);
    CHECK_STR(tb, LEAF_NOT_AFTER);

    CHECK_EQ(tls_version(t, 0), TLS_VERSION_12);
    CHECK_EQ(tls_version(t, 1), TLS_VERSION_12);
    uint32_t want = TLS_P_HELLO | TLS_P_KEY_EXCHANGE | TLS_P_CHANGE_CIPHER | TLS_P_ENCRYPTED |
                    TLS_P_HANDSHAKE_DONE;
    CHECK_EQ(tls_progress(t, 0), want);
    CHECK_EQ(tls_progress(t, 1), want | TLS_P_CERTIFICATE);
    CHECK_EQ(tls_tx_progress(t, 0), TLS_TX_HANDSHAKE_DONE);
    CHECK(!tls_session_resumed(t));
    tls_eof(t, 0);
    tls_eof(t, 1);
    CHECK(tls_progress(t, 0) & TLS_P_FINISHED);
    CHECK_EQ(tls_tx_progress(t, 1), TLS_TX_FINISHED);

    const struct tls_stats *st = tls_stats(t);
    CHECK_EQ(tls_take_events(t), 0);
    CHECK_EQ(st->handshake_msgs[0], 2);
    CHECK_EQ(st->handshake_msgs[1], 4);
    CHECK_EQ(st->encrypted_records[0], 2); /* Finished, application data */
    CHECK_EQ(st->encrypted_records[1], 2);
    CHECK(tls_state_memuse(t) > CERT_LEAF_len + CERT_CA_len);
    tls_state_free(t);

    check_splits(&f, "tls12");
    flow_free(&f);

    /* The whole server flight in one record, the chain's first certificate unparsable
     * as text (T61): the fields are still set, as Suricata's. */
    const unsigned char *c1[] = { CERT_CA };
    const unsigned l1[] = { CERT_CA_len };
    flow_tls12(&f, c1, l1, 1, 16384);
    t = flow_run(&f, -1, 0);
    CHECK(buf_is(t, 1, TLS_BUF_CERT_SUBJECT, "<X509Error: Invalid X.509 name>"));
    CHECK(buf_is(t, 1, TLS_BUF_CERT_SERIAL, "01"));
    CHECK(buf_is(t, 1, TLS_BUF_CERT_FINGERPRINT, CA_FP));
    CHECK(buf_is(t, 1, TLS_BUF_JA3_HASH, JA3_12_HASH));
    tls_state_free(t);
    flow_free(&f);
}

static void test_tls13(void)
{
    struct flow f;
    flow_tls13(&f);
    struct tls_state *t = flow_run(&f, -1, 0);
    CHECK(buf_is(t, 1, TLS_BUF_SNI, "tls13.example.com"));
    CHECK(buf_is(t, 1, TLS_BUF_VERSION, "TLS 1.3"));
    CHECK(buf_is(t, 1, TLS_BUF_JA3_STRING, JA3_13));
    CHECK(buf_is(t, 1, TLS_BUF_JA3_HASH, JA3_13_HASH));
    CHECK(buf_is(t, 1, TLS_BUF_JA3S_STRING, JA3S_13));
    CHECK(buf_is(t, 1, TLS_BUF_JA3S_HASH, JA3S_13_HASH));
    CHECK(buf_is(t, 1, TLS_BUF_CERT_SUBJECT, NULL));
    CHECK_EQ(tls_cert_count(t, 1), 0);
    CHECK_EQ(tls_version(t, 0), TLS_VERSION_13); /* first valid supported_versions entry */
    CHECK_EQ(tls_version(t, 1), TLS_VERSION_13);
    CHECK(tls_progress(t, 1) & TLS_P_HANDSHAKE_DONE);
    CHECK(!tls_session_resumed(t)); /* same session id echoed, but TLS 1.3 */
    CHECK_EQ(tls_take_events(t), 0);
    tls_state_free(t);
    check_splits(&f, "tls13");
    flow_free(&f);
}

static void test_sslv2(void)
{
    struct flow f;
    flow_sslv2(&f);
    struct tls_state *t = flow_run(&f, -1, 0);
    CHECK_EQ(tls_version(t, 0), TLS_VERSION_10); /* from the SSLv2 CLIENT-HELLO */
    CHECK(tls_progress(t, 0) & TLS_P_HELLO);
    CHECK(buf_is(t, 1, TLS_BUF_JA3_HASH, NULL)); /* no JA3 for SSLv2 hellos */
    CHECK(buf_is(t, 1, TLS_BUF_JA3S_STRING, JA3S_SSLV2));
    CHECK(buf_is(t, 1, TLS_BUF_JA3S_HASH, JA3S_SSLV2_HASH));
    CHECK(buf_is(t, 1, TLS_BUF_VERSION, "TLSv1"));
    CHECK(buf_is(t, 1, TLS_BUF_CERT_SUBJECT, BMP_NAME));
    CHECK(buf_is(t, 1, TLS_BUF_CERT_FINGERPRINT, BMP_FP));
    CHECK_EQ(tls_stats(t)->sslv2_records[0], 1);
    CHECK_EQ(tls_take_events(t), 0);
    tls_state_free(t);
    check_splits(&f, "sslv2");
    flow_free(&f);

    /* An SSLv2 server: version "SSLv2"; an SSLv2 ERROR message is an event. */
    t = tls_state_new();
    static const uint8_t sv[] = { 0x80, 0x05, 0x04, 0x00, 0x01, 0x00, 0x02 };
    static const uint8_t err[] = { 0x80, 0x03, 0x00, 0x00, 0x01 };
    tls_parse(t, 1, sv, sizeof(sv));
    CHECK(buf_is(t, 1, TLS_BUF_VERSION, "SSLv2"));
    tls_parse(t, 1, err, sizeof(err));
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_ERROR_MESSAGE_ENCOUNTERED);
    tls_state_free(t);
}

/* Feeds 'n' octets to a fresh state and returns it. */
static struct tls_state *feed(int dir, const uint8_t *p, uint32_t n)
{
    struct tls_state *t = tls_state_new();
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, p, n);
    CHECK_EQ(tls_parse(t, dir, copy, n), n);
    free(copy);
    return t;
}

static void test_malformed(void)
{
    struct tls_state *t;
    struct bb b = { 0 }, hs = { 0 };

    /* An unknown record type is fatal (as Suricata): what follows is not parsed. */
    client_hello(&hs, "a.example", false);
    bb_bytes(&b, "\x19\x03\x03\x00\x01\x00", 6);
    records(&b, 22, 0x0301, hs.p, hs.len, 16384);
    t = feed(0, b.p, b.len);
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_INVALID_RECORD_TYPE);
    CHECK(buf_is(t, 0, TLS_BUF_SNI, NULL));
    CHECK_EQ(tls_stats(t)->ignored_bytes[0], b.len - 5);
    tls_parse(t, 1, b.p, b.len); /* both directions stop */
    CHECK_EQ(tls_stats(t)->ignored_bytes[1], b.len);
    tls_state_free(t);

    /* ... except in TLS 1.0 / 1.1, where the record is skipped. */
    b.len = 0;
    records(&b, 21, 0x0301, (const uint8_t *)"\x01\x00", 2, 16384);
    bb_bytes(&b, "\x19\x03\x01\x00\x01\x00", 6);
    records(&b, 22, 0x0301, hs.p, hs.len, 16384);
    t = feed(0, b.p, b.len);
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_INVALID_RECORD_TYPE);
    CHECK(buf_is(t, 0, TLS_BUF_SNI, "a.example"));
    CHECK_EQ(tls_stats(t)->alerts[0], 1);
    tls_state_free(t);

    /* Empty record, oversized record, bad version: fatal. */
    t = feed(0, (const uint8_t *)"\x16\x03\x01\x00\x00", 5);
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_INVALID_RECORD_LENGTH);
    tls_state_free(t);
    t = feed(0, (const uint8_t *)"\x17\x03\x03\x44\x01", 5);
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_INVALID_RECORD_LENGTH);
    tls_state_free(t);
    t = feed(0, (const uint8_t *)"\x16\x02\x00\x00\x10", 5);
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_INVALID_RECORD_VERSION);
    tls_state_free(t);
    /* A handshake record too short for a message header. */
    t = feed(0, (const uint8_t *)"\x16\x03\x01\x00\x02\x01\x00", 7);
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_INVALID_SSL_RECORD);
    tls_state_free(t);
    /* SSLv2 header with length 0. */
    t = feed(0, (const uint8_t *)"\x80\x00\x01", 3);
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_INVALID_SSLV2_HEADER);
    tls_state_free(t);

    /* A handshake message header split across records, several messages in one record,
     * an unknown handshake type (an event, skipped). */
    b.len = 0;
    struct bb m = { 0 };
    empty_msg(&m, 99, 3);
    bb_bytes(&m, hs.p, hs.len);
    records(&b, 22, 0x0301, m.p, 9, 16384);
    records(&b, 22, 0x0301, m.p + 9, m.len - 9, 16384);
    t = feed(0, b.p, b.len);
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_INVALID_HANDSHAKE_MESSAGE);
    CHECK(buf_is(t, 0, TLS_BUF_SNI, "a.example"));
    tls_state_free(t);
    bb_free(&m);

    /* A truncated ClientHello: handshake_invalid_length, not fatal, no JA3 hash; the
     * string keeps what was read (version and ciphers, as Suricata). */
    b.len = 0;
    struct bb ch = { 0 };
    bb_bytes(&ch, hs.p, hs.len);
    ch.p[1] = 0, ch.p[2] = 0, ch.p[3] = 4 + 32 + 1 + 32 + 2 + 14 + 3; /* cut in the extensions */
    records(&b, 22, 0x0301, ch.p, 4 + ch.p[3], 16384);
    t = feed(0, b.p, b.len);
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_HANDSHAKE_INVALID_LENGTH);
    CHECK(buf_is(t, 0, TLS_BUF_JA3_HASH, NULL));
    CHECK(buf_is(t, 0, TLS_BUF_JA3_STRING, "771,4865-4866-49195-49199-156-10"));
    tls_state_free(t);
    bb_free(&ch);

    /* Bad SNI: the type, then the length. Extension parsing stops; JA3 is made. */
    static const uint8_t bad_sni[2][9] = { { 0, 7, 1, 0, 4, 'a', 'b', 'c', 'd' },
                                           { 0, 7, 0, 0, 9, 'a', 'b', 'c', 'd' } };
    for (int k = 0; k < 2; k++) {
        struct bb e = { 0 };
        bb_u16(&e, 0x0303);
        for (int i = 0; i < 32; i++)
            bb_u8(&e, 0);
        bb_bytes(&e, "\x00\x00\x02\x00\x2f\x01\x00", 7);
        bb_u16(&e, 13);
        bb_bytes(&e, "\x00\x00\x00\x09", 4);
        bb_bytes(&e, bad_sni[k], 9);
        m.len = 0;
        hs_msg(&m, 1, &e);
        b.len = 0;
        records(&b, 22, 0x0301, m.p, m.len, 16384);
        t = feed(0, b.p, b.len);
        CHECK_EQ(tls_take_events(t), 1ull << (k ? TLS_EV_INVALID_SNI_LENGTH : TLS_EV_INVALID_SNI_TYPE));
        CHECK(buf_is(t, 0, TLS_BUF_SNI, NULL));
        CHECK(buf_is(t, 0, TLS_BUF_JA3_STRING, "771,47,,,"));
        tls_state_free(t);
        bb_free(&e);
        bb_free(&m);
    }

    /* Heartbeat: payload length past the record (CVE-2014-0160) is fatal. */
    t = feed(0, (const uint8_t *)"\x18\x03\x02\x00\x03\x01\x40\x00", 8);
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_OVERFLOW_HEARTBEAT);
    CHECK_EQ(tls_stats(t)->heartbeats[0], 1);
    tls_state_free(t);

    /* A handshake message over TLS_HANDSHAKE_MAX is skipped with an event, across as
     * many records as it takes; the message after it is parsed. */
    b.len = 0;
    {
        struct bb big = { 0 };
        uint32_t n = TLS_HANDSHAKE_MAX + 1;
        bb_u8(&big, 11);
        bb_u24(&big, n);
        uint8_t *zero = calloc(1, n);
        bb_bytes(&big, zero, n);
        free(zero);
        bb_bytes(&big, hs.p, hs.len);
        records(&b, 22, 0x0303, big.p, big.len, 16384);
        bb_free(&big);
    }
    t = feed(1, b.p, b.len);
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_HANDSHAKE_TOO_LONG);
    CHECK(buf_is(t, 1, TLS_BUF_JA3S_STRING, JA3_12)); /* a ClientHello, sent by the server */
    CHECK(tls_state_memuse(t) < 64 * 1024);
    tls_state_free(t);

    /* Certificates: a length past the list; more than TLS_MAX_CERTS; a broken first
     * certificate is left out of the chain and the next one gives the fields. */
    {
        const unsigned char *c[TLS_MAX_CERTS + 2];
        unsigned l[TLS_MAX_CERTS + 2];
        for (int i = 0; i < TLS_MAX_CERTS + 2; i++)
            c[i] = CERT_BMP, l[i] = CERT_BMP_len;
        m.len = 0;
        certificate(&m, c, l, TLS_MAX_CERTS + 2);
        b.len = 0;
        records(&b, 22, 0x0303, m.p, m.len, 16384);
        t = feed(1, b.p, b.len);
        CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_TOO_MANY_CERTIFICATES);
        CHECK_EQ(tls_cert_count(t, 1), TLS_MAX_CERTS);
        CHECK(buf_is(t, 1, TLS_BUF_CERT_FINGERPRINT, BMP_FP));
        tls_state_free(t);

        uint8_t *broken = malloc(CERT_LEAF_len);
        memcpy(broken, CERT_LEAF, CERT_LEAF_len);
        broken[13] = 0x04; /* serial as OCTET STRING */
        c[0] = broken, l[0] = CERT_LEAF_len;
        m.len = 0;
        certificate(&m, c, l, 3);
        m.p[4 + 3 + 3 + CERT_LEAF_len + 3 + CERT_BMP_len] = 0x7f; /* third: length past */
        b.len = 0;
        records(&b, 22, 0x0303, m.p, m.len, 16384);
        t = feed(1, b.p, b.len);
        CHECK_EQ(tls_take_events(t), (1ull << TLS_EV_CERTIFICATE_INVALID_SERIAL) |
                                         (1ull << TLS_EV_INVALID_CERTIFICATE));
        CHECK_EQ(tls_cert_count(t, 1), 1);
        CHECK(buf_is(t, 1, TLS_BUF_CERT_SUBJECT, BMP_NAME));
        tls_state_free(t);
        free(broken);
        bb_free(&m);
    }

    /* After ChangeCipherSpec handshake records are encrypted: not parsed. */
    b.len = 0;
    records(&b, 20, 0x0303, CCS, 1, 16384);
    records(&b, 22, 0x0303, hs.p, hs.len, 16384);
    t = feed(0, b.p, b.len);
    CHECK(buf_is(t, 0, TLS_BUF_SNI, NULL));
    CHECK_EQ(tls_stats(t)->encrypted_records[0], 1);
    CHECK_EQ(tls_take_events(t), 0);
    tls_state_free(t);

    /* A gap: the direction stops; the other goes on. */
    b.len = 0;
    records(&b, 22, 0x0301, hs.p, hs.len, 16384);
    t = tls_state_new();
    tls_parse(t, 0, b.p, 10);
    tls_gap(t, 0);
    tls_parse(t, 0, b.p, b.len);
    CHECK(buf_is(t, 0, TLS_BUF_SNI, NULL));
    CHECK_EQ(tls_take_events(t), 1ull << TLS_EV_GAP);
    CHECK_EQ(tls_stats(t)->ignored_bytes[0], b.len);
    tls_parse(t, 1, b.p, b.len);
    CHECK(buf_is(t, 1, TLS_BUF_JA3S_STRING, JA3_12)); /* the server side still parses */
    tls_state_free(t);

    CHECK_STR(tls_event_name(TLS_EV_INVALID_RECORD_TYPE), "tls.invalid_record_type");
    CHECK_STR(tls_event_name(TLS_EV_MAX), "unknown");
    char vb[TLS_VERSION_TEXT_MAX];
    CHECK_STR(tls_version_str(0x7f1c, vb), "TLS 1.3 draft-28");
    CHECK_STR(tls_version_str(0xfb1a, vb), "TLS 1.3 draft-26-fb");
    CHECK_STR(tls_version_str(0x1234, vb), "0x1234");
    CHECK_STR(tls_version_str(0, vb), "UNDETERMINED");
    tls_state_free(NULL);
    bb_free(&b);
    bb_free(&hs);
}

/* Random bytes, and random cuts of a real flow: no crash, the caps hold. */
static void test_garbage(void)
{
    uint32_t seed = 12345;
    uint8_t buf[4096];
    for (int round = 0; round < 2000; round++) {
        struct tls_state *t = tls_state_new();
        for (int k = 0; k < 4; k++) {
            uint32_t n = (seed = seed * 1103515245 + 12345) % sizeof(buf);
            for (uint32_t i = 0; i < n; i++)
                buf[i] = (uint8_t)((seed = seed * 1103515245 + 12345) >> 16);
            if (k == 0 && round % 2 == 0)
                buf[0] = 0x16, buf[1] = 0x03, buf[2] = 0x01; /* a plausible record */
            tls_parse(t, k & 1, buf, n);
        }
        CHECK(tls_state_memuse(t) < 2 * (TLS_HANDSHAKE_MAX + TLS_RECORD_MAX) + 65536);
        tls_state_free(t);
    }
}

int main(int argc, char **argv)
{
    gcry_check_version(NULL);
    if (argc == 3 && strcmp(argv[1], "--dump") == 0) {
        struct flow f;
        const unsigned char *c2[] = { CERT_LEAF, CERT_CA };
        const unsigned l2[] = { CERT_LEAF_len, CERT_CA_len };
        flow_tls12(&f, c2, l2, 2, 700);
        flow_dump(&f, argv[2], "tls12");
        flow_free(&f);
        const unsigned char *c1[] = { CERT_CA };
        const unsigned l1[] = { CERT_CA_len };
        flow_tls12(&f, c1, l1, 1, 16384);
        flow_dump(&f, argv[2], "tls12-ca");
        flow_free(&f);
        flow_tls13(&f);
        flow_dump(&f, argv[2], "tls13");
        flow_free(&f);
        flow_sslv2(&f);
        flow_dump(&f, argv[2], "sslv2");
        flow_free(&f);
        return 0;
    }
    test_x509();
    test_tls12();
    test_tls13();
    test_sslv2();
    test_malformed();
    test_garbage();
    return test_done("test-tls");
}
