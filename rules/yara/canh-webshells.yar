/*
 * Canh's own YARA rules: web shells in PHP, ASP/ASPX and JSP - China Chopper one-liners
 * and their clients' payloads, eval of decoded request input, command runners, known
 * families (WSO/FilesMan, b374k, c99/r57, IndoXploit, Alfa) and Java class-loader shells
 * (Behinder/Godzilla).
 *
 * meta keys mapped onto Canh alerts (docs/yara.md): description (follows the rule name
 * in alert.signature), severity (1-4, 1 most severe: alert.severity), category
 * (alert.category), mitre_technique (alert.mitre.technique_id).
 *
 * Every rule needs code that hands request input (or a packed blob) to an interpreter
 * or a shell, or a family's own markers inside server-side code, so that ordinary PHP,
 * JSP and ASPX (a CMS's index.php, a controller calling exec() on constants) do not
 * match. Samples: tests/tools/mkpcap-canh.py (WEBSHELL_*), in yara-webshell-upload.pcap
 * and yara-webshell-download.pcap.
 */

rule CANH_Webshell_PHP_Eval_Request
{
    meta:
        description = "PHP web shell: eval/assert of a request parameter (China Chopper style one-liner)"
        severity = 1
        category = "Web shell"
        mitre_technique = "T1505.003"
        reference = "https://www.mandiant.com/resources/blog/breaking-down-the-china-chopper-web-shell-part-i"
        author = "Canh"
        date = "2026-11-24"

    strings:
        $php = "<?" ascii
        // eval($_POST['x']), @assert($_REQUEST["x"]), eval($_GET[x])
        $eval = /(eval|assert)\s*\(\s*@?\$_(POST|GET|REQUEST|COOKIE|SERVER)\s*\[[^\]]{1,40}\]\s*\)/ nocase ascii

    condition:
        $php and $eval
}

rule CANH_Webshell_PHP_Eval_Decoded_Input
{
    meta:
        description = "PHP web shell: eval/assert of base64/gzinflate/rot13-decoded request input"
        severity = 1
        category = "Web shell"
        mitre_technique = "T1505.003"
        author = "Canh"
        date = "2026-11-24"

    strings:
        $php = "<?" ascii
        // @eval(base64_decode($_POST['z0'])), eval(gzinflate(base64_decode($_POST[k])))
        $dec = /(eval|assert)\s*\(\s*@?((base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|hex2bin|urldecode)\s*\(\s*@?){1,3}\$_(POST|GET|REQUEST|COOKIE|SERVER)/ nocase ascii

    condition:
        $php and $dec
}

rule CANH_Webshell_PHP_Packed_Eval
{
    meta:
        description = "PHP web shell or backdoor: eval of a long packed literal (gzinflate/base64/rot13 chain)"
        severity = 2
        category = "Web shell"
        mitre_technique = "T1505.003"
        author = "Canh"
        date = "2026-11-24"

    strings:
        $php = "<?" ascii
        $packed = /eval\s*\(\s*(gzinflate|gzuncompress|gzdecode|str_rot13|base64_decode)\s*\(\s*(base64_decode|str_rot13|gzinflate|strrev)\s*\(\s*['"][A-Za-z0-9+\/=\\]{200}/ nocase ascii

    condition:
        $php and $packed
}

rule CANH_Webshell_PHP_Command_Runner
{
    meta:
        description = "PHP web shell: request parameter passed to system/passthru/shell_exec/exec/popen"
        severity = 1
        category = "Web shell"
        mitre_technique = "T1505.003"
        author = "Canh"
        date = "2026-11-24"

    strings:
        $php = "<?" ascii
        // system($_GET['c']), shell_exec($_REQUEST["cmd"])
        $direct = /\b(system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec)\s*\(\s*\$_(GET|POST|REQUEST|COOKIE)\s*\[/ nocase ascii
        // $c = $_REQUEST['cmd']; ... system($c);
        $input = /\$[A-Za-z_]\w{0,20}\s*=\s*\$_(GET|POST|REQUEST|COOKIE)\s*\[\s*['"]?(cmd|c|command|exec|execute|shell|run)['"]?\s*\]/ nocase ascii
        $run = /\b(system|passthru|shell_exec|popen|proc_open)\s*\(\s*\$[A-Za-z_]\w{0,20}\s*[,)]/ nocase ascii

    condition:
        $php and ($direct or ($input and $run))
}

rule CANH_Webshell_PHP_WSO_FilesMan
{
    meta:
        description = "PHP web shell: WSO / FilesMan family"
        severity = 1
        category = "Web shell"
        mitre_technique = "T1505.003"
        author = "Canh"
        date = "2026-11-24"

    strings:
        $php = "<?" ascii
        $filesman = "FilesMan" ascii
        $w1 = "$auth_pass" ascii
        $w2 = /wso_?version/ nocase ascii
        $w3 = "wsoEx(" ascii
        $w4 = "wsoHeader(" ascii
        $w5 = "actionFilesMan" ascii
        $w6 = "$default_action" ascii

    condition:
        $php and ($filesman or 2 of ($w*))
}

rule CANH_Webshell_PHP_Known_Family
{
    meta:
        description = "PHP web shell: b374k, c99, r57, IndoXploit or Alfa family markers"
        severity = 1
        category = "Web shell"
        mitre_technique = "T1505.003"
        author = "Canh"
        date = "2026-11-24"

    strings:
        $php = "<?" ascii
        $f1 = "b374k" nocase ascii
        $f2 = "c99shell" nocase ascii
        $f3 = "c99sh_" ascii
        $f4 = "r57shell" nocase ascii
        $f5 = "IndoXploit" nocase ascii
        $f6 = "AlfaTeam" nocase ascii
        $f7 = "ALFA_DATA" ascii
        $f8 = "Alfa Shell" nocase ascii

    condition:
        $php and any of ($f*)
}

rule CANH_Webshell_JSP_Runtime_Exec
{
    meta:
        description = "JSP web shell: Runtime.exec or ProcessBuilder on a request parameter"
        severity = 1
        category = "Web shell"
        mitre_technique = "T1505.003"
        author = "Canh"
        date = "2026-11-24"

    strings:
        $jsp = "<%" ascii
        $exec1 = /Runtime\.getRuntime\(\)\.exec\s*\(\s*request\.getParameter\s*\(/ ascii
        $exec2 = /new\s+ProcessBuilder\s*\([^;]{0,80}request\.getParameter\s*\(/ ascii
        $rt = "Runtime.getRuntime().exec(" ascii
        $param = /String\s+\w+\s*=\s*request\.getParameter\s*\(\s*"(cmd|c|command|exec|i|shell)"\s*\)/ ascii

    condition:
        $jsp and ($exec1 or $exec2 or ($rt and $param))
}

rule CANH_Webshell_JSP_ClassLoader
{
    meta:
        description = "JSP web shell: class loaded from decrypted request bytes (Behinder / Godzilla)"
        severity = 1
        category = "Web shell"
        mitre_technique = "T1505.003"
        author = "Canh"
        date = "2026-11-24"

    strings:
        $jsp = "<%" ascii
        $cl = "extends ClassLoader" ascii
        $def = "defineClass" ascii
        $c1 = "javax.crypto.Cipher" ascii
        $c2 = "Cipher.getInstance(\"AES" ascii
        $in1 = "request.getReader()" ascii
        $in2 = "request.getInputStream()" ascii

    condition:
        $jsp and $cl and $def and any of ($c*) and any of ($in*)
}

rule CANH_Webshell_ASPX_Eval_Request
{
    meta:
        description = "ASP/ASPX web shell: eval or Execute of a request value (China Chopper one-liner)"
        severity = 1
        category = "Web shell"
        mitre_technique = "T1505.003"
        reference = "https://www.mandiant.com/resources/blog/breaking-down-the-china-chopper-web-shell-part-i"
        author = "Canh"
        date = "2026-11-24"

    strings:
        $asp = "<%" ascii
        // <%eval(Request.Item["pass"],"unsafe");%>  <%eval request("pass")%>  <%execute request("x")%>
        $e1 = /eval\s*\(\s*Request(\.Item|\.Form|\.QueryString)?\s*[\[(]\s*["'][^"']{1,40}["']\s*[\])]\s*,\s*["']unsafe["']/ nocase ascii
        $e2 = /<%\s*(eval|execute)\s*\(?\s*request(\.item|\.form)?\s*\(\s*["'][^"']{1,40}["']\s*\)/ nocase ascii

    condition:
        $asp and any of ($e*)
}

rule CANH_Webshell_ASPX_Cmd_Process
{
    meta:
        description = "ASPX web shell: cmd.exe started with a request value"
        severity = 1
        category = "Web shell"
        mitre_technique = "T1505.003"
        author = "Canh"
        date = "2026-11-24"

    strings:
        $page = /<%@\s*Page/ nocase ascii
        $psi = "ProcessStartInfo" ascii
        $start = "Process.Start" ascii
        $cmd = "cmd.exe" nocase ascii
        $req = /Request(\.Form|\.QueryString|\.Item)?\s*\[\s*"[^"]{1,40}"\s*\]/ ascii

    condition:
        $page and ($psi or $start) and $cmd and $req
}
