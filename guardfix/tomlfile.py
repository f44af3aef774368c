"""Reading TOML: the standard library's tomllib, or tomli before Python 3.11."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    from tomllib import TOMLDecodeError, load, loads
else:  # pragma: no cover
    from tomli import TOMLDecodeError, load, loads  # type: ignore[import-not-found,unused-ignore]

__all__ = ["TOMLDecodeError", "load", "loads"]
