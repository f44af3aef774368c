"""Configuration: guardfix.toml, .guardfix.toml or [tool.guardfix] in pyproject.toml."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guardfix.model import Severity

if TYPE_CHECKING:
    import pathspec

CONFIG_FILES = ("guardfix.toml", ".guardfix.toml", "pyproject.toml")
# At the repository root: the findings later runs do not report (`--write-baseline`).
BASELINE_FILE = ".guardfix-baseline.json"
DEFAULT_MAX_FILE_SIZE = 1_000_000

# key -> what it means (shown by `guardfix --help` and in errors)
KEYS = {
    "guards": "list of function names that stop an anonymous caller by themselves",
    "session-lookups": "list of function names that return the session, or null without one",
    "include": "list of gitignore-style globs; only matching files are checked",
    "exclude": "list of gitignore-style globs; matching files are skipped",
    "select": "list of rule codes to run (default: all)",
    "ignore": "list of rule codes not to run",
    "max-file-size": "files larger than this many bytes are skipped (default 1000000)",
    "session": "the session lookup fixes insert: a table of from, name, call, user-id, default",
    "owner-fields": "a table of model or table name -> the field that holds the owner's id",
    "severity": 'a table of rule code -> "error" or "warning" (a warning fails only with --strict)',
}
SESSION_KEYS = {
    "from": 'the module to import the lookup from, e.g. "@/auth"',
    "name": 'the name it exports, e.g. "auth"',
    "call": 'the expression that looks the session up, e.g. "await auth()"',
    "user-id": 'the expression for the caller\'s id once checked, e.g. "session.user.id"',
    "default": "true when `name` is the module's default export (optional, default false)",
}
OPTIONAL_SESSION_KEYS = frozenset({"default"})


@dataclass(frozen=True)
class SessionSetting:
    """`session = { from, name, call, user-id, default }`: the lookup a fix inserts."""

    module: str
    name: str  # the name `call` uses; with `default`, the local name of the default import
    call: str
    user_id: str
    default: bool = False


class ConfigError(Exception):
    """A configuration problem, said in one line."""


@dataclass(frozen=True)
class Config:
    source: str | None = None
    guards: frozenset[str] = frozenset()
    lookups: frozenset[str] = frozenset()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    session: SessionSetting | None = None
    owner_fields: dict[str, str] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)  # rule code -> its severity
    _include_spec: pathspec.GitIgnoreSpec | None = field(default=None, compare=False, repr=False)
    _exclude_spec: pathspec.GitIgnoreSpec | None = field(default=None, compare=False, repr=False)

    def wants_path(self, path: str) -> bool:
        if self._include_spec is not None and not self._include_spec.match_file(path):
            return False
        return not (self._exclude_spec is not None and self._exclude_spec.match_file(path))

    def project_lookups(self, resolve: Callable[[str, str], str | None]) -> frozenset[str]:
        """The session lookups to trust by name. The fixes' own lookup is one only when it is
        no project file: a project helper is read for what it returns (an iron-session is
        never null, so `if (!session)` checks nothing)."""
        if self.session is None or resolve("", self.session.module) is not None:
            return self.lookups
        return self.lookups | {self.session.name}

    def wants_rule(self, code: str) -> bool:
        if self.select is not None and code not in self.select:
            return False
        return code not in self.ignore


def find_config_file(root: Path) -> Path | None:
    from guardfix.files import within

    real_root = os.path.realpath(root)
    for name in CONFIG_FILES:
        candidate = root / name
        if not candidate.is_file():
            continue
        if not within(os.path.realpath(candidate), real_root):
            raise ConfigError(
                f"{name}: a link to a file outside the repository; guardfix does not follow "
                "it (pass it with --config to use it)"
            )
        if name != "pyproject.toml":
            return candidate
        if "guardfix" in _read_toml(candidate).get("tool", {}):
            return candidate
    return None


def load_config(path: Path | None, rule_codes: frozenset[str]) -> Config:
    if path is None:
        return Config()
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("guardfix", {})
        where = f"{path.name} [tool.guardfix]"
    else:
        table, where = data, path.name
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    return _parse(table, where, rule_codes, str(path))


def _read_toml(path: Path) -> dict[str, Any]:
    # Imported only when a file is read: start-up time is the hook's budget.
    from guardfix import tomlfile

    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomlfile.load(handle)
            return data
    except tomlfile.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path.name}: not valid TOML (not UTF-8: invalid byte at offset {exc.start})"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None


def _parse(table: dict[str, Any], where: str, rule_codes: frozenset[str], source: str) -> Config:
    for key in table:
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}; allowed keys: {', '.join(KEYS)}")
    guards = _names(table, "guards", where)
    lookups = _names(table, "session-lookups", where)
    session = _session(table, where)
    include = _names(table, "include", where)
    exclude = _names(table, "exclude", where)
    select = _codes(table, "select", where, rule_codes)
    ignore = _codes(table, "ignore", where, rule_codes)
    size = table.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise ConfigError(f"{where}: 'max-file-size' must be a positive integer (bytes)")
    return Config(
        source=source,
        guards=frozenset(guards),
        lookups=frozenset(lookups),
        include=tuple(include),
        exclude=tuple(exclude),
        select=frozenset(select) if "select" in table else None,
        ignore=frozenset(ignore),
        max_file_size=size,
        session=session,
        owner_fields=_owner_fields(table, where),
        severity=_severity(table, where, rule_codes),
        _include_spec=_spec(include),
        _exclude_spec=_spec(exclude),
    )


def _session(table: dict[str, Any], where: str) -> SessionSetting | None:
    value = table.get("session")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'session' must be a table ({KEYS['session']})")
    for key in value:
        if key not in SESSION_KEYS:
            allowed = ", ".join(SESSION_KEYS)
            raise ConfigError(f"{where}: unknown key {key!r} in 'session'; allowed keys: {allowed}")
    for key, meaning in SESSION_KEYS.items():
        if key in OPTIONAL_SESSION_KEYS:
            continue
        if not isinstance(value.get(key), str) or not value[key].strip():
            raise ConfigError(f"{where}: 'session.{key}' must be a non-empty string: {meaning}")
    user_id = value["user-id"].strip()
    if not user_id.replace(".", "").replace("_", "").replace("$", "").isalnum():
        raise ConfigError(
            f"{where}: 'session.user-id' must be a name or a dotted path such as session.user.id"
        )
    default = value.get("default", False)
    if not isinstance(default, bool):
        raise ConfigError(
            f"{where}: 'session.default' must be true or false: {SESSION_KEYS['default']}"
        )
    if not value["name"].strip().isidentifier():
        raise ConfigError(f"{where}: 'session.name' must be a name: {SESSION_KEYS['name']}")
    return SessionSetting(
        value["from"], value["name"].strip(), value["call"].strip(), user_id, default
    )


def _owner_fields(table: dict[str, Any], where: str) -> dict[str, str]:
    value = table.get("owner-fields", {})
    if not isinstance(value, dict) or not all(
        isinstance(v, str) and v.isidentifier() for v in value.values()
    ):
        raise ConfigError(
            f"{where}: 'owner-fields' must be a table of names ({KEYS['owner-fields']})"
        )
    return dict(value)


def _severity(table: dict[str, Any], where: str, rule_codes: frozenset[str]) -> dict[str, Severity]:
    value = table.get("severity", {})
    levels = {s.value: s for s in Severity}
    if not isinstance(value, dict) or not all(v in levels for v in value.values()):
        raise ConfigError(f"{where}: 'severity' must be {KEYS['severity']}")
    for code in value:
        if code.upper() not in rule_codes:
            raise ConfigError(
                f"{where}: 'severity' names unknown rule {code!r}; rules: "
                f"{', '.join(sorted(rule_codes))}"
            )
    return {code.upper(): levels[level] for code, level in value.items()}


def _spec(globs: list[str]) -> pathspec.GitIgnoreSpec | None:
    if not globs:
        return None
    import pathspec  # only when globs are configured: start-up time is the hook's budget

    return pathspec.GitIgnoreSpec.from_lines(globs)


def _names(table: dict[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: {key!r} must be a list of non-empty strings ({KEYS[key]})")
    return list(value)


def _codes(table: dict[str, Any], key: str, where: str, rule_codes: frozenset[str]) -> list[str]:
    codes = [c.upper() for c in _names(table, key, where)]
    for code in codes:
        if code not in rule_codes:
            raise ConfigError(
                f"{where}: {key!r} names unknown rule {code!r}; rules: "
                f"{', '.join(sorted(rule_codes))}"
            )
    return codes
