"""Request paths: which functions run per request, found from the handlers outward.

A database client made in a function that a request handler calls is made per request
just as surely as one made in the handler itself. Each file gets a table of its functions
(name, whether it is a handler, whether it is cached, what it calls, what it imports);
reachability then runs from every handler through calls in the same file and one import
away. The handler shapes are data (the tables below); the walk is plain code.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ast_grep_py import SgNode

from launchwizard.code.model import Language

FunctionKey = tuple[int, int]
"""A function node's (start, end) character offsets in its file."""

PY_FUNCTION_KINDS = ("function_definition",)
JS_FUNCTION_KINDS = (
    "function_declaration",
    "function_expression",
    "arrow_function",
    "method_definition",
    "generator_function_declaration",
    "generator_function",
)
HTTP_VERBS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})

PY_HANDLER_DECORATOR = re.compile(
    r"^@\s*[\w.]+\.(?:get|post|put|patch|delete|head|options|trace|route|api_route|websocket|add_route"
    r"|exception_handler|errorhandler)\s*\("
    r"|^@\s*(?:[\w.]+\.)?(?:api_view|require_http_methods|require_GET|require_POST|require_safe|csrf_exempt"
    r"|login_required|permission_required|action)\b"
)
"""FastAPI, Flask, Starlette, Quart, Sanic and APIRouter/Blueprint route and error-handler
decorators; Django and Django REST framework view decorators."""
PY_VIEW_BASES = re.compile(r"(?:View|ViewSet|APIView|Resource|HTTPEndpoint|MethodView|Handler)\b")
PY_VIEW_METHODS = frozenset(
    {
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "list",
        "create",
        "retrieve",
        "update",
        "partial_update",
        "destroy",
        "dispatch",
    }
)
PY_LAMBDA_NAMES = frozenset({"handler", "lambda_handler", "main"})
CACHE_DECORATOR = re.compile(
    r"^@\s*(?:[\w.]+\.)?(?:lru_cache|cache|cached|cached_property|alru_cache|singleton|once)\b"
)
JS_ROUTE_FILE = re.compile(r"(?:^|/)route\.[cm]?[jt]sx?$")
JS_API_FILE = re.compile(r"(?:^|/)pages/api/|^api/|(?:^|/)functions/|(?:^|/)netlify/functions/")
JS_ROUTER_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "all", "use", "options", "head", "route", "on"}
)
JS_CACHE_WRAPPERS = re.compile(
    r"^(?:cache|memoize|memo|once|unstable_cache|pMemoize|_\.once|_\.memoize|lodash\.\w+)$"
)
JS_SERVERLESS_NAMES = frozenset({"handler", "default", "fetch"})


@dataclass
class FunctionInfo:
    """One function of a file, for the reachability walk."""

    key: FunctionKey
    name: str
    handler: bool = False
    cached: bool = False
    top_level: bool = False
    calls: set[str] = field(default_factory=set)
    external: set[tuple[str, str]] = field(default_factory=set)
    """(module stem, name) pairs: calls of imported functions or of a module's attribute."""


@dataclass
class FileTable:
    """The functions of one file, by key and by name, and the module stem others import it as."""

    path: str
    stem: str
    functions: dict[FunctionKey, FunctionInfo] = field(default_factory=dict)

    def named(self, name: str) -> list[FunctionInfo]:
        return [info for info in self.functions.values() if info.name == name]

    @property
    def has_handler(self) -> bool:
        return any(info.handler for info in self.functions.values())


def module_stem(path_or_module: str) -> str:
    """The name a module is imported by: `app/db.py` and `./lib/db` and `app.db` are all
    "db"; an index or __init__ file goes by its directory."""
    text = path_or_module.replace("\\", "/").rstrip("/")
    parts = [p for p in re.split(r"[/]", text) if p not in ("", ".", "..")]
    if not parts:
        return ""
    if "/" not in text and "." in text and not re.search(r"\.[cm]?[jt]sx?$|\.py$", text):
        parts = text.split(".")
    last = re.sub(r"\.(?:[cm]?[jt]sx?|py)$", "", parts[-1])
    if last in ("index", "__init__") and len(parts) > 1:
        last = parts[-2]
    return last.lstrip("@")


def function_key(node: SgNode) -> FunctionKey:
    span = node.range()
    return (span.start.index, span.end.index)


def function_kinds(language: Language) -> tuple[str, ...]:
    return PY_FUNCTION_KINDS if language == "python" else JS_FUNCTION_KINDS


def enclosing_functions(node: SgNode, language: Language) -> list[FunctionKey]:
    """Keys of the functions around a node, innermost first (the node itself when it is a
    function, or a decorated one)."""
    kinds = function_kinds(language)
    own = node.field("definition") if node.kind() == "decorated_definition" else node
    keys = [function_key(own)] if own is not None and own.kind() in kinds else []
    return keys + [function_key(a) for a in node.ancestors() if a.kind() in kinds]


def build_table(root: SgNode, language: Language, path: str) -> FileTable:
    """The file's functions with their handler and cache marks, calls and imported names."""
    table = FileTable(path=path, stem=module_stem(path))
    kinds = function_kinds(language)
    imports = python_imports(root) if language == "python" else js_imports(root)
    nodes = root.find_all(any=[{"kind": kind} for kind in kinds])
    for node in nodes:
        info = FunctionInfo(key=function_key(node), name="")
        if language == "python":
            _describe_python(node, info, path)
        else:
            _describe_js(node, info, path)
        table.functions[info.key] = info
    _collect_calls(root, language, table, imports)
    return table


def _describe_python(node: SgNode, info: FunctionInfo, path: str) -> None:
    name = node.field("name")
    info.name = name.text() if name else ""
    parent = node.parent()
    decorators = []
    if parent is not None and parent.kind() == "decorated_definition":
        decorators = [d.text() for d in parent.children() if d.kind() == "decorator"]
        parent = parent.parent()
    info.cached = any(CACHE_DECORATOR.search(d) for d in decorators)
    params = _python_params(node)
    info.top_level = parent is not None and parent.kind() == "module"
    if (
        any(PY_HANDLER_DECORATOR.search(d) for d in decorators)
        or (info.top_level and _is_views_file(path) and params[:1] == ["request"])
        or (info.top_level and info.name in PY_LAMBDA_NAMES and params[:2] == ["event", "context"])
        or (info.name in PY_VIEW_METHODS and params[1:2] == ["request"] and _in_view_class(parent))
    ):
        info.handler = True


def _python_params(node: SgNode) -> list[str]:
    params = node.field("parameters")
    names = []
    for child in params.named_children() if params else []:
        ident = child if child.kind() == "identifier" else child.find(kind="identifier")
        names.append(ident.text() if ident else "")
    return names


def _is_views_file(path: str) -> bool:
    return bool(re.search(r"(?:^|/)views?(?:\.py$|/)", path))


def _in_view_class(block: SgNode | None) -> bool:
    """True when a method's block belongs to a class whose bases name a view class."""
    cls = block.parent() if block is not None and block.kind() == "block" else None
    if cls is None or cls.kind() != "class_definition":
        return False
    bases = cls.field("superclasses")
    return bases is not None and PY_VIEW_BASES.search(bases.text()) is not None


def _describe_js(node: SgNode, info: FunctionInfo, path: str) -> None:
    parent = node.parent()
    info.name = _js_name(node, parent)
    exported = _js_exported(node, parent)
    info.top_level = exported or _js_module_level(node, parent)
    if parent is not None and parent.kind() == "arguments":
        call = parent.parent()
        callee = call.field("function") if call is not None else None
        if callee is not None and JS_CACHE_WRAPPERS.match(callee.text()):
            info.cached = True
        elif callee is not None and _router_call(callee, parent):
            info.handler = True
    if (
        (JS_ROUTE_FILE.search(path) and exported and info.name in HTTP_VERBS)
        or (JS_API_FILE.search(path) and exported and info.name in JS_SERVERLESS_NAMES)
        or (info.name in ("handler", "exports.handler", "module.exports.handler") and info.top_level)
        or (info.name == "fetch" and _in_default_export(parent))
    ):
        info.handler = True


def _js_name(node: SgNode, parent: SgNode | None) -> str:
    name = node.field("name")
    if name is not None:
        return name.text()
    if parent is None:
        return ""
    if parent.kind() == "variable_declarator":
        target = parent.field("name")
        return target.text() if target else ""
    if parent.kind() == "assignment_expression":
        left = parent.field("left")
        return left.text() if left else ""
    if parent.kind() == "pair":
        key = parent.field("key")
        return key.text() if key else ""
    if parent.kind() == "export_statement":
        return "default"
    return ""


def _js_exported(node: SgNode, parent: SgNode | None) -> bool:
    if parent is None:
        return False
    if parent.kind() == "export_statement":
        return True
    if parent.kind() == "variable_declarator":
        declaration = parent.parent()
        holder = declaration.parent() if declaration is not None else None
        return holder is not None and holder.kind() == "export_statement"
    if parent.kind() == "assignment_expression":
        left = parent.field("left")
        return left is not None and left.text().startswith(("exports.", "module.exports"))
    return False


def _js_module_level(node: SgNode, parent: SgNode | None) -> bool:
    holder = parent
    while holder is not None and holder.kind() in (
        "variable_declarator",
        "lexical_declaration",
        "variable_declaration",
        "export_statement",
    ):
        holder = holder.parent()
    return holder is not None and holder.kind() == "program"


def _router_call(callee: SgNode, arguments: SgNode) -> bool:
    """`app.get('/path', ..., fn)`: a router method whose first argument is a path string
    (or, for `use`, an error middleware taking four parameters)."""
    if callee.kind() != "member_expression":
        return False
    method = callee.field("property")
    if method is None or method.text() not in JS_ROUTER_METHODS:
        return False
    first = arguments.named_children()[:1]
    return bool(first) and first[0].kind() in ("string", "template_string")


def _in_default_export(parent: SgNode | None) -> bool:
    """A `fetch` method of the object a module exports by default (Cloudflare Workers, Deno)."""
    if parent is None or parent.kind() != "object":
        return False
    holder = parent.parent()
    return holder is not None and holder.kind() == "export_statement"


@dataclass
class Imports:
    """Names a file imports: functions (name -> module stem) and module aliases (alias -> stem)."""

    functions: dict[str, str] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)


def _collect_calls(root: SgNode, language: Language, table: FileTable, imports: Imports) -> None:
    """Each call's callee name, added to every function around it (a nested callback runs
    when its parent runs); imported names and module attributes go to `external`."""
    kind = "call" if language == "python" else "call_expression"
    for call in root.find_all(kind=kind):
        callee = call.field("function")
        if callee is None:
            continue
        local, external = _callee(callee, imports)
        if not local and external is None:
            continue
        for key in enclosing_functions(call, language):
            info = table.functions.get(key)
            if info is None:
                continue
            if local:
                info.calls.add(local)
            if external is not None:
                info.external.add(external)


def _callee(callee: SgNode, imports: Imports) -> tuple[str, tuple[str, str] | None]:
    """(a name called in this file, or an imported (stem, name) it resolves to)."""
    kind = callee.kind()
    if kind == "identifier":
        name = callee.text()
        stem = imports.functions.get(name)
        return name, ((stem, name) if stem else None)
    if kind in ("attribute", "member_expression"):
        obj = callee.field("object")
        attr = callee.field("attribute") or callee.field("property")
        if obj is None or attr is None:
            return "", None
        if obj.text() in ("self", "cls", "this"):
            return attr.text(), None
        stem = imports.modules.get(obj.text()) if obj.kind() == "identifier" else None
        if stem:
            return "", (stem, attr.text())
    return "", None


def python_imports(root: SgNode) -> Imports:
    """`from a.b import c as d`: d is a function of module b, or module c itself;
    `import a.b as m`: m is module b."""
    imports = Imports()
    for node in root.find_all(kind="import_from_statement"):
        module = node.field("module_name")
        package = module.text().strip(".") if module is not None else ""
        for child in node.field_children("name"):
            original, alias = _python_alias(child)
            if package:
                imports.functions[alias] = module_stem(package)
            imports.modules[alias] = module_stem(original)
    for node in root.find_all(kind="import_statement"):
        for child in node.field_children("name"):
            original, alias = _python_alias(child)
            if alias and "." not in alias:
                imports.modules[alias] = module_stem(original)
    return imports


def _python_alias(node: SgNode) -> tuple[str, str]:
    if node.kind() == "aliased_import":
        name = node.field("name")
        alias = node.field("alias")
        original = name.text() if name else ""
        return original, alias.text() if alias else original
    return node.text(), node.text()


def js_imports(root: SgNode) -> Imports:
    """ES module imports (named, default, namespace) and `require` bindings, by module stem."""
    imports = Imports()
    for node in root.find_all(kind="import_statement"):
        source = node.field("source")
        clause = next((c for c in node.children() if c.kind() == "import_clause"), None)
        if source is None or clause is None:
            continue
        stem = module_stem(source.text().strip("'\"`"))
        for child in clause.children():
            if child.kind() == "identifier":
                imports.functions[child.text()] = stem
                imports.modules[child.text()] = stem
            elif child.kind() == "namespace_import":
                for ident in child.find_all(kind="identifier"):
                    imports.modules[ident.text()] = stem
            elif child.kind() == "named_imports":
                for spec in child.find_all(kind="import_specifier"):
                    names = spec.find_all(kind="identifier")
                    if names:
                        imports.functions[names[-1].text()] = stem
    for node in root.find_all(pattern="require($MOD)"):
        target = node.parent()
        module = node.get_match("MOD")
        if target is None or module is None or target.kind() != "variable_declarator":
            continue
        stem = module_stem(module.text().strip("'\"`"))
        pattern = target.field("name")
        if pattern is None:
            continue
        if pattern.kind() == "identifier":
            imports.modules[pattern.text()] = stem
            imports.functions[pattern.text()] = stem
        for ident in pattern.find_all(kind="shorthand_property_identifier_pattern"):
            imports.functions[ident.text()] = stem
    return imports


def reachable(tables: Iterable[FileTable]) -> set[tuple[str, FunctionKey]]:
    """Every (path, function) a handler reaches through calls in its file or one import away."""
    tables = list(tables)
    by_stem: dict[str, list[FileTable]] = {}
    for table in tables:
        by_stem.setdefault(table.stem, []).append(table)
    seen: set[tuple[str, FunctionKey]] = set()
    queue: deque[tuple[FileTable, FunctionInfo]] = deque()
    for table in tables:
        for info in table.functions.values():
            if info.handler and not info.cached:
                queue.append((table, info))
    while queue:
        table, info = queue.popleft()
        if (table.path, info.key) in seen:
            continue
        seen.add((table.path, info.key))
        for name in info.calls:
            queue.extend((table, callee) for callee in table.named(name) if not callee.cached)
        for stem, name in info.external:
            for other in by_stem.get(stem, []):
                queue.extend(
                    (other, callee) for callee in other.named(name) if callee.top_level and not callee.cached
                )
    return seen


def on_request_path(
    path: str, chain: list[FunctionKey], table: FileTable, reached: set[tuple[str, FunctionKey]]
) -> bool:
    """Innermost function outward: a cached function stops the walk (made once), a
    reached one means per request; module level is never per request."""
    for key in chain:
        info = table.functions.get(key)
        if info is None:
            continue
        if info.cached:
            return False
        if (path, key) in reached:
            return True
    return False
