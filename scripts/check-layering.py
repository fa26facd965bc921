#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks every #include of qmem's sources against the layer order.

docs/developer.md draws the layers, bottom up.  A file may include headers
of its own layer and of the layers below it, never of a layer above: a
header belongs to the layer of its path (include/hw/mem/pc-dimm.h is hw/mem,
an internal header beside the code is its folder's), and so does a source
file.  Tests are not checked: they may use every layer.

Usage: scripts/check-layering.py [SOURCE_ROOT]
Prints one line per upward include and exits 1 when there is one; prints
the number of includes checked and exits 0 otherwise.
"""

import os
import re
import sys

# Bottom up; each entry is a layer: the path prefixes that belong to it.
LAYERS = [
    ("util", ["util/"]),
    ("qobject", ["qobject/"]),
    ("qapi", ["qapi/"]),
    ("qom", ["qom/"]),
    ("system", ["system/"]),
    ("hw/core", ["hw/core/"]),
    ("backends", ["backends/"]),
    ("hw/mem", ["hw/mem/"]),
    ("hw/intc, hw/pci, hw/virtio", ["hw/intc/", "hw/pci/", "hw/virtio/"]),
    ("hw/nvram, hw/acpi, hw/i386", ["hw/nvram/", "hw/acpi/", "hw/i386/",
                                    "hw/pci-host/", "hw/isa/"]),
    ("migration", ["migration/"]),
    ("accel/kvm", ["accel/kvm/"]),
    ("accel/qtest", ["accel/qtest/"]),
    ("monitor", ["monitor/"]),
    # The program and the glue that puts modules into it.
    ("main", ["system/main.c", "system/main-", "system/qmem-run.c",
              "modules/"]),
    ("tools", ["tools/"]),
]

SOURCE_DIRS = ["util", "qobject", "qapi", "qom", "system", "hw", "backends",
               "migration", "accel", "monitor", "modules", "tools", "include"]

# Headers every layer may include: generated configuration.
ANYWHERE = {"qmem-config.h"}

# Upward includes that are right, each with its reason:
# (including file, included header) -> reason.  None today.
EXCEPTIONS = {}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path):
    """The index of the layer @path (relative to the source root) is in."""
    if path.startswith("include/"):
        path = path[len("include/"):]
    best, best_len = None, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if path.startswith(prefix) and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    return best


def resolve(root, src, header):
    """The header's path relative to @root, as the compiler finds it."""
    local = os.path.normpath(os.path.join(os.path.dirname(src), header))
    if os.path.exists(os.path.join(root, local)):
        return local
    for base in ("include", "."):
        candidate = os.path.normpath(os.path.join(base, header))
        if os.path.exists(os.path.join(root, candidate)):
            return candidate
    return None


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), ".."))
    problems, checked = [], 0
    used_exceptions = set()
    for top in SOURCE_DIRS:
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith((".c", ".h", ".S", ".c.in")):
                    continue
                src = os.path.relpath(os.path.join(dirpath, name), root)
                src_layer = layer_of(src)
                if src_layer is None:
                    problems.append(f"{src}: not in any layer")
                    continue
                with open(os.path.join(root, src), encoding="utf-8") as f:
                    text = f.read()
                for header in INCLUDE_RE.findall(text):
                    if header in ANYWHERE:
                        continue
                    checked += 1
                    path = resolve(root, src, header)
                    if path is None:
                        problems.append(f"{src}: \"{header}\" not found")
                        continue
                    header_layer = layer_of(path)
                    if header_layer is None:
                        problems.append(f"{src}: \"{header}\" is in no layer")
                    elif header_layer > src_layer:
                        if (src, header) in EXCEPTIONS:
                            used_exceptions.add((src, header))
                            continue
                        problems.append(
                            f"{src} ({LAYERS[src_layer][0]}) includes "
                            f"\"{header}\" ({LAYERS[header_layer][0]})")
    for stale in sorted(set(EXCEPTIONS) - used_exceptions):
        problems.append(f"exception no longer needed: {stale[0]} -> "
                        f"\"{stale[1]}\"")
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} layering problems")
        return 1
    print(f"{checked} includes checked, none points up a layer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
