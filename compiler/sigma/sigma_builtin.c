/* The built-in Sigma field mappings: the text of the YAML files in rules/mappings/,
 * compiled in so a compile does not depend on the working directory.
 * tests/test_sigma_import.c checks that each entry equals its file; after
 * editing a mapping file, update the matching string here. */
#include <stddef.h>
#include "sigma_internal.h"

const gsigma_builtin_mapping gsigma_builtin_mappings[] = {
    {"generic.yml", "# Sigma field mapping: the generic identity mapping. It applies to every\n"
                    "# logsource and renames nothing, so any field a rule names is looked up in\n"
                    "# the event as written (dotted paths address nested JSON). Copy this file as\n"
                    "# the starting point of your own mapping (`--mapping FILE`).\n"
                    "name: generic\n"
                    "logsource: {}\n"
                    "fields: {}\n"},
    {"kubernetes_audit.yml",
     "# Sigma field mapping: Kubernetes audit (logsource product kubernetes, service audit).\n"
     "# The normalizer keeps the raw audit paths (verb, objectRef.*, requestURI,\n"
     "# responseStatus.code, userAgent, ...) so SigmaHQ rules read them unchanged;\n"
     "# only Sigma's three abstract fields need a schema name.\n"
     "name: kubernetes_audit\n"
     "logsource:\n"
     "    product: kubernetes\n"
     "    service: audit\n"
     "fields:\n"
     "    hostPath: container.mounts.source\n"
     "    capabilities: container.security_context.capabilities.add\n"
     "    apiGroup: orchestrator.resource.api_group\n"},
    {"linux_file_event.yml",
     "# Sigma field mapping: Linux file events (logsource product linux, category\n"
     "# file_event) onto ECS file fields.\n"
     "name: linux_file_event\n"
     "logsource:\n"
     "    product: linux\n"
     "    category: file_event\n"
     "fields:\n"
     "    TargetFilename: file.path\n"
     "    Image: process.executable\n"
     "    CommandLine: process.command_line\n"
     "    User: user.name\n"},
    {"linux_network_connection.yml",
     "# Sigma field mapping: Linux network connections (logsource product linux,\n"
     "# category network_connection) onto ECS network fields.\n"
     "name: linux_network_connection\n"
     "logsource:\n"
     "    product: linux\n"
     "    category: network_connection\n"
     "fields:\n"
     "    Image: process.executable\n"
     "    CommandLine: process.command_line\n"
     "    User: user.name\n"
     "    Initiated: network.initiated\n"
     "    DestinationIp: destination.ip\n"
     "    DestinationHostname: destination.domain\n"
     "    DestinationPort: destination.port\n"
     "    SourceIp: source.ip\n"
     "    SourcePort: source.port\n"
     "    Protocol: network.transport\n"},
    {"linux_process_creation.yml",
     "# Sigma field mapping: Linux process creation (logsource product linux,\n"
     "# category process_creation) onto the process fields that Falco alerts\n"
     "# (proc.*) and container events (entrypoint, exec commands) fill.\n"
     "name: linux_process_creation\n"
     "logsource:\n"
     "    product: linux\n"
     "    category: process_creation\n"
     "fields:\n"
     "    Image: process.executable\n"
     "    CommandLine: process.command_line\n"
     "    ParentImage: process.parent.executable\n"
     "    ParentCommandLine: process.parent.command_line\n"
     "    OriginalFileName: process.name\n"
     "    CurrentDirectory: process.working_directory\n"
     "    User: user.name\n"
     "    LogonId: user.id\n"
     "    ProcessId: process.pid\n"
     "    ParentProcessId: process.parent.pid\n"},
    {NULL, NULL},
};
