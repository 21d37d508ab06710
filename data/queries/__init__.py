"""Named, parameterised queries: the only SQL the app runs against the store.

Each module in this package registers :class:`QuerySpec` objects with :func:`register`.
Parameters are bound (``$name``), never interpolated. Modules are discovered automatically,
so a new concern adds a module and nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from domain.access import Access
from domain.audit import RECORD_CHANGES
from domain.errors import UnknownQueryError


@dataclass(frozen=True)
class QuerySpec:
    """A named SQL statement with who may run it and which columns are restricted.

    ``restricted`` columns (names, dates of birth, narratives, exact addresses) are masked by
    the gateway unless the viewer is in named mode with a role entitled to names. A write's
    ``audit_action`` ('create', 'update' or 'delete') picks its audit event type; a read whose
    ``search_text`` names the parameter holding typed search text is audited as a search,
    keeping the length of that text only (:mod:`domain.audit`).
    """

    name: str
    sql: str
    access: Access
    description: str
    params: tuple[str, ...] = ()
    restricted: tuple[str, ...] = ()
    write: bool = False
    audit_action: str | None = None
    search_text: str | None = None

    def __post_init__(self) -> None:
        if self.audit_action is not None and self.audit_action not in RECORD_CHANGES:
            raise ValueError(f"query {self.name!r}: audit_action must be one of "
                             f"{', '.join(RECORD_CHANGES)}, not {self.audit_action!r}")
        if self.search_text is not None and self.search_text not in self.params:
            raise ValueError(f"query {self.name!r}: search_text names no parameter")


def safe_place_name(alias: str = "pl", *, home: str = "'Home'") -> str:
    """SQL for a place's name that is safe on a pseudonymised screen, in a pack or an export.

    Homes read as ``home`` (an SQL expression); addresses of concern read as "Address of
    concern, <ward>", because their name is an exact address; other places (takeaways,
    parks, stations...) keep their public name. Select :func:`exact_address` as a restricted
    column where named mode may show the address. ``alias`` is the place table's alias in
    the query (a constant of the query, never user input).
    """
    return (f"CASE WHEN {alias}.kind = 'home' THEN {home} "  # noqa: S608  (constants)
            f"WHEN {alias}.kind = 'address_of_concern' THEN 'Address of concern, ' || "
            f"coalesce((SELECT w_safe.name FROM ward w_safe "
            f"WHERE w_safe.ward_code = {alias}.ward_code), 'unknown ward') "
            f"ELSE {alias}.name END")


def exact_address(alias: str = "pl") -> str:
    """SQL for the exact address of a home or address of concern (NULL for other places);
    list its column in ``restricted``."""
    return f"CASE WHEN {alias}.kind IN ('home', 'address_of_concern') THEN {alias}.name END"


_REGISTRY: dict[str, QuerySpec] = {}
_LOADED = False


def register(spec: QuerySpec) -> QuerySpec:
    """Add a query to the registry; names are unique."""
    if spec.name in _REGISTRY and _REGISTRY[spec.name] != spec:
        raise ValueError(f"query {spec.name!r} registered twice")
    _REGISTRY[spec.name] = spec
    return spec


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    for mod in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{mod.name}")
    _LOADED = True


def get(name: str) -> QuerySpec:
    """The registered query called ``name``."""
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownQueryError(f"no query named {name!r}") from None


def all_specs() -> list[QuerySpec]:
    """Every registered query, sorted by name."""
    _load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]
