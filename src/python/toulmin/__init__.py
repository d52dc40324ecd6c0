"""toulmin: argument maps from opinion commentary, driven by editable annotation rules.

>>> import toulmin
>>> grammar = toulmin.Grammar()                 # the built-in default grammar, compiled once
>>> m = grammar.map(open("article.txt").read(), name="article.txt")
>>> m["thesis"], len(m["units"])

Every map is the ``toulmin/map@1`` JSON the CLI writes, as Python objects; the work is done by
the same Rust library as ``toulmin map``.
"""

from ._toulmin import (
    SCHEMA,
    Grammar,
    InputError,
    MapError,
    RuleError,
    __version__,
    render,
)

__all__ = [
    "SCHEMA",
    "Grammar",
    "InputError",
    "MapError",
    "RuleError",
    "__version__",
    "explain",
    "render",
]


def explain(text, unit=None, grammar=None, name=None):
    """What ``toulmin explain`` prints for ``text`` (only ``unit`` if given, e.g. "u3")."""
    return (grammar if grammar is not None else Grammar()).explain(text, unit=unit, name=name)
