from typing import Optional

from ._toulmin import SCHEMA as SCHEMA
from ._toulmin import Grammar as Grammar
from ._toulmin import InputError as InputError
from ._toulmin import MapError as MapError
from ._toulmin import RuleError as RuleError
from ._toulmin import __version__ as __version__
from ._toulmin import render as render

def explain(
    text: str,
    unit: Optional[str] = None,
    grammar: Optional[Grammar] = None,
    name: Optional[str] = None,
) -> str: ...
