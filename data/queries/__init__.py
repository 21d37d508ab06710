"""Named, parameterised queries: the only SQL the app runs against the store.

Each module in this package declares its queries in one call each, by access class:
:func:`personal`, :func:`aggregate`, :func:`reference_data`, :func:`admin_only`, and
:func:`write` or :func:`insert` for statements. Each call registers a :class:`QuerySpec` (name,
description, SQL, parameters, restricted columns). SQL fragments that several queries share
(:func:`safe_place_name`, :func:`exact_address`, :func:`full_name`, :func:`grading`,
:func:`any_of`, :func:`other_person`) are written once here. Parameters are bound
(``$name``), never interpolated. Modules are discovered automatically, so a new concern adds a
module and nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from domain import vocabulary
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
    keeping the length of that text only (:mod:`domain.audit`). ``on_audit_store`` reads run
    on the audit store (:mod:`data.audit_log`), not the case database.
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
    on_audit_store: bool = False

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
    parks, stations...) keep their public name, followed by their ward when another place
    has the same name ("Recreation Ground (High Street), Crewe Central"), so places that
    share a name can be told apart everywhere. Select :func:`exact_address` as a restricted
    column where named mode may show the address. ``alias`` is the place table's alias in
    the query (a constant of the query, never user input).
    """
    ward = (f"coalesce((SELECT w_safe.name FROM ward w_safe "  # noqa: S608  (constants)
            f"WHERE w_safe.ward_code = {alias}.ward_code), 'unknown ward')")
    return (f"CASE WHEN {alias}.kind = 'home' THEN {home} "  # noqa: S608  (constants)
            f"WHEN {alias}.kind = 'address_of_concern' THEN 'Address of concern, ' || {ward} "
            f"WHEN {alias}.ward_code IS NOT NULL AND EXISTS (SELECT 1 FROM place p_same "
            f"WHERE p_same.name = {alias}.name AND p_same.place_id <> {alias}.place_id "
            f"AND p_same.kind NOT IN ('home', 'address_of_concern')) "
            f"THEN {alias}.name || ', ' || {ward} "
            f"ELSE {alias}.name END")


def exact_address(alias: str = "pl") -> str:
    """SQL for the exact address of a home or address of concern (NULL for other places);
    list its column in ``restricted``."""
    return f"CASE WHEN {alias}.kind IN ('home', 'address_of_concern') THEN {alias}.name END"


def grading_sql(alias: str = "i") -> str:
    """SQL for a row's 3x5x2 grading written as :func:`domain.vocabulary.grading_text` writes
    it (``2B P``), or ``''`` when it has none. ``alias`` is the table's alias (a constant)."""
    return (f"trim(concat_ws('', {alias}.grading_source::VARCHAR, {alias}.grading_intel, "
            f"' ' || {alias}.grading_handling))")


def action_open_sql(alias: str = "x") -> str:
    """SQL that is true for an action still to be done (:data:`OPEN_ACTION_STATUSES`)."""
    statuses = ", ".join(f"'{s}'" for s in vocabulary.OPEN_ACTION_STATUSES)
    return f"{alias}.status IN ({statuses})"


def full_name(alias: str = "p") -> str:
    """SQL for a person's full name (given then family name); list its column in
    ``restricted``."""
    return f"{alias}.given_name || ' ' || {alias}.family_name"


def any_of(param: str, column: str) -> str:
    """SQL that keeps a row when ``column`` is in the list parameter ``$param``, or the list
    is empty (empty means "all")."""
    return f"(len(${param}::VARCHAR[]) = 0 OR list_contains(${param}::VARCHAR[], {column}))"


def other_person(alias: str = "l", person: str = "$person_id") -> str:
    """SQL for the person at the other end of link ``alias`` from ``person``."""
    return (f"CASE WHEN {alias}.source_person_id = {person} "
            f"THEN {alias}.target_person_id ELSE {alias}.source_person_id END")


_REGISTRY: dict[str, QuerySpec] = {}
_LOADED = False


def register(spec: QuerySpec) -> QuerySpec:
    """Add a query to the registry; names are unique."""
    if spec.name in _REGISTRY and _REGISTRY[spec.name] != spec:
        raise ValueError(f"query {spec.name!r} registered twice")
    _REGISTRY[spec.name] = spec
    return spec


def _declare(access: Access, name: str, description: str, sql: str, *,
             params: tuple[str, ...] = (), restricted: tuple[str, ...] = (),
             search_text: str | None = None, on_audit_store: bool = False) -> QuerySpec:
    return register(QuerySpec(name=name, sql=sql, access=access, description=description,
                              params=params, restricted=restricted, search_text=search_text,
                              on_audit_store=on_audit_store))


def personal(name: str, description: str, sql: str, *, params: tuple[str, ...] = (),
             restricted: tuple[str, ...] = (), search_text: str | None = None) -> QuerySpec:
    """Register a read about identifiable people (panel and analysts; audited). A read whose
    ``search_text`` names the parameter holding typed search text is audited as a search."""
    return _declare(Access.PERSONAL, name, description, sql, params=params,
                    restricted=restricted, search_text=search_text)


def aggregate(name: str, description: str, sql: str, *,
              params: tuple[str, ...] = ()) -> QuerySpec:
    """Register a read of counts that anyone may run (the caller suppresses small counts)."""
    return _declare(Access.AGGREGATE, name, description, sql, params=params)


def reference_data(name: str, description: str, sql: str) -> QuerySpec:
    """Register a read of reference data (wards, agencies) that anyone may run."""
    return _declare(Access.REFERENCE, name, description, sql)


def admin_only(name: str, description: str, sql: str, *, params: tuple[str, ...] = (),
          restricted: tuple[str, ...] = (), on_audit_store: bool = False) -> QuerySpec:
    """Register a read for administrators only (audited); ``on_audit_store``: a read of the
    audit store (subject access's audit section)."""
    return _declare(Access.ADMIN, name, description, sql, params=params,
                    restricted=restricted, on_audit_store=on_audit_store)


def audit_trail(name: str, description: str, sql: str, *,
                params: tuple[str, ...] = ()) -> QuerySpec:
    """Register a read of the audit trail, run on the audit store (administrators and
    auditors; audited)."""
    return _declare(Access.AUDIT, name, description, sql, params=params, on_audit_store=True)


def write(name: str, description: str, sql: str, *, params: tuple[str, ...],
          audit_action: str, access: Access = Access.PERSONAL) -> QuerySpec:
    """Register a write statement, run through ``Store.execute`` and audited as
    ``audit_action``."""
    return register(QuerySpec(name=name, sql=sql, access=access, description=description,
                              params=params, write=True, audit_action=audit_action))


def insert(name: str, description: str, table: str, columns: tuple[str, ...]) -> QuerySpec:
    """Register a statement that adds one row to ``table`` (a constant), one parameter per
    column, named as the column; audited as a creation."""
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608  (constants)
           f"VALUES ({', '.join('$' + c for c in columns)})")
    return write(name, description, sql, params=columns, audit_action="create")


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
