from os import PathLike
from typing import Any, Literal, Optional, Sequence, Union

SCHEMA: str
__version__: str

Map = dict[str, Any]

class RuleError(ValueError):
    """A rule file could not be read or compiled; str() shows file:line:col and the caret."""

class InputError(ValueError):
    """A text toulmin refuses to map: empty, binary, not UTF-8, or too large."""

class MapError(RuntimeError):
    """A map broke one of its invariants."""

class Grammar:
    def __init__(
        self, rules: Sequence[Union[str, PathLike[str]]] = ..., default: bool = True
    ) -> None: ...
    @property
    def rules(self) -> list[str]: ...
    @property
    def default(self) -> bool: ...
    def map(self, text: str, name: Optional[str] = None) -> Map: ...
    def map_json(self, text: str, name: Optional[str] = None) -> str: ...
    def map_many(
        self,
        texts: Sequence[str],
        threads: Optional[int] = None,
        names: Optional[Sequence[str]] = None,
    ) -> list[Map]: ...
    def map_many_json(
        self,
        texts: Sequence[str],
        threads: Optional[int] = None,
        names: Optional[Sequence[str]] = None,
    ) -> list[str]: ...
    def explain(
        self, text: str, unit: Optional[str] = None, name: Optional[str] = None
    ) -> str: ...

def render(
    map: Union[Map, str],
    format: Literal["svg", "dot", "html"] = "svg",
    text: Optional[str] = None,
    renderer: Literal["auto", "dot", "builtin"] = "auto",
) -> str: ...
