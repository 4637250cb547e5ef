/* SPDX-License-Identifier: Apache-2.0 */
/* Table-driven end-to-end semantics: rule text -> gparse_text ->
 * gcomp_compile_unit -> gantry_pack_load_buffer -> gantry_match_json, one
 * row per (rule, event, expected verdict). Covers every modifier and the
 * usual chains, wildcard escapes, case rules, numbers against strings, null
 * against missing, every condition form, lists (also replaced by -D),
 * macros, includes and keywords. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "gantry.h"
#include "parse.h"

typedef struct row {
    const char *prelude; /* top-level items before the rule (lists, macros, includes) */
    const char *body;    /* selections and condition of rule `t` */
    const char *define;  /* one -D definition, or NULL */
    const char *event;
    int expect; /* 1: the rule matches, 0: it does not */
} row;

#define R(body, event, expect)                                                                     \
    { NULL, body, NULL, event, expect }
#define RP(prelude, body, event, expect)                                                           \
    { prelude, body, NULL, event, expect }
#define RD(define, body, event, expect)                                                            \
    { NULL, body, define, event, expect }

/* Element scope rows: a list and a macro, a scoped rule and its flat twin,
 * and containers (elements of container.list) to combine. */
#define SCOPE_LISTS                                                                                \
    "list allow: [\"good/*\"]\nmacro priv_c: container.security_context.privileged: true"
#define SCOPE_RULE "condition: any container { priv_c and not container.image.name in allow }"
#define FLAT_RULE "condition: priv_c and not container.image.name in allow"
#define PRIV_BAD                                                                                   \
    "{\"container.security_context.privileged\":true,\"container.image.name\":[\"evil/x\"]}"
#define PRIV_GOOD                                                                                  \
    "{\"container.security_context.privileged\":true,\"container.image.name\":[\"good/y\"]}"
#define PLAIN_BAD                                                                                  \
    "{\"container.security_context.privileged\":false,\"container.image.name\":[\"evil/z\"]}"
#define SIBLING_EVENT                                                                              \
    "{\"container.security_context.privileged\":true,\"container.image.name\":[\"evil/x\","        \
    "\"good/y\"],\"container.list\":[" PRIV_BAD ",{\"container.security_context.privileged\":"     \
    "false,\"container.image.name\":[\"good/y\"]}]}"

static const row rows[] = {
    /* ---- equality and case ---- */
    R("selection s: { a: \"Foo\" } condition: s", "{\"a\":\"foo\"}", 1),
    R("selection s: { a: \"Foo\" } condition: s", "{\"a\":\"FOO\"}", 1),
    R("selection s: { a: \"Foo\" } condition: s", "{\"a\":\"Foox\"}", 0),
    R("selection s: { a: \"Foo\" } condition: s", "{\"b\":\"Foo\"}", 0),
    R("selection s: { a: \"\" } condition: s", "{\"a\":\"\"}", 1),
    R("selection s: { a: \"\" } condition: s", "{\"a\":\"x\"}", 0),
    R("selection s: { a|cased: \"Foo\" } condition: s", "{\"a\":\"Foo\"}", 1),
    R("selection s: { a|cased: \"Foo\" } condition: s", "{\"a\":\"foo\"}", 0),
    R("selection s: { a|contains|cased: \"Oo\" } condition: s", "{\"a\":\"foo\"}", 0),
    R("selection s: { a|contains|cased: \"Oo\" } condition: s", "{\"a\":\"FOO\"}", 0),
    R("selection s: { a|contains|cased: \"Oo\" } condition: s", "{\"a\":\"fOoOo\"}", 1),
    /* ---- wildcards and escapes ---- */
    R("selection s: { a: \"foo*\" } condition: s", "{\"a\":\"FooBar\"}", 1),
    R("selection s: { a: \"foo*\" } condition: s", "{\"a\":\"xfoo\"}", 0),
    R("selection s: { a: \"*bar\" } condition: s", "{\"a\":\"foobar\"}", 1),
    R("selection s: { a: \"*bar\" } condition: s", "{\"a\":\"barx\"}", 0),
    R("selection s: { a: \"*ob*\" } condition: s", "{\"a\":\"foobar\"}", 1),
    R("selection s: { a: \"f?o\" } condition: s", "{\"a\":\"fxo\"}", 1),
    R("selection s: { a: \"f?o\" } condition: s", "{\"a\":\"fo\"}", 0),
    R("selection s: { a: \"f?o\" } condition: s", "{\"a\":\"fxxo\"}", 0),
    R("selection s: { a: \"f*o*r\" } condition: s", "{\"a\":\"foobar\"}", 1),
    R("selection s: { a: \"f*o*r\" } condition: s", "{\"a\":\"foobaz\"}", 0),
    R("selection s: { a: \"*\" } condition: s", "{\"a\":\"anything\"}", 1),
    R("selection s: { a: \"*\" } condition: s", "{\"b\":\"x\"}", 0),
    /* `\*` is a literal star */
    R("selection s: { a: 'a\\*b' } condition: s", "{\"a\":\"a*b\"}", 1),
    R("selection s: { a: 'a\\*b' } condition: s", "{\"a\":\"axxb\"}", 0),
    R("selection s: { a: 'a\\?b' } condition: s", "{\"a\":\"a?b\"}", 1),
    R("selection s: { a: 'a\\?b' } condition: s", "{\"a\":\"axb\"}", 0),
    /* Sigma's gotcha: `C:\Windows\*` is the literal `C:\Windows*` */
    R("selection s: { a: 'C:\\Windows\\*' } condition: s", "{\"a\":\"C:\\\\Windows*\"}", 1),
    R("selection s: { a: 'C:\\Windows\\*' } condition: s", "{\"a\":\"C:\\\\Windows\\\\System32\"}",
      0),
    /* Sigma `\\*` (written `\\\\*` in a Gantry string): backslash then wildcard */
    R("selection s: { a: 'C:\\Windows\\\\\\\\*' } condition: s",
      "{\"a\":\"C:\\\\Windows\\\\System32\"}", 1),
    R("selection s: { a: 'C:\\Windows\\\\\\\\*' } condition: s", "{\"a\":\"C:\\\\WindowsX\"}", 0),
    /* a backslash before anything else stays */
    R("selection s: { a: 'C:\\Windows\\System32' } condition: s",
      "{\"a\":\"c:\\\\windows\\\\system32\"}", 1),
    /* a glob with a literal star inside */
    R("selection s: { a: 'x\\**y' } condition: s", "{\"a\":\"x*abcy\"}", 1),
    R("selection s: { a: 'x\\**y' } condition: s", "{\"a\":\"xabcy\"}", 0),
    /* raw strings take no wildcards */
    R("selection s: { a: r\"f*o\" } condition: s", "{\"a\":\"f*o\"}", 1),
    R("selection s: { a: r\"f*o\" } condition: s", "{\"a\":\"fxo\"}", 0),
    /* `?` in a URL is a wildcard that also matches the literal `?` */
    R("selection s: { a|contains: \"/x.php?cmd=\" } condition: s", "{\"a\":\"GET /x.php?cmd=id\"}",
      1),
    /* ---- numbers, booleans, null ---- */
    R("selection s: { code: 403 } condition: s", "{\"code\":403}", 1),
    R("selection s: { code: 403 } condition: s", "{\"code\":\"403\"}", 1),
    R("selection s: { code: 403 } condition: s", "{\"code\":404}", 0),
    R("selection s: { code: '403' } condition: s", "{\"code\":403}", 1),
    R("selection s: { code: '403' } condition: s", "{\"code\":\"403\"}", 1),
    R("selection s: { code: [401, 403] } condition: s", "{\"code\":401}", 1),
    R("selection s: { code: 1.5 } condition: s", "{\"code\":1.5}", 1),
    R("selection s: { code: 0x17 } condition: s", "{\"code\":23}", 1),
    R("selection s: { p: true } condition: s", "{\"p\":true}", 1),
    R("selection s: { p: true } condition: s", "{\"p\":false}", 0),
    R("selection s: { p: false } condition: s", "{\"p\":false}", 1),
    R("selection s: { c: null } condition: s", "{\"c\":null}", 1),
    R("selection s: { c: null } condition: s", "{}", 1),
    R("selection s: { c: null } condition: s", "{\"c\":1}", 0),
    R("selection s: { c: [] } condition: s", "{}", 1),
    R("selection s: { c: [] } condition: s", "{\"c\":\"x\"}", 0),
    R("selection s: { c: [\"a\", null] } condition: s", "{}", 1),
    R("selection s: { c: [\"a\", null] } condition: s", "{\"c\":\"A\"}", 1),
    R("selection s: { c: [\"a\", null] } condition: s", "{\"c\":\"b\"}", 0),
    /* ---- exists ---- */
    R("selection s: { c|exists: true } condition: s", "{\"c\":null}", 1),
    R("selection s: { c|exists: true } condition: s", "{\"c\":\"\"}", 1),
    R("selection s: { c|exists: true } condition: s", "{}", 0),
    R("selection s: { c|exists: false } condition: s", "{}", 1),
    R("selection s: { c|exists: false } condition: s", "{\"c\":1}", 0),
    /* ---- contains / startswith / endswith / all ---- */
    R("selection s: { a|contains: [\"x\", \"yz\"] } condition: s", "{\"a\":\"AYZB\"}", 1),
    R("selection s: { a|contains: [\"x\", \"yz\"] } condition: s", "{\"a\":\"ay\"}", 0),
    R("selection s: { a|startswith: \"ab\" } condition: s", "{\"a\":\"abc\"}", 1),
    R("selection s: { a|startswith: \"ab\" } condition: s", "{\"a\":\"cab\"}", 0),
    R("selection s: { a|startswith: \"ab*\" } condition: s", "{\"a\":\"abc\"}", 1),
    R("selection s: { a|endswith: \".exe\" } condition: s", "{\"a\":\"C:\\\\x.EXE\"}", 1),
    R("selection s: { a|endswith: \".exe\" } condition: s", "{\"a\":\"x.exe.txt\"}", 0),
    R("selection s: { a|contains|contains: \"b\" } condition: s", "{\"a\":\"abc\"}", 1),
    R("selection s: { a|contains: \"b*d\" } condition: s", "{\"a\":\"abcde\"}", 1),
    R("selection s: { a|contains: \"b*d\" } condition: s", "{\"a\":\"adcbe\"}", 0),
    R("selection s: { a|contains|all: [\"foo\", \"bar\"] } condition: s", "{\"a\":\"foo-bar\"}", 1),
    R("selection s: { a|contains|all: [\"foo\", \"bar\"] } condition: s", "{\"a\":\"foo\"}", 0),
    R("selection s: { a|all: [\"x\", \"y\"] } condition: s", "{\"a\":[\"y\", \"x\"]}", 1),
    R("selection s: { a|all: [\"x\", \"y\"] } condition: s", "{\"a\":\"x\"}", 0),
    /* ---- regex ---- */
    R("selection s: { a|re: r\"^ab+c$\" } condition: s", "{\"a\":\"abbc\"}", 1),
    R("selection s: { a|re: r\"^ab+c$\" } condition: s", "{\"a\":\"ABBC\"}", 0),
    R("selection s: { a|re|i: r\"^ab+c$\" } condition: s", "{\"a\":\"ABBC\"}", 1),
    R("selection s: { a|re: r\"b\\d+\" } condition: s", "{\"a\":\"xb12y\"}", 1),
    R("selection s: { a|re|s: r\"^x.y$\" } condition: s", "{\"a\":\"x\\ny\"}", 1),
    R("selection s: { a|re: r\"^x.y$\" } condition: s", "{\"a\":\"x\\ny\"}", 0),
    R("selection s: { a|re|m: r\"^y$\" } condition: s", "{\"a\":\"x\\ny\"}", 1),
    R("selection s: { a|re: r\"^y$\" } condition: s", "{\"a\":\"x\\ny\"}", 0),
    R("selection s: { a|re|contains: \"b+c\" } condition: s", "{\"a\":\"abbcd\"}", 1),
    R("selection s: { a|re|startswith: \"^ab\" } condition: s", "{\"a\":\"abz\"}", 1),
    R("selection s: { a|re|endswith: \"c$\" } condition: s", "{\"a\":\"zzc\"}", 1),
    R("selection s: { a|re: \"a*b\" } condition: s", "{\"a\":\"aaab\"}", 1),
    R("selection s: { a|re|all: [\"x\", \"y\"] } condition: s", "{\"a\":\"xy\"}", 1),
    R("selection s: { a|re|all: [\"x\", \"y\"] } condition: s", "{\"a\":\"x\"}", 0),
    /* ---- encodings ---- */
    R("selection s: { a|base64: \"foobar\" } condition: s", "{\"a\":\"Zm9vYmFy\"}", 1),
    R("selection s: { a|base64|contains: \"foobar\" } condition: s", "{\"a\":\"xxZm9vYmFyxx\"}", 1),
    R("selection s: { a|base64offset|contains: \"foobar\" } condition: s",
      "{\"a\":\"..Zm9vYmFy..\"}", 1),
    R("selection s: { a|base64offset|contains: \"foobar\" } condition: s",
      "{\"a\":\"..Zvb2Jhc..\"}", 1),
    R("selection s: { a|base64offset|contains: \"foobar\" } condition: s",
      "{\"a\":\"..mb29iYX..\"}", 1),
    R("selection s: { a|base64offset|contains: \"foobar\" } condition: s",
      "{\"a\":\"..Zm9vYmFz..\"}", 0),
    R("selection s: { a|base64offset|contains|all: [\"foobar\", \"ab\"] } condition: s",
      "{\"a\":\"Zvb2Jhc YWI\"}", 1),
    R("selection s: { a|base64offset|contains|all: [\"foobar\", \"ab\"] } condition: s",
      "{\"a\":\"Zvb2Jhc\"}", 0),
    R("selection s: { a|wide|base64offset|contains: \"ping\" } condition: s",
      "{\"a\":\"xAAaQBuAGcAx\"}", 1),
    R("selection s: { a|wide|base64: \"ab\" } condition: s", "{\"a\":\"YQBiAA==\"}", 1),
    R("selection s: { a|utf16le|base64: \"ab\" } condition: s", "{\"a\":\"YQBiAA==\"}", 1),
    R("selection s: { a|utf16be|base64: \"ab\" } condition: s", "{\"a\":\"AGEAYg==\"}", 1),
    R("selection s: { a|utf16|base64: \"ab\" } condition: s", "{\"a\":\"//5hAGIA\"}", 1),
    R("selection s: { a|windash|contains: \" -exec\" } condition: s", "{\"a\":\"run /exec\"}", 1),
    R("selection s: { a|windash|contains: \" -exec\" } condition: s", "{\"a\":\"run \\u2013exec\"}",
      1),
    R("selection s: { a|windash|contains: \" -exec\" } condition: s", "{\"a\":\"run \\u2015exec\"}",
      1),
    R("selection s: { a|windash|contains: \" -exec\" } condition: s", "{\"a\":\"run exec\"}", 0),
    /* the inner dash of `param-1` is not an option dash */
    R("selection s: { a|windash: \"-param-1\" } condition: s", "{\"a\":\"/param-1\"}", 1),
    R("selection s: { a|windash: \"-param-1\" } condition: s", "{\"a\":\"-param/1\"}", 0),
    /* ---- cidr ---- */
    R("selection s: { ip|cidr: \"10.0.0.0/8\" } condition: s", "{\"ip\":\"10.1.2.3\"}", 1),
    R("selection s: { ip|cidr: \"10.0.0.0/8\" } condition: s", "{\"ip\":\"11.1.2.3\"}", 0),
    R("selection s: { ip|cidr: [\"192.168.0.0/16\", \"2001:db8::/32\"] } condition: s",
      "{\"ip\":\"2001:db8::1\"}", 1),
    R("selection s: { ip|cidr: \"10.0.0.0/8\" } condition: s", "{\"ip\":\"not an ip\"}", 0),
    /* ---- comparisons ---- */
    R("selection s: { n|gt: 5 } condition: s", "{\"n\":6}", 1),
    R("selection s: { n|gt: 5 } condition: s", "{\"n\":5}", 0),
    R("selection s: { n|gte: 5 } condition: s", "{\"n\":5}", 1),
    R("selection s: { n|lt: 5 } condition: s", "{\"n\":4.5}", 1),
    R("selection s: { n|lt: 5 } condition: s", "{\"n\":5}", 0),
    R("selection s: { n|lte: 5 } condition: s", "{\"n\":5}", 1),
    R("selection s: { n|lte: 5 } condition: s", "{\"n\":\"x\"}", 0),
    /* ---- fieldref ---- */
    R("selection s: { a|fieldref: \"b\" } condition: s", "{\"a\":\"X\",\"b\":\"x\"}", 1),
    R("selection s: { a|fieldref: \"b\" } condition: s", "{\"a\":\"x\",\"b\":\"y\"}", 0),
    R("selection s: { a|fieldref|cased: \"b\" } condition: s", "{\"a\":\"X\",\"b\":\"x\"}", 0),
    R("selection s: { a|fieldref|contains: \"b\" } condition: s", "{\"a\":\"xxyy\",\"b\":\"xy\"}",
      1),
    R("selection s: { a|fieldref|startswith: \"b\" } condition: s", "{\"a\":\"xyz\",\"b\":\"xy\"}",
      1),
    R("selection s: { a|fieldref|startswith: \"b\" } condition: s", "{\"a\":\"zxy\",\"b\":\"xy\"}",
      0),
    R("selection s: { a|fieldref|endswith: \"b\" } condition: s", "{\"a\":\"zxy\",\"b\":\"xy\"}",
      1),
    R("selection s: { a|fieldref|neq: \"b\" } condition: s", "{\"a\":\"x\",\"b\":\"y\"}", 1),
    /* ---- time parts (UTC; ISO 8601 weeks) ---- */
    R("selection s: { t|minute: 19 } condition: s", "{\"t\":\"2026-11-29T08:19:49.123Z\"}", 1),
    R("selection s: { t|minute: 19 } condition: s", "{\"t\":\"2026-11-29T08:20:49Z\"}", 0),
    R("selection s: { t|minute: 49 } condition: s", "{\"t\":\"2026-11-29T08:19:49+05:30\"}", 1),
    R("selection s: { t|hour: 8 } condition: s", "{\"t\":\"2026-11-29T08:19:49Z\"}", 1),
    R("selection s: { t|hour: 8 } condition: s", "{\"t\":\"2026-11-29T10:19:49+02:00\"}", 1),
    R("selection s: { t|hour: 8 } condition: s", "{\"t\":\"2026-11-29T08:19:49+02:00\"}", 0),
    R("selection s: { t|hour: 8 } condition: s", "{\"t\":\"2026-11-29T03:19:49-05:00\"}", 1),
    R("selection s: { t|hour: 8 } condition: s", "{\"t\":\"2026-11-29T10:19:49+0200\"}", 1),
    R("selection s: { t|hour: 8 } condition: s", "{\"t\":\"2026-11-29 08:19:49\"}", 1),
    R("selection s: { t|hour: 0 } condition: s", "{\"t\":\"2026-11-29\"}", 1),
    R("selection s: { t|day: 29 } condition: s", "{\"t\":\"2026-11-29T22:00:00Z\"}", 1),
    R("selection s: { t|day: 29 } condition: s", "{\"t\":\"2026-11-29T23:30:00-01:00\"}", 0),
    R("selection s: { t|day: 30 } condition: s", "{\"t\":\"2026-11-29T23:30:00-01:00\"}", 1),
    R("selection s: { t|month: 11 } condition: s", "{\"t\":\"2026-11-29T08:19:49Z\"}", 1),
    R("selection s: { t|month: 12 } condition: s", "{\"t\":\"2026-11-29T08:19:49Z\"}", 0),
    R("selection s: { t|year: 2026 } condition: s", "{\"t\":\"2026-11-29T08:19:49Z\"}", 1),
    R("selection s: { t|year: 2027 } condition: s", "{\"t\":\"2026-12-31T23:30:00-01:00\"}", 1),
    R("selection s: { t|week: 48 } condition: s", "{\"t\":\"2026-11-29T08:19:49Z\"}", 1),
    R("selection s: { t|week: 1 } condition: s", "{\"t\":\"2026-01-01T00:00:00Z\"}", 1),
    R("selection s: { t|week: 53 } condition: s", "{\"t\":\"2027-01-01T12:00:00Z\"}", 1),
    R("selection s: { t|week: 1 } condition: s", "{\"t\":\"2027-01-01T12:00:00Z\"}", 0),
    R("selection s: { t|week: 53 } condition: s", "{\"t\":\"2026-12-28T00:00:00Z\"}", 1),
    R("selection s: { t|week: 1 } condition: s", "{\"t\":\"2027-01-04T00:00:00Z\"}", 1),
    R("selection s: { t|week: 1 } condition: s", "{\"t\":\"2024-12-30T00:00:00Z\"}", 1),
    R("selection s: { t|week: 53 } condition: s", "{\"t\":\"2021-01-03T00:00:00Z\"}", 1),
    /* epoch numbers: seconds, milliseconds, microseconds, nanoseconds */
    R("selection s: { t|hour: 8 } condition: s", "{\"t\":1795940389}", 1),
    R("selection s: { t|hour: 8 } condition: s", "{\"t\":1795940389.75}", 1),
    R("selection s: { t|minute: 19 } condition: s", "{\"t\":1795940389123}", 1),
    R("selection s: { t|day: 29 } condition: s", "{\"t\":1795940389123456}", 1),
    R("selection s: { t|year: 2026 } condition: s", "{\"t\":1795940389123456789}", 1),
    R("selection s: { t|week: 53 } condition: s", "{\"t\":1798763400}", 1),
    R("selection s: { t|hour: 8 } condition: s", "{\"t\":\"1795940389\"}", 1),
    R("selection s: { t|year: 1969 } condition: s", "{\"t\":-1}", 1),
    R("selection s: { t|hour: 23 } condition: s", "{\"t\":-1}", 1),
    /* what is not a timestamp never matches */
    R("selection s: { t|hour: 8 } condition: s", "{\"t\":\"yesterday at 8\"}", 0),
    R("selection s: { t|day: 30 } condition: s", "{\"t\":\"2026-02-30T08:00:00Z\"}", 0),
    R("selection s: { t|hour: 8 } condition: s", "{\"t\":\"2026-11-29T08:19:49+2\"}", 0),
    R("selection s: { t|hour: 8 } condition: s", "{\"t\":\"2026-11-29T08:19:49Zjunk\"}", 0),
    R("selection s: { t|hour: 0 } condition: s", "{\"t\":true}", 0),
    R("selection s: { t|hour: 0 } condition: s", "{\"t\":null}", 0),
    R("selection s: { t|hour: 0 } condition: s", "{\"t\":{\"h\":0}}", 0),
    R("selection s: { t|hour: 0 } condition: s", "{\"u\":\"2026-11-29T00:00:00Z\"}", 0),
    R("selection s: { t|year: 1970 } condition: s", "{\"t\":1e300}", 0),
    /* lists, neq, all, arrays */
    R("selection s: { t|hour: [22, 23, 0, 1] } condition: s", "{\"t\":\"2026-11-29T23:05:00Z\"}",
      1),
    R("selection s: { t|hour: [22, 23, 0, 1] } condition: s", "{\"t\":\"2026-11-29T12:05:00Z\"}",
      0),
    R("selection s: { t|hour|neq: [9, 10] } condition: s", "{\"t\":\"2026-11-29T08:19:49Z\"}", 1),
    R("selection s: { t|hour|neq: [9, 10] } condition: s", "{\"t\":\"2026-11-29T09:19:49Z\"}", 0),
    R("selection s: { t|hour|neq: 9 } condition: s", "{\"t\":\"not a time\"}", 1),
    R("selection s: { t|year|all: [2025, 2026] } condition: s",
      "{\"t\":[\"2025-01-01T00:00:00Z\",\"2026-01-01T00:00:00Z\"]}", 1),
    R("selection s: { t|year|all: [2025, 2026] } condition: s",
      "{\"t\":[\"2025-01-01T00:00:00Z\",\"2027-01-01T00:00:00Z\"]}", 0),
    R("selection s: { t|month: 2 } condition: s", "{\"t\":[\"x\",\"2026-02-01T00:00:00Z\"]}", 1),
    R("selection s: { t|hour in [8, 9] } condition: s", "{\"t\":\"2026-11-29T09:00:00Z\"}", 1),
    RP("list work_hours: [8, 9, 10]", "selection s: { t|hour in work_hours } condition: s",
       "{\"t\":\"2026-11-29T10:59:59Z\"}", 1),
    R("selection s: { a: \"x\" } condition: s and not t|hour: [8, 9]",
      "{\"a\":\"x\",\"t\":\"2026-11-29T07:00:00Z\"}", 1),
    /* ---- neq ---- */
    R("selection s: { a|neq: [\"x\", \"y\"] } condition: s", "{\"a\":\"z\"}", 1),
    R("selection s: { a|neq: [\"x\", \"y\"] } condition: s", "{\"a\":\"Y\"}", 0),
    R("selection s: { a|neq: 5 } condition: s", "{\"a\":5}", 0),
    R("selection s: { a|contains|neq: \"x\" } condition: s", "{\"a\":\"abc\"}", 1),
    /* ---- expand ---- */
    RD("servers=web1,web2", "selection s: { a|expand: \"%servers%\" } condition: s",
       "{\"a\":\"WEB2\"}", 1),
    RD("servers=web1,web2", "selection s: { a|expand: \"%servers%\" } condition: s",
       "{\"a\":\"web3\"}", 0),
    RD("dir=/tmp", "selection s: { a|expand|startswith: \"%dir%/\" } condition: s",
       "{\"a\":\"/tmp/x\"}", 1),
    RD("dir=/tmp", "selection s: { a|expand: \"\\\\%dir%\" } condition: s", "{\"a\":\"%dir%\"}", 1),
    /* without expand a placeholder is literal text */
    R("selection s: { a: \"%APPDATA%\" } condition: s", "{\"a\":\"%appdata%\"}", 1),
    /* ---- keywords ---- */
    R("selection k: [\"evil\"] condition: k", "{\"x\":\"so EVIL\"}", 1),
    R("selection k: [\"evil\", \"bad\"] condition: k", "{\"x\":{\"y\":[\"z\", \"bad\"]}}", 1),
    R("selection k: [\"evil\"] condition: k", "{\"x\":\"good\"}", 0),
    R("selection k: \"evil\" condition: k", "{\"x\":\"evil\"}", 1),
    R("selection k: [\"ev*il\"] condition: k", "{\"x\":\"an evXil thing\"}", 1),
    R("selection k: [42] condition: k", "{\"x\":\"port 42\"}", 1),
    R("selection k: { _|all: [\"a1\", \"b2\"] } condition: k", "{\"x\":\"a1\",\"y\":\"b2\"}", 1),
    R("selection k: { _|all: [\"a1\", \"b2\"] } condition: k", "{\"x\":\"a1\"}", 0),
    R("selection k: { _|startswith: \"ab\" } condition: k", "{\"x\":\"abc\"}", 1),
    R("selection k: { _|startswith: \"ab\" } condition: k", "{\"x\":\"cab\"}", 0),
    R("selection k: { _|cased: \"Ab\" } condition: k", "{\"x\":\"xaby\"}", 0),
    R("selection k: [\"evil\", { a: \"x\" }] condition: k", "{\"a\":\"x\"}", 1),
    /* ---- condition forms ---- */
    R("selection a: { f: 1 } selection b: { g: 1 } selection c: { h: 1 }"
      " condition: a or b and c",
      "{\"f\":1}", 1),
    R("selection a: { f: 1 } selection b: { g: 1 } selection c: { h: 1 }"
      " condition: (a or b) and c",
      "{\"f\":1}", 0),
    R("selection a: { f: 1 } selection b: { g: 1 } condition: a and not b", "{\"f\":1,\"g\":1}", 0),
    R("selection a: { f: 1 } selection b: { g: 1 } condition: a and not b", "{\"f\":1}", 1),
    R("selection a: { f: 1 } condition: not not a", "{\"f\":1}", 1),
    R("selection sel_a: { f: 1 } selection sel_b: { g: 1 } condition: 1 of sel_*", "{\"g\":1}", 1),
    R("selection sel_a: { f: 1 } selection sel_b: { g: 1 } condition: any of sel_*", "{\"g\":1}",
      1),
    R("selection sel_a: { f: 1 } selection sel_b: { g: 1 } condition: all of sel_*", "{\"g\":1}",
      0),
    R("selection sel_a: { f: 1 } selection sel_b: { g: 1 } condition: all of sel_*",
      "{\"f\":1,\"g\":1}", 1),
    R("selection sel: { f: 1 } selection sel_x: { g: 1 } condition: 1 of sel", "{\"g\":1}", 0),
    R("selection a: { f: 1 } selection _b: { g: 1 } condition: 1 of them", "{\"g\":1}", 0),
    R("selection a: { f: 1 } selection _b: { g: 1 } condition: all of them and _b",
      "{\"f\":1,\"g\":1}", 1),
    R("selection a: { f: 1 } selection _b: { g: 1 } condition: all of them", "{\"f\":1}", 1),
    R("selection a: { f: 1 } selection _b: { g: 1 } condition: 1 of _*", "{\"g\":1}", 1),
    R("selection a: [{ f: 1, g: 2 }, { h: 3 }] condition: a", "{\"f\":1,\"g\":2}", 1),
    R("selection a: [{ f: 1, g: 2 }, { h: 3 }] condition: a", "{\"f\":1}", 0),
    R("selection a: [{ f: 1, g: 2 }, { h: 3 }] condition: a", "{\"h\":3}", 1),
    R("selection a: { f: 1 } condition: a and g|contains: \"x\"", "{\"f\":1,\"g\":\"axb\"}", 1),
    R("selection a: { f: 1 } condition: a and true", "{\"f\":1}", 1),
    R("selection a: { f: 1 } condition: a or false", "{\"f\":2}", 0),
    /* ---- arrays and dotted paths ---- */
    R("selection s: { a: \"x\" } condition: s", "{\"a\":[\"y\", \"x\"]}", 1),
    R("selection s: { requestObject.spec.containers.image|startswith: \"evil/\" }"
      " condition: s",
      "{\"requestObject\":{\"spec\":{\"containers\":[{\"image\":\"ok/a\"},"
      "{\"image\":\"evil/b\"}]}}}",
      1),
    R("selection s: { requestObject.spec.containers.image|startswith: \"evil/\" }"
      " condition: s",
      "{\"requestObject\":{\"spec\":{\"containers\":[{\"image\":\"ok/a\"}]}}}", 0),
    /* ---- lists ---- */
    RP("list trusted: [\"gcr.io/\", \"registry.k8s.io/\"]",
       "selection s: { img|startswith in trusted } condition: s", "{\"img\":\"gcr.io/x\"}", 1),
    RP("list trusted: [\"gcr.io/\", \"registry.k8s.io/\"]",
       "selection s: { verb: \"create\" } condition: s and img|startswith not in trusted",
       "{\"verb\":\"create\",\"img\":\"gcr.io/x\"}", 0),
    RP("list trusted: [\"gcr.io/\", \"registry.k8s.io/\"]",
       "selection s: { verb: \"create\" } condition: s and img|startswith not in trusted",
       "{\"verb\":\"create\",\"img\":\"docker.io/x\"}", 1),
    RP("list codes: [401, 403]", "condition: code in codes", "{\"code\":\"403\"}", 1),
    R("condition: verb in [\"get\", \"list\"]", "{\"verb\":\"LIST\"}", 1),
    R("condition: verb not in [\"get\", \"list\"]", "{\"verb\":\"list\"}", 0),
    /* -D replaces a named list */
    {"list trusted: [\"gcr.io/\"]", "condition: img|startswith in trusted", "trusted=quay.io/",
     "{\"img\":\"quay.io/x\"}", 1},
    {"list trusted: [\"gcr.io/\"]", "condition: img|startswith in trusted", "trusted=quay.io/",
     "{\"img\":\"gcr.io/x\"}", 0},
    /* ---- macros ---- */
    RP("macro is_create: verb: \"create\"",
       "selection s: { r: \"pods\" } condition: s and is_create",
       "{\"verb\":\"create\",\"r\":\"pods\"}", 1),
    RP("macro is_create: verb: \"create\"",
       "selection s: { r: \"pods\" } condition: s and is_create",
       "{\"verb\":\"get\",\"r\":\"pods\"}", 0),
    RP("macro is_create: verb: \"create\"\nmacro pod_create: is_create and r: \"pods\"",
       "condition: pod_create", "{\"verb\":\"create\",\"r\":\"pods\"}", 1),
    RP("macro noisy: ns in [\"kube-system\"]", "condition: x: 1 and not noisy",
       "{\"x\":1,\"ns\":\"kube-system\"}", 0),
    /* ---- includes ---- */
    RP("include \"lists.gantry\"", "condition: img|startswith in inc_registries",
       "{\"img\":\"ghcr.io/a\"}", 1),
    RP("include \"lists.gantry\"", "condition: inc_is_exec",
       "{\"verb\":\"create\",\"objectRef\":{\"subresource\":\"exec\"}}", 1),
    /* ---- element scopes: `any container { ... }` judges each container alone ---- */
    /* the sibling case: a privileged non-allow-listed container beside an
     * allow-listed one matches per container, although the flat lists say
     * "some image is allow-listed" */
    RP(SCOPE_LISTS, SCOPE_RULE, SIBLING_EVENT, 1),
    RP(SCOPE_LISTS, FLAT_RULE, SIBLING_EVENT, 0),
    /* one privileged container from an allow-listed image: no match */
    RP(SCOPE_LISTS, SCOPE_RULE,
       "{\"container.list\":[" PRIV_GOOD "],\"container.security_context.privileged\":true}", 0),
    /* privilege and the foreign image in different containers: no match */
    RP(SCOPE_LISTS, SCOPE_RULE, "{\"container.list\":[" PRIV_GOOD "," PLAIN_BAD "]}", 0),
    /* the match is found on the third element (the loop goes on) */
    RP(SCOPE_LISTS, SCOPE_RULE, "{\"container.list\":[" PLAIN_BAD "," PRIV_GOOD "," PRIV_BAD "]}",
       1),
    /* no element: false, and `not any` true */
    RP(SCOPE_LISTS, SCOPE_RULE, "{\"container.list\":[]}", 0),
    RP(SCOPE_LISTS, "condition: not any container { container.name: \"x\" }",
       "{\"container.list\":[]}", 1),
    /* elements that are not objects are skipped */
    RP(SCOPE_LISTS, SCOPE_RULE, "{\"container.list\":[1,\"x\",null," PRIV_BAD "]}", 1),
    RP(SCOPE_LISTS, SCOPE_RULE, "{\"container.list\":{\"x\":1}}", 0),
    /* an event without the list is one element: its own flat fields */
    RP(SCOPE_LISTS, SCOPE_RULE,
       "{\"container.security_context.privileged\":true,\"container.image.name\":\"evil/x\"}", 1),
    RP(SCOPE_LISTS, SCOPE_RULE,
       "{\"container.security_context.privileged\":true,\"container.image.name\":\"good/x\"}", 0),
    /* fields outside `container.` are read from the event, inside a scope too */
    RP(SCOPE_LISTS, "condition: any container { priv_c and ns: \"default\" }",
       "{\"ns\":\"default\",\"container.list\":[" PRIV_BAD "]}", 1),
    RP(SCOPE_LISTS, "condition: any container { priv_c and ns: \"default\" }",
       "{\"ns\":\"prod\",\"container.list\":[" PRIV_BAD "]}", 0),
    /* a multi-valued field of one element (capabilities), or-ed conditions */
    RP(SCOPE_LISTS,
       "condition: any container { (priv_c or container.caps in [\"SYS_ADMIN\"]) and not "
       "container.image.name in allow }",
       "{\"container.list\":[" PRIV_GOOD ",{\"container.caps\":[\"NET_RAW\",\"SYS_ADMIN\"],"
       "\"container.image.name\":[\"evil/y\"]}]}",
       1),
    RP(SCOPE_LISTS,
       "condition: any container { (priv_c or container.caps in [\"SYS_ADMIN\"]) and not "
       "container.image.name in allow }",
       "{\"container.list\":[{\"container.caps\":[\"SYS_ADMIN\"],\"container.image.name\":"
       "[\"good/y\"]},{\"container.caps\":[\"NET_RAW\"],\"container.image.name\":[\"evil/y\"]}]}",
       0),
    /* a scope beside flat tests, and the same selection used both ways */
    RP(SCOPE_LISTS, "condition: priv_c and any container { container.image.name: \"evil/*\" }",
       "{\"container.security_context.privileged\":true,\"container.list\":[" PLAIN_BAD "]}", 1),
    RP(SCOPE_LISTS, "condition: priv_c and any container { priv_c }",
       "{\"container.security_context.privileged\":true,\"container.list\":[" PLAIN_BAD "]}", 0),
};

static int on_match(const gantry_match *m, void *user) {
    (void)m;
    (*(int *)user)++;
    return 0;
}

/* Compiles and runs one row; returns the match count, or -1 with the
 * diagnostics in *why. */
static int run_row(const row *r, gantry_optimize mode, char *why, size_t why_size) {
    char text[4096];
    snprintf(text, sizeof text, "%s\nrule t {\n%s\n}\n", r->prelude ? r->prelude : "", r->body);
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    gast_unit *unit = gast_unit_new();
    assert_non_null(diag);
    assert_non_null(unit);
    gcomp_options opt;
    memset(&opt, 0, sizeof opt);
    const char *defs[1] = {r->define};
    if (r->define) {
        opt.defines = defs;
        opt.define_count = 1;
    }
    unsigned char *pack = NULL;
    size_t len = 0;
    int result = -1;
    gparse_text(unit, "tests/data/compile/row.gantry", text, strlen(text), diag);
    if (gdiag_error_count(diag) == 0 &&
        gcomp_compile_unit(unit, diag, &opt, &pack, &len, NULL) == 0) {
        gantry_pack *pk = NULL;
        gantry_matcher *m = NULL;
        char err[256] = "";
        gantry_options load;
        gantry_options_default(&load);
        load.optimize = mode;
        if (gantry_pack_load_buffer_opts(pack, len, &load, &pk, err, sizeof err) == GANTRY_OK &&
            gantry_matcher_new(pk, &m) == GANTRY_OK) {
            int hits = 0;
            gantry_status st = gantry_match_json(m, r->event, strlen(r->event), on_match, &hits);
            if (st == GANTRY_OK)
                result = hits;
            else
                snprintf(why, why_size, "match: %s", gantry_strerror(st));
        } else {
            snprintf(why, why_size, "load: %s", err);
        }
        gantry_matcher_free(m);
        gantry_pack_free(pk);
    } else {
        snprintf(why, why_size, "%s", gdiag_text(diag));
    }
    free(pack);
    gast_unit_free(unit);
    gdiag_free(diag);
    return result;
}

/* Every row in every matcher mode: the default, the plain reference (0) and
 * the candidate index forced on even for a one-rule pack (all), so an index
 * that skips a rule it must run (a scoped predicate read from the event's
 * top level, say) fails a row. */
static void test_rows(void **state) {
    (void)state;
    static const gantry_optimize modes[] = {GANTRY_OPTIMIZE_DEFAULT, GANTRY_OPTIMIZE_OFF,
                                            GANTRY_OPTIMIZE_ALL};
    static const char *const mode_names[] = {"default", "0", "all"};
    size_t failures = 0;
    for (size_t k = 0; k < sizeof modes / sizeof modes[0]; k++) {
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            char why[2048] = "";
            int got = run_row(&rows[i], modes[k], why, sizeof why);
            if (got == rows[i].expect)
                continue;
            failures++;
            fprintf(stderr,
                    "row %zu (--optimize=%s): expected %d, got %d\n  rule: %s\n  "
                    "event: %s\n%s%s",
                    i, mode_names[k], rows[i].expect, got, rows[i].body, rows[i].event,
                    why[0] ? "  " : "", why);
        }
    }
    assert_int_equal(failures, 0);
}

/* Rule metadata arrives in the pack unchanged. */
static void test_metadata(void **state) {
    (void)state;
    const char *text = "rule meta {\n id: \"6a2f0c1e-7d0b-4b52-9e43-0d3c2b7f1a10\"\n"
                       " title: \"Privileged pod\"\n level: critical\n status: experimental\n"
                       " tags: [attack.t1610, malware.kinsing]\n"
                       " references: [\"https://example.com\"]\n"
                       " logsource: { product: kubernetes, service: audit }\n"
                       " selection s: { a: 1 }\n condition: s\n}\n";
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    gast_unit *unit = gast_unit_new();
    gparse_text(unit, "meta.gantry", text, strlen(text), diag);
    unsigned char *pack = NULL;
    size_t len = 0;
    gcomp_stats stats;
    assert_int_equal(gcomp_compile_unit(unit, diag, NULL, &pack, &len, &stats), 0);
    assert_int_equal(stats.rules, 1);
    assert_int_equal(stats.selections, 1);
    assert_int_equal(stats.bytes, len);
    gantry_pack *pk = NULL;
    assert_int_equal(gantry_pack_load_buffer(pack, len, &pk, NULL, 0), GANTRY_OK);
    gantry_rule_info info;
    assert_int_equal(gantry_pack_rule_info(pk, 0, &info), GANTRY_OK);
    assert_string_equal(info.id, "6a2f0c1e-7d0b-4b52-9e43-0d3c2b7f1a10");
    assert_string_equal(info.title, "Privileged pod");
    assert_int_equal(info.level, GANTRY_LEVEL_CRITICAL);
    assert_string_equal(info.logsource_product, "kubernetes");
    assert_string_equal(info.logsource_service, "audit");
    assert_int_equal(info.tag_count, 2);
    assert_string_equal(gantry_pack_rule_tag(pk, 0, 1), "malware.kinsing");
    gantry_pack_free(pk);
    free(pack);
    gast_unit_free(unit);
    gdiag_free(diag);
}

/* The same test in two rules is one predicate; a value list is one LIST. */
static void test_sharing(void **state) {
    (void)state;
    const char *text =
        "rule a { selection s: { verb: [\"create\", \"update\"] } condition: s }\n"
        "rule b { selection s: { verb: [\"create\", \"update\"] }\n"
        "  selection t: { x|contains: [\"p\", \"q\", \"r\"] } condition: s and t }\n";
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    gast_unit *unit = gast_unit_new();
    gparse_text(unit, "share.gantry", text, strlen(text), diag);
    unsigned char *pack = NULL;
    size_t len = 0;
    gcomp_stats stats;
    assert_int_equal(gcomp_compile_unit(unit, diag, NULL, &pack, &len, &stats), 0);
    assert_int_equal(stats.predicates, 2);
    assert_int_equal(stats.predicate_uses, 3);
    assert_int_equal(stats.fields, 2);
    free(pack);
    gast_unit_free(unit);
    gdiag_free(diag);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_sharing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
