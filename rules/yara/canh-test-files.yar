/*
 * Canh's own YARA rules: test files that check detection end to end.
 *
 * meta keys mapped onto Canh alerts (docs/yara.md): description (follows the rule name
 * in alert.signature), severity (1-4, 1 most severe: alert.severity), category
 * (alert.category), mitre_technique (alert.mitre.technique_id).
 *
 * Checked by tests/tools/mkpcap-canh.py's yara-eicar-chunked-gzip.pcap (the file
 * downloaded with chunked transfer and gzip encoding).
 */

rule CANH_EICAR_Test_File
{
    meta:
        description = "EICAR anti-virus test file"
        severity = 4
        category = "Test file"
        mitre_technique = "T1105"
        reference = "https://www.eicar.org/download-anti-malware-testfile/"
        author = "Canh"
        date = "2026-11-24"

    strings:
        // The 68-byte standard string; the file may be followed by white space, up to
        // 128 bytes in all.
        $eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

    condition:
        $eicar at 0 and filesize <= 128
}
