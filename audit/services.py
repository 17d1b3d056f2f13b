"""Writing to the access log. Every view, export, search or change of personal data calls
`access_log_record` (directly or through cases.access / samverkan.api)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from .logfilters import mask_personnummer
from .models import AccessLog


def client_address(request) -> str | None:
    """The client's address resolved exactly as django-axes resolves it for lock-outs: the
    forwarded header is trusted only when the deployment says it runs behind a proxy."""
    if request is None:
        return None
    try:
        from axes.helpers import get_client_ip_address

        ip = get_client_ip_address(request)
    except Exception:  # a malformed header must never stop the request
        ip = None
    return ip or request.META.get("REMOTE_ADDR") or None


def clean_log_text(text, limit: int | None = None) -> str:
    """Free text bound for the log: no personnummer, no NUL (PostgreSQL refuses it)."""
    text = mask_personnummer(str(text or "").replace("\x00", ""))
    return text[:limit] if limit else text


# The log sits below the organisation: which area a user belongs to is the organisation's to
# say, and accounts registers the answer here (accounts.apps).
_user_area_resolver = None


def resolve_user_area_with(resolver) -> None:
    """Register `resolver(user) -> area id or None`, the area of entries about no object."""
    global _user_area_resolver
    _user_area_resolver = resolver


def _default_area_id(user) -> int | None:
    """For entries about no particular object: the user's area, so the coordinator sees it."""
    if user is None or _user_area_resolver is None:
        return None
    return _user_area_resolver(user)


def access_log_record(
    *,
    action: str,
    request=None,
    user=None,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    person_id: int | None = None,
    area_id: int | None = None,
    purpose: str = "",
    outside_caseload: bool = False,
    username: str = "",
    client_ip: str | None = None,
    path: str = "",
) -> AccessLog:
    """Append one entry. `obj` may provide `audit_subject()` -> (person_id, area_id). The
    address and path come from `request`, or are given (a service's AccessContext)."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
        if hasattr(obj, "audit_subject"):
            subject_person, subject_area = obj.audit_subject()
            person_id = person_id if person_id is not None else subject_person
            area_id = area_id if area_id is not None else subject_area
    if area_id is None and person_id is None:
        area_id = _default_area_id(user)
    row = _entry(
        timezone.now(),
        user,
        username,
        action,
        (object_type, object_id, person_id, area_id, purpose),
        outside_caseload,
        client_address(request) if request is not None else client_ip,
        request.path if request is not None else path,
    )
    entry_id = _insert_one(row)
    # the entry as written, as if read (every page's access writes one: no second query)
    columns = [AccessLog._meta.get_field(name).attname for name in LOG_COLUMNS]
    written = {"id": entry_id, **dict(zip(columns, row, strict=True))}
    fields = [field.attname for field in AccessLog._meta.concrete_fields]
    return AccessLog.from_db(connection.alias, fields, [written[name] for name in fields])


# The columns an entry is written with, in the order of the rows `_insert` takes (and of the
# full-identity export's INSERT … SELECT, exports.services.csvfile).
LOG_COLUMNS = (
    "occurred_at",
    "user",
    "username",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "area",
    "purpose",
    "outside_caseload",
    "ip_address",
    "path",
)
_INSERT_SQL: dict[tuple[bool, ...], str] = {}  # per set of columns written as one value


def _insert_sql(shared: tuple[bool, ...]) -> str:
    """One INSERT of any number of entries: a column the same in every entry (`shared`, per
    column of LOG_COLUMNS: the time, the user, the address of a page's fifty entries) as one
    value, each other column as an array of its values, unnested in PostgreSQL. Its names and
    types are read from the model. The SQL depends only on which columns are shared, so each
    form is made once per process."""
    found = _INSERT_SQL.get(shared)
    if found is None:
        quote = connection.ops.quote_name
        fields = [AccessLog._meta.get_field(name) for name in LOG_COLUMNS]
        names = ", ".join(quote(field.column) for field in fields)
        values, arrays, aliases = [], [], []
        for at, field in enumerate(fields):
            kind = field.db_type(connection)
            if shared[at]:
                values.append(f"%s::{kind}")
            else:
                values.append(f"u.c{at}")
                arrays.append(f"%s::{kind}[]")
                aliases.append(f"c{at}")
        source = f" FROM unnest({', '.join(arrays)}) AS u({', '.join(aliases)})" if arrays else ""
        found = _INSERT_SQL[shared] = (
            f"INSERT INTO {quote(AccessLog._meta.db_table)} ({names}) "  # noqa: S608 (model's names)
            f"SELECT {', '.join(values)}{source}"
        )
    return found


def _insert_statement(rows: list[tuple]) -> tuple[str, list]:
    """`_insert_sql` for `rows` and its params: the shared columns' values, then the arrays."""
    columns = [list(column) for column in zip(*rows, strict=True)]
    shared = tuple(all(value == column[0] for value in column) for column in columns)
    if len(rows) > 1 and all(shared):
        # Entries alike in every column (one case under two to-dos of the inbox) are entries
        # each: one array keeps their number, which a SELECT of plain values would make one.
        shared = (False, *shared[1:])
    one = [column[0] for column, alike in zip(columns, shared, strict=True) if alike]
    many = [column for column, alike in zip(columns, shared, strict=True) if not alike]
    return _insert_sql(shared), [*one, *many]


def _entry(now, user, username, action, subject, outside, ip, path) -> tuple:
    """One entry's row of `LOG_COLUMNS`: `subject` is (object_type, object_id, person_id,
    area_id, purpose); the free text cleaned (audit.logfilters) and cut to the columns."""
    object_type, object_id, person_id, area_id, purpose = subject
    return (
        now,
        user.pk if user else None,
        clean_log_text(username or (user.get_username() if user else ""), 150),
        action,
        clean_log_text(object_type, 50),
        clean_log_text(object_id, 64),
        person_id,
        area_id,
        clean_log_text(purpose),
        outside,
        ip or None,  # no address is NULL, as the ORM wrote it (an empty text is no inet)
        clean_log_text(path, 300),
    )


def _insert(rows: list[tuple]) -> int:
    """Write entries given as rows of `LOG_COLUMNS`' values, in one statement; the number written.
    The ORM's bulk_create makes a model object of each entry and prepares each of its values,
    which for a page of fifty rows cost more than PostgreSQL's writing them. One statement is
    written whole or not at all, so it needs no transaction of its own."""
    if rows:
        with connection.cursor() as cursor:
            cursor.execute(*_insert_statement(rows))
    return len(rows)


def _insert_one(row: tuple) -> int:
    """Write one entry as `_insert` does; its id."""
    sql, params = _insert_statement([row])
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING id", params)
        return cursor.fetchone()[0]


def access_log_record_many(
    *, action: str, request, objects, purpose: str, outside_ids=frozenset()
) -> int:
    """One entry per object shown in a list or search result (one INSERT for all of them).
    `outside_ids` are the person ids shown although they are outside the user's caseload."""
    user = request.user if request.user.is_authenticated else None
    # One entry made by `_entry` (who, when, where, why: the same for every object, cleaned
    # once), then each object's own columns put in its place.
    shared = _entry(
        timezone.now(),
        user,
        "",
        action,
        ("", "", None, None, purpose),
        False,
        client_address(request),
        request.path,
    )
    head, purpose_text, tail = shared[:4], shared[8], shared[10:]
    rows = []
    for obj in objects:
        person_id, area_id = obj.audit_subject()
        rows.append(
            (
                *head,
                obj._meta.model_name,
                str(obj.pk),
                person_id,
                area_id,
                purpose_text,
                person_id in outside_ids,
                *tail,
            )
        )
    return _insert(rows)


def access_log_record_subjects(
    *,
    action: str,
    subjects,
    request=None,
    user=None,
    username: str = "",
    client_ip: str | None = None,
    path: str = "",
    outside_ids=frozenset(),
) -> int:
    """One entry per subject in one INSERT, for writes of many records at once (the imports).
    `subjects` yields (object_type, object_id, person_id, area_id, purpose); without a request
    (the command line) `username` says who ran it. `outside_ids` are the person ids reached
    although they are outside the user's caseload (an export with a stated reason)."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    now = timezone.now()
    ip = client_address(request) if request is not None else client_ip
    path = request.path if request is not None else path
    return _insert(
        [
            _entry(now, user, username, action, subject, subject[2] in outside_ids, ip, path)
            for subject in subjects
        ]
    )
