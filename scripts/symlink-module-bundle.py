#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""QEMU's qemu-bundle for modules: BUILD/qmem-bundle/MODULEDIR -> BUILD/modules.

Run by meson after configuring (meson.add_postconf_script), so that a
program in the build tree finds the build's own modules without
QMEM_MODULE_DIR (qom/module.c, qmem_module_get_bundle_dir()).

Usage: symlink-module-bundle.py MODULEDIR (absolute, the installed one)
"""

import os
import sys


def main():
    build = os.environ["MESON_BUILD_ROOT"]
    moduledir = sys.argv[1]
    link = os.path.join(build, "qmem-bundle", moduledir.lstrip("/"))
    target = os.path.join(build, "modules")
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.islink(link) or os.path.exists(link):
        if os.path.islink(link) and os.readlink(link) == target:
            return
        os.unlink(link)
    os.symlink(target, link)


if __name__ == "__main__":
    main()
