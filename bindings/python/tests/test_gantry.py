# SPDX-License-Identifier: Apache-2.0
"""The Python bindings: compile, match, metadata, values, masks,
correlations, and misuse raising exceptions instead of crashing."""
import io
import os
import unittest

import gantry

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

RULES = """
rule exec_into_pod {
    id: "11111111-1111-4111-8111-111111111111"
    title: "Exec into a pod"
    level: medium
    status: test
    tags: [attack.t1609, test.exec]
    condition: verb: "create" and objectRef.subresource: "exec"
}
rule forbidden {
    id: "22222222-2222-4222-8222-222222222222"
    title: "Forbidden request"
    level: low
    condition: responseStatus.code: 403
}
"""
EVENTS = (b'{"verb":"create","objectRef":{"resource":"pods","subresource":"exec"},'
          b'"responseStatus":{"code":201},"user":{"username":"alice"}}\n'
          b'{"verb":"get","responseStatus":{"code":403}}\n'
          b'not json\n'
          b'{"verb":"create","objectRef":{"subresource":"exec"},"responseStatus":{"code":403}}\n')


def ids(matches):
    return [(m.line, m.rule.name) for m in matches if m.kind == "rule"]


class Basics(unittest.TestCase):
    def setUp(self):
        self.pack = gantry.compile_rules(rules=RULES)

    def tearDown(self):
        self.pack.close()

    def test_rules_metadata(self):
        r = self.pack.rules
        self.assertEqual([x.name for x in r], ["exec_into_pod", "forbidden"])
        self.assertEqual(r[0].id, "11111111-1111-4111-8111-111111111111")
        self.assertEqual(r[0].level, "medium")
        self.assertEqual(r[0].status, "test")
        self.assertEqual(r[0].tags, ["attack.t1609", "test.exec"])

    def test_matches_and_values(self):
        with gantry.Session(self.pack) as s:
            out = s.feed(EVENTS) + s.flush()
            self.assertEqual(ids(out), [(1, "exec_into_pod"), (2, "forbidden"),
                                        (4, "exec_into_pod"), (4, "forbidden")])
            first = out[0]
            self.assertEqual(first.fields, {"verb": ["create"], "objectRef.subresource": ["exec"]})
            self.assertEqual(out[1].fields, {"responseStatus.code": [403]})
            self.assertEqual(first.rule.title, "Exec into a pod")
            self.assertEqual(first.event.get("user.username"), ["alice"])
            self.assertEqual(first.event.get("objectRef.resource"), ["pods"])
            self.assertEqual(first.event.get("nothing"), [])
            self.assertEqual(s.stats["malformed"], 1)
            self.assertEqual(s.stats["events"], 3)

    def test_chunks_and_lines_agree(self):
        with gantry.Session(self.pack) as a, gantry.Session(self.pack) as b:
            whole = a.feed(EVENTS) + a.flush()
            parts = []
            for i in range(0, len(EVENTS), 5):
                parts += b.feed(EVENTS[i:i + 5])
            parts += b.flush()
            self.assertEqual(ids(whole), ids(parts))
        with gantry.Session(self.pack) as c:
            lines = []
            for line in EVENTS.decode().splitlines():
                lines += c.feed_line(line)
            self.assertEqual(ids(lines + c.flush()), ids(whole))

    def test_scan_and_sources(self):
        with gantry.Session(self.pack, source="one") as s:
            out = list(s.scan(io.BytesIO(EVENTS), chunk_size=7, flush=False))
            self.assertEqual({m.source for m in out}, {"one"})
            s.set_source("two")
            out = list(s.scan(io.BytesIO(EVENTS)))
            self.assertEqual(out[0].source, "two")
            self.assertEqual(out[0].line, 1)

    def test_masks(self):
        with gantry.Session(self.pack) as s:
            self.assertEqual(s.disable(tag="test.exec"), 1)
            self.assertEqual(ids(s.feed(EVENTS) + s.finish()), [(2, "forbidden"), (4, "forbidden")])
            self.assertEqual(s.disable(all=True), 2)
            self.assertEqual(s.enable(name="exec_into_pod"), 1)
            s.set_source("again")
            self.assertEqual(ids(s.feed(EVENTS) + s.finish()), [(1, "exec_into_pod"),
                                                               (4, "exec_into_pod")])
            self.assertEqual(s.enable(id="22222222-2222-4222-8222-222222222222"), 1)
            self.assertEqual(s.disable(min_level="medium"), 1)
            s.set_source("third")
            self.assertEqual(ids(s.feed(EVENTS) + s.finish()), [(2, "forbidden"), (4, "forbidden")])
            with self.assertRaises(gantry.GantryError):
                s.disable(level="severe")
            with self.assertRaises(TypeError):
                s.disable(colour="red")

    def test_min_level(self):
        with gantry.Session(self.pack, min_level="medium") as s:
            self.assertEqual(ids(s.feed(EVENTS) + s.flush()), [(1, "exec_into_pod"),
                                                              (4, "exec_into_pod")])

    def test_event(self):
        with gantry.Event('{"a":{"b":[{"c":1},{"c":true}]},"a.b.c":"flat","n":null}') as e:
            self.assertEqual(e.get("a.b.c"), ["flat"])
            self.assertEqual(e.get("a.b"), [{}, {}])
            self.assertEqual(e.get("n"), [None])
        with self.assertRaises(gantry.GantryError) as cm:
            gantry.Event("[1, 2]")
        self.assertEqual(cm.exception.status, "E_JSON")


class Compiling(unittest.TestCase):
    def test_diagnostics(self):
        with self.assertRaises(gantry.GantryError) as cm:
            gantry.compile_rules(rules=[("bad.gantry", "rule broken {\n    condition: verb ==\n}\n")])
        diags = cm.exception.diagnostics
        self.assertTrue(diags)
        self.assertEqual(diags[0].file, "bad.gantry")
        self.assertEqual(diags[0].line, 2)
        self.assertEqual(diags[0].severity, "error")
        self.assertTrue(diags[0].code.startswith("E"))

    def test_sigma(self):
        yaml = ("title: Exec\nid: 33333333-3333-4333-8333-333333333333\nlevel: high\n"
                "logsource:\n  product: kubernetes\n  service: audit\n"
                "detection:\n  sel:\n    verb: create\n    objectRef.subresource: exec\n"
                "  condition: sel\n")
        with gantry.compile_rules(sigma=[("exec.yml", yaml)]) as pack:
            self.assertEqual(pack.rules[0].level, "high")
            with gantry.Session(pack) as s:
                audit = (b'{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"x",'
                         b'"stage":"ResponseComplete","verb":"create",'
                         b'"objectRef":{"resource":"pods","subresource":"exec"}}\n')
                self.assertEqual(len(s.feed(audit)), 1)

    def test_correlations(self):
        with gantry.compile_rules(paths=[os.path.join(ROOT, "rules")]) as pack:
            self.assertGreater(pack.correlation_count, 0)
            path = os.path.join(ROOT, "corpus", "correlations", "exec_then_download.pos.jsonl")
            with gantry.Session(pack, source=path) as s, open(path, "rb") as f:
                out = list(s.scan(f))
            corr = [m for m in out if m.kind == "correlation"]
            self.assertEqual(len(corr), 1)
            self.assertEqual(corr[0].name, "exec_then_download")
            self.assertEqual([e[:2] for e in corr[0].events], [(path, 1), (path, 2)])


class Misuse(unittest.TestCase):
    def test_closed_pack(self):
        pack = gantry.compile_rules(rules=RULES)
        pack.close()
        pack.close()  # twice is fine
        with self.assertRaises(gantry.GantryError) as cm:
            pack.rules
        self.assertEqual(cm.exception.status, "CLOSED")
        with self.assertRaises(gantry.GantryError):
            gantry.Session(pack)

    def test_pack_with_open_session(self):
        pack = gantry.compile_rules(rules=RULES)
        s = gantry.Session(pack)
        with self.assertRaises(gantry.GantryError):
            pack.close()
        s.close()
        pack.close()

    def test_closed_session(self):
        with gantry.compile_rules(rules=RULES) as pack:
            s = gantry.Session(pack)
            s.close()
            for call in (lambda: s.feed(b"{}\n"), lambda: s.flush(), lambda: s.stats,
                         lambda: s.disable(all=True), lambda: s.set_source("x")):
                with self.assertRaises(gantry.GantryError) as cm:
                    call()
                self.assertEqual(cm.exception.status, "CLOSED")

    def test_wrong_types(self):
        with gantry.compile_rules(rules=RULES) as pack:
            with self.assertRaises(TypeError):
                gantry.Session("not a pack")
            with self.assertRaises(ValueError):
                gantry.Session(pack, format="syslog")
            with gantry.Session(pack) as s:
                with self.assertRaises(TypeError):
                    s.feed(12)
                with self.assertRaises(ValueError):
                    s.set_min_level("severe")
        with self.assertRaises(TypeError):
            gantry.Pack.from_bytes("text")
        with self.assertRaises(TypeError):
            gantry.compile_rules(rules=[42])

    def test_other_version_and_garbage(self):
        image = bytearray(self._image())
        image[8] = 99  # the format version
        with self.assertRaises(gantry.GantryError) as cm:
            gantry.Pack.from_bytes(bytes(image))
        self.assertEqual(cm.exception.status, "E_VERSION")
        with self.assertRaises(gantry.GantryError) as cm:
            gantry.Pack.from_bytes(b"")
        with self.assertRaises(gantry.GantryError) as cm:
            gantry.Pack.load("/nonexistent/pack.gpk")
        self.assertEqual(cm.exception.status, "E_IO")

    def _image(self):
        import ctypes
        lib = gantry._compiler_lib()
        h = ctypes.c_void_p()
        lib.gantry_compiler_new(ctypes.byref(h))
        text = RULES.encode()
        lib.gantry_compiler_add_rules(h, b"r.gantry", text, len(text))
        img, n = ctypes.c_void_p(), ctypes.c_size_t()
        self.assertEqual(lib.gantry_compiler_compile(h, ctypes.byref(img), ctypes.byref(n)), 0)
        data = ctypes.string_at(img, n.value)
        lib.gantry_compiler_buffer_free(img)
        lib.gantry_compiler_free(h)
        return data

    def test_callback_errors_surface(self):
        with gantry.compile_rules(rules=RULES) as pack, gantry.Session(pack) as s:
            s._rules = []  # makes the match callback fail inside C
            with self.assertRaises(IndexError):
                s.feed(EVENTS)
            s._rules = pack.rules
            self.assertEqual(len(s.feed(EVENTS)), 4)  # usable afterwards


if __name__ == "__main__":
    unittest.main()
