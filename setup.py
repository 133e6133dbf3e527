"""Build script: everything is in pyproject.toml but the optional compiled census walk.

``cleanhtml/_cwalk.pyx`` (the census walk over libxml2's nodes, through lxml's public
C-API) is built by Cython as the extension ``cleanhtml._cwalk``, which
:mod:`cleanhtml.census` uses when it is there; ``cleanhtml/_walk.py`` is the same walk
in Python, used otherwise. The extension is optional all the way: without Cython, lxml
or a C compiler in the build, or when compiling fails, the build says so on one line
and installs the pure-Python package (the same output, a little slower).

It is compiled against the build's lxml (its headers: ``lxml.get_include()``) and, as
lxml's structures change between versions, imports only under that same lxml and
libxml2 version; under any other, cleanhtml runs the Python walk.

Editable installs (``pip install -e .``) build no extension, so that an edited walk is
never shadowed by a stale compiled copy; ``CLEANHTML_COMPILE=1`` builds it there too
(in place: rebuild after each edit of ``_cwalk.pyx``).
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

COMPILED = [Extension("cleanhtml._cwalk", ["cleanhtml/_cwalk.pyx"], optional=True)]

DIRECTIVES = {"language_level": 3, "boundscheck": False, "wraparound": False}


def _skip(reason: str) -> None:
    sys.stderr.write(
        f"cleanhtml: the compiled census walk is not built ({reason}); "
        "the pure-Python walk is used\n"
    )


class OptionalBuildExt(build_ext):
    """build_ext that never fails the install: the extension is optional."""

    def run(self) -> None:
        if getattr(self, "editable_mode", False) and os.environ.get("CLEANHTML_COMPILE") != "1":
            return  # editable install: no compiled copy to go stale (see the docstring)
        try:
            import lxml
            from Cython.Build import cythonize
        except ImportError as error:
            _skip(f"{error.name} is not installed in the build")
            return
        try:
            for ext in self.extensions:
                ext.include_dirs = [*ext.include_dirs, *lxml.get_include()]
            translated = cythonize(
                self.extensions,
                compiler_directives=DIRECTIVES,
                include_path=[os.path.dirname(os.path.dirname(lxml.__file__))],
                build_dir=os.path.join(self.build_temp, "cython"),
                quiet=True,
            )
            for ext, c_ext in zip(self.extensions, translated, strict=True):
                ext.sources = c_ext.sources  # (the C file; keep setuptools' Extension)
            super().run()
        except Exception as error:  # (any failure: install pure Python)
            _skip(f"{type(error).__name__}: {error}")

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as error:
            _skip(f"{type(error).__name__}: {error}")


setup(ext_modules=COMPILED, cmdclass={"build_ext": OptionalBuildExt})
