"""Count the public functions whose docstring has no numpydoc ``Parameters`` section.

Public functions are the functions named in ``__all__`` of each module of the API
reference (:data:`MODULES`, the list ``docs/api.rst`` documents). A function that takes
no argument needs no ``Parameters`` section and is not counted as missing.

Run with ``.venv/bin/python docs/missing_parameters.py`` (``-v`` lists the functions).
"""

from __future__ import annotations

import importlib
import inspect
import sys
import warnings

from numpydoc.docscrape import FunctionDoc

#: The public modules of the API reference, in the order of ``docs/api.rst``.
MODULES = (
    "indicators.air",
    "indicators.water",
    "indicators.drinking",
    "indicators.sea",
    "indicators.blackodorous",
    "indicators.noise",
    "indicators.trends",
    "indicators.ranking",
    "indicators.targets",
    "indicators.plot",
    "indicators.periods",
    "indicators.figures",
    "indicators.io",
    "indicators.ingest",
    "indicators.check",
    "indicators.contract",
    "indicators.validation",
    "indicators.report",
    "indicators.demo",
    "indicators.standards",
    "indicators.glossary",
)


def _takes_arguments(func) -> bool:
    params = inspect.signature(func).parameters.values()
    return any(p.name not in ("self", "cls") for p in params)


def missing_parameters() -> dict[str, tuple[int, list[str]]]:
    """Per module: (number of public functions, names of those lacking Parameters)."""
    out = {}
    for name in MODULES:
        module = importlib.import_module(name)
        functions = [
            (n, obj) for n in module.__all__ if inspect.isfunction(obj := getattr(module, n))
        ]
        missing = []
        for n, func in functions:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                doc = FunctionDoc(func)
            if _takes_arguments(func) and not doc["Parameters"]:
                missing.append(n)
        out[name] = (len(functions), missing)
    return out


def main(argv: list[str]) -> int:
    """Print the count per module; ``-v`` also names the functions."""
    verbose = "-v" in argv
    total = n_missing = 0
    for name, (n, missing) in missing_parameters().items():
        total += n
        n_missing += len(missing)
        print(f"{name:28s} {len(missing):3d} of {n:3d}")
        if verbose and missing:
            print("    " + ", ".join(missing))
    print(f"{'total':28s} {n_missing:3d} of {total:3d} public functions lack Parameters")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
