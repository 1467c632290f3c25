"""Modules loaded at their first use, so that ``supplyline --help`` does not load the ledger.

Every command module is imported to register its commands, and most of them need the
services only when one of their commands runs. ``lazy`` hands out the module at once and runs
its body at the first attribute read (the standard library's ``importlib.util.LazyLoader``).
A command module imports the real module under ``TYPE_CHECKING``, so the types stay checked.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """The module ``name`` (absolute), its body run when an attribute is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # as an import does, so `package.child` works as well as `from package import child`
        setattr(sys.modules[parent], child, module)
    return module
