/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "output_ecs.h"

/* ATT&CK names of the techniques and sub-techniques the shipped rules tag
 * (and a few neighbours), and of every enterprise tactic. */
static const struct {
    const char *id, *name;
} techniques[] = {
    {"T1021", "Remote Services"},
    {"T1021.004", "SSH"},
    {"T1027", "Obfuscated Files or Information"},
    {"T1036", "Masquerading"},
    {"T1036.005", "Match Legitimate Name or Location"},
    {"T1041", "Exfiltration Over C2 Channel"},
    {"T1053", "Scheduled Task/Job"},
    {"T1053.003", "Cron"},
    {"T1059", "Command and Scripting Interpreter"},
    {"T1059.004", "Unix Shell"},
    {"T1078", "Valid Accounts"},
    {"T1102", "Web Service"},
    {"T1105", "Ingress Tool Transfer"},
    {"T1133", "External Remote Services"},
    {"T1190", "Exploit Public-Facing Application"},
    {"T1496", "Resource Hijacking"},
    {"T1496.001", "Compute Hijacking"},
    {"T1552", "Unsecured Credentials"},
    {"T1562", "Impair Defenses"},
    {"T1562.001", "Disable or Modify Tools"},
    {"T1568", "Dynamic Resolution"},
    {"T1568.002", "Domain Generation Algorithms"},
    {"T1572", "Protocol Tunneling"},
    {"T1574", "Hijack Execution Flow"},
    {"T1574.006", "Dynamic Linker Hijacking"},
    {"T1609", "Container Administration Command"},
    {"T1610", "Deploy Container"},
    {"T1611", "Escape to Host"},
    {"T1613", "Container and Resource Discovery"},
};

static const struct {
    const char *tag, *id, *name;
} tactics[] = {
    {"reconnaissance", "TA0043", "Reconnaissance"},
    {"resource_development", "TA0042", "Resource Development"},
    {"initial_access", "TA0001", "Initial Access"},
    {"execution", "TA0002", "Execution"},
    {"persistence", "TA0003", "Persistence"},
    {"privilege_escalation", "TA0004", "Privilege Escalation"},
    {"defense_evasion", "TA0005", "Defense Evasion"},
    {"credential_access", "TA0006", "Credential Access"},
    {"discovery", "TA0007", "Discovery"},
    {"lateral_movement", "TA0008", "Lateral Movement"},
    {"collection", "TA0009", "Collection"},
    {"command_and_control", "TA0011", "Command and Control"},
    {"exfiltration", "TA0010", "Exfiltration"},
    {"impact", "TA0040", "Impact"},
};

/* Schema fields that are ECS fields already, with how ES types them. Every
 * other schema field goes under gantry.fields (keyword). */
enum ecs_type { ECS_KEYWORD, ECS_LONG, ECS_IP };

static const struct {
    const char *name;
    enum ecs_type type;
} ecs_fields[] = {
    {"event.module", ECS_KEYWORD},
    {"event.action", ECS_KEYWORD},
    {"event.outcome", ECS_KEYWORD},
    {"event.id", ECS_KEYWORD},
    {"log.level", ECS_KEYWORD},
    {"message", ECS_KEYWORD},
    {"host.name", ECS_KEYWORD},
    {"user.name", ECS_KEYWORD},
    {"user.id", ECS_KEYWORD},
    {"user.group.name", ECS_KEYWORD},
    {"source.ip", ECS_IP},
    {"user_agent.original", ECS_KEYWORD},
    {"url.original", ECS_KEYWORD},
    {"http.request.method", ECS_KEYWORD},
    {"http.version", ECS_KEYWORD},
    {"http.response.status_code", ECS_LONG},
    {"orchestrator.namespace", ECS_KEYWORD},
    {"orchestrator.resource.type", ECS_KEYWORD},
    {"orchestrator.resource.name", ECS_KEYWORD},
    {"orchestrator.cluster.name", ECS_KEYWORD},
    {"container.id", ECS_KEYWORD},
    {"container.name", ECS_KEYWORD},
    {"container.image.name", ECS_KEYWORD},
    {"container.image.tag", ECS_KEYWORD},
    {"process.executable", ECS_KEYWORD},
    {"process.args", ECS_KEYWORD},
    {"process.command_line", ECS_KEYWORD},
    {"process.name", ECS_KEYWORD},
    {"error.message", ECS_KEYWORD},
};

/* Sets root[a][b]...[z] = item for the dotted name "a.b...z", making the
 * objects on the way; an existing non-object on the way wins (item freed). */
static void put(cJSON *root, const char *name, cJSON *item) {
    if (!item)
        return;
    char key[256];
    cJSON *at = root;
    for (;;) {
        const char *dot = strchr(name, '.');
        if (!dot) {
            cJSON_DeleteItemFromObjectCaseSensitive(at, name);
            cJSON_AddItemToObject(at, name, item);
            return;
        }
        size_t n = (size_t)(dot - name);
        if (n >= sizeof key)
            break;
        memcpy(key, name, n);
        key[n] = '\0';
        cJSON *next = cJSON_GetObjectItemCaseSensitive(at, key);
        if (!next) {
            next = cJSON_CreateObject();
            if (!next)
                break;
            cJSON_AddItemToObject(at, key, next);
        } else if (!cJSON_IsObject(next)) {
            break;
        }
        at = next;
        name = dot + 1;
    }
    cJSON_Delete(item);
}

static void put_str(cJSON *root, const char *name, const char *value) {
    if (value && *value)
        put(root, name, cJSON_CreateString(value));
}

/* A value as ECS keyword text: strings as they are, others as JSON. */
static cJSON *as_keyword(const cJSON *v) {
    if (cJSON_IsString(v))
        return cJSON_CreateString(v->valuestring);
    char *text = cJSON_PrintUnformatted(v);
    cJSON *s = text ? cJSON_CreateString(text) : NULL;
    cJSON_free(text);
    return s;
}

static int fits(const cJSON *v, enum ecs_type type) {
    if (type == ECS_LONG)
        return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
               fabs(v->valuedouble) < 9e15;
    if (type == ECS_IP) {
        unsigned char addr[16];
        return cJSON_IsString(v) && (inet_pton(AF_INET, v->valuestring, addr) == 1 ||
                                     inet_pton(AF_INET6, v->valuestring, addr) == 1);
    }
    return 1;
}

/* values (an array) as one value or an array, each converted for `type`;
 * NULL when some value does not fit the type. */
static cJSON *convert(const cJSON *values, enum ecs_type type) {
    int n = cJSON_GetArraySize(values);
    const cJSON *v;
    cJSON_ArrayForEach(v, values) if (!fits(v, type)) return NULL;
    if (n == 1)
        return type == ECS_LONG ? cJSON_Duplicate(values->child, 1) : as_keyword(values->child);
    cJSON *a = cJSON_CreateArray();
    cJSON_ArrayForEach(v, values)
        cJSON_AddItemToArray(a, type == ECS_LONG ? cJSON_Duplicate(v, 1) : as_keyword(v));
    return a;
}

static int ecs_field(const char *name, enum ecs_type *type) {
    for (size_t i = 0; i < sizeof ecs_fields / sizeof ecs_fields[0]; i++)
        if (strcmp(ecs_fields[i].name, name) == 0) {
            *type = ecs_fields[i].type;
            return 1;
        }
    return 0;
}

/* One event field into the document: at its ECS name when it is an ECS
 * field and its values fit the ECS type, else under gantry.fields with its
 * dots as underscores (so that no two names nest into each other). */
static void add_event_field(cJSON *doc, const char *name, const char *path, const cJSON *event) {
    cJSON *values = gmo_field_values(event, path);
    if (!values)
        return;
    if (cJSON_GetArraySize(values) > 0) {
        enum ecs_type type;
        cJSON *item = ecs_field(name, &type) ? convert(values, type) : NULL;
        if (item) {
            put(doc, name, item);
        } else {
            char key[300];
            snprintf(key, sizeof key, "gantry.fields.%s", name);
            for (char *p = key + strlen("gantry.fields."); *p; p++)
                if (*p == '.')
                    *p = '_';
            put(doc, key, convert(values, ECS_KEYWORD));
        }
    }
    cJSON_Delete(values);
}

static void add_threat(cJSON *doc, const gantry_pack *pack, uint32_t rule, size_t tag_count) {
    cJSON *techs = cJSON_CreateArray(), *tacts = cJSON_CreateArray();
    if (!techs || !tacts) {
        cJSON_Delete(techs);
        cJSON_Delete(tacts);
        return;
    }
    for (size_t t = 0; t < tag_count; t++) {
        const char *tag = gantry_pack_rule_tag(pack, rule, t);
        if (!tag || strncmp(tag, "attack.", 7) != 0)
            continue;
        const char *rest = tag + 7;
        if ((rest[0] == 't' || rest[0] == 'T') && isdigit((unsigned char)rest[1])) {
            char id[32];
            size_t n = strlen(rest);
            if (n >= sizeof id)
                continue;
            for (size_t i = 0; i <= n; i++)
                id[i] = (char)toupper((unsigned char)rest[i]);
            char parent[32];
            strcpy(parent, id);
            char *dot = strchr(parent, '.');
            if (dot)
                *dot = '\0';
            cJSON *o = cJSON_CreateObject();
            if (!o)
                continue;
            put_str(o, "id", parent);
            for (size_t i = 0; i < sizeof techniques / sizeof techniques[0]; i++) {
                if (strcmp(techniques[i].id, parent) == 0)
                    put_str(o, "name", techniques[i].name);
                if (dot && strcmp(techniques[i].id, id) == 0)
                    put_str(o, "subtechnique.name", techniques[i].name);
            }
            if (dot)
                put_str(o, "subtechnique.id", id);
            cJSON_AddItemToArray(techs, o);
            continue;
        }
        for (size_t i = 0; i < sizeof tactics / sizeof tactics[0]; i++)
            if (strcmp(tactics[i].tag, rest) == 0) {
                cJSON *o = cJSON_CreateObject();
                put_str(o, "id", tactics[i].id);
                put_str(o, "name", tactics[i].name);
                cJSON_AddItemToArray(tacts, o);
            }
    }
    if (cJSON_GetArraySize(techs) || cJSON_GetArraySize(tacts))
        put_str(doc, "threat.framework", "MITRE ATT&CK");
    if (cJSON_GetArraySize(techs))
        put(doc, "threat.technique", techs);
    else
        cJSON_Delete(techs);
    if (cJSON_GetArraySize(tacts))
        put(doc, "threat.tactic", tacts);
    else
        cJSON_Delete(tacts);
}

static void add_rule(cJSON *doc, const gantry_pack *pack, uint32_t rule,
                     const gantry_rule_info *info) {
    put_str(doc, "rule.id", info->id);
    put_str(doc, "rule.uuid", info->id);
    put_str(doc, "rule.name", info->title);
    put_str(doc, "rule.description", info->description);
    put_str(doc, "rule.ruleset", "gantry");
    put_str(doc, "rule.author", info->author);
    if (info->reference_count == 1) {
        put_str(doc, "rule.reference", gantry_pack_rule_reference(pack, rule, 0));
    } else if (info->reference_count > 1) {
        cJSON *refs = cJSON_CreateArray();
        for (size_t r = 0; refs && r < info->reference_count; r++)
            cJSON_AddItemToArray(refs,
                                 cJSON_CreateString(gantry_pack_rule_reference(pack, rule, r)));
        put(doc, "rule.reference", refs);
    }
}

cJSON *gmo_ecs_document(const gantry_pack *pack, uint32_t rule, const char *file, uint64_t line,
                        const cJSON *event, const gmo_field_list *fields) {
    gantry_rule_info info;
    if (gantry_pack_rule_info(pack, rule, &info) != GANTRY_OK)
        return NULL;
    cJSON *doc = cJSON_CreateObject();
    if (!doc)
        return NULL;
    int64_t ns;
    if (gmo_event_time(event, &ns) == 0) {
        char when[32];
        gmo_format_time(ns, 1, when);
        put_str(doc, "@timestamp", when);
    }
    put_str(doc, "ecs.version", "8.11.0");
    put_str(doc, "event.kind", "alert");
    put(doc, "event.severity", cJSON_CreateNumber((double)info.level + 1));
    add_rule(doc, pack, rule, &info);
    add_threat(doc, pack, rule, info.tag_count);
    if (fields) {
        for (size_t k = 0; k < fields->count; k++)
            if (strcmp(fields->fields[k].name, "@timestamp") != 0)
                add_event_field(doc, fields->fields[k].name, fields->fields[k].path, event);
    } else {
        size_t count;
        const gnorm_field *schema = gnorm_schema_fields(&count);
        for (size_t k = 0; k < count; k++)
            if (strcmp(schema[k].name, "@timestamp") != 0 &&
                strcmp(schema[k].name, "rule.name") != 0 &&
                cJSON_GetObjectItemCaseSensitive(event, schema[k].name))
                add_event_field(doc, schema[k].name, schema[k].name, event);
        /* Falco's own rule name, which rule.name (ours) would shadow. */
        if (cJSON_GetObjectItemCaseSensitive(event, "rule.name"))
            add_event_field(doc, "falco.rule", "rule.name", event);
        cJSON *original = cJSON_Duplicate(event, 1);
        if (original) {
            gnorm_strip_schema_keys(original);
            char *text = cJSON_PrintUnformatted(original);
            put_str(doc, "event.original", text);
            cJSON_free(text);
            cJSON_Delete(original);
        }
    }
    put_str(doc, "log.file.path", file);
    put_str(doc, "gantry.level", gantry_level_name(info.level));
    put(doc, "gantry.line", cJSON_CreateNumber((double)line));
    return doc;
}
