"""Which fields a template uses, including the fields of the items it loops over.

``PlanTemplate.fields()`` answers "which names must the mapping provide"; someone writing a
mapping for a new IEP export also needs to know which *item* fields a loop reads, e.g. that
``{%tr for g in goals %}{{ g.area }}`` wants goals whose items have an ``area``. Those are
written ``goals[].area``: the list, ``[]`` for "each item", then the item field.

The analysis walks the Jinja syntax tree of every template part. A loop over a name (or over an
item field, for nested lists) binds its loop variable to that list; attribute or key access on a
loop variable is an item field. Method calls (``g.text.upper()``) and ``loop.index`` are not.
"""

from __future__ import annotations

from jinja2 import nodes

from generator.jinja import make_environment
from generator.template.loader import PlanTemplate

ITEM = "[]"


def template_fields(template: PlanTemplate) -> list[str]:
    """Top-level fields and loop item fields (``goals[].area``), sorted, one name each."""
    names = set(template.fields())
    environment = make_environment(autoescape=True)
    for part in template.parts:
        names |= item_fields(environment.parse(part.xml))
    return sorted(names)


def item_fields(tree: nodes.Node) -> set[str]:
    """``list[].field`` paths read through loop variables anywhere in a parsed template."""
    found: set[str] = set()
    _walk(tree, {}, found)
    return found


def required_item_fields(template: PlanTemplate) -> set[str]:
    """The item fields a template reads with no fallback: not through ``|default``, never asked ``is
    defined``. A records field must give each of these (``services[].location``), or every plan fails
    to render; ``plangen check`` says so at the mapping's line, before any plan is written."""
    environment = make_environment(autoescape=True)
    names: set[str] = set()
    for part in template.parts:
        tree = environment.parse(part.xml)
        guarded: set[str] = set()
        found: set[str] = set()
        _walk(tree, {}, found, guarded)
        names |= found - guarded
    return names


_FALLBACK_FILTERS = ("default", "d")
_FALLBACK_TESTS = ("defined", "undefined")


def _walk(node: nodes.Node, scope: dict[str, str], found: set[str], guarded: set[str] | None = None) -> None:
    """Collect item field paths into ``found``; with ``guarded``, paths read behind a fallback go there and
    are not collected from that place."""
    if isinstance(node, nodes.For):
        _walk_for(node, scope, found, guarded)
        return
    if guarded is not None and _is_fallback(node):
        path = _path(node.node, scope)  # type: ignore[attr-defined]
        if path is not None:
            guarded.add(path)
        for child in node.iter_child_nodes():
            if child is not node.node:  # type: ignore[attr-defined]
                _walk(child, scope, found, guarded)
        return
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
        # g.text.upper(): 'upper' is a method, not an item field; the object it is called on may be one.
        _walk(node.node.node, scope, found, guarded)
        for argument in (*node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs):
            if argument is not None:
                _walk(argument, scope, found, guarded)
        return
    if isinstance(node, (nodes.Getattr, nodes.Getitem)):
        path = _path(node, scope)
        if path is not None and ITEM in path and not path.endswith(ITEM):
            found.add(path)
    for child in node.iter_child_nodes():
        _walk(child, scope, found, guarded)


def _is_fallback(node: nodes.Node) -> bool:
    """``x|default(...)`` or ``x is defined``: reading ``x`` there cannot fail."""
    if isinstance(node, nodes.Filter):
        return node.name in _FALLBACK_FILTERS and node.node is not None
    return isinstance(node, nodes.Test) and node.name in _FALLBACK_TESTS


def _walk_for(node: nodes.For, scope: dict[str, str], found: set[str], guarded: set[str] | None = None) -> None:
    """The loop's body sees its variable as 'an item of' the list it iterates over."""
    _walk(node.iter, scope, found, guarded)
    inner = dict(scope)
    listed = _path(node.iter, scope)
    if isinstance(node.target, nodes.Name) and listed is not None:
        inner[node.target.name] = listed + ITEM
        if ITEM in listed:
            found.add(listed)  # a list inside each item, e.g. goals[].objectives
    else:  # for k, v in ...: these names shadow any outer loop variable of the same name
        for name in node.target.find_all(nodes.Name):
            inner.pop(name.name, None)
    for child in (*node.body, *([node.test] if node.test is not None else [])):
        _walk(child, inner, found, guarded)
    for child in node.else_:
        _walk(child, scope, found, guarded)


def _path(node: nodes.Node, scope: dict[str, str]) -> str | None:
    """The field path an expression reads (``goals``, ``goals[].area``), or None if it is not one."""
    if isinstance(node, nodes.Name):
        return scope.get(node.name, node.name)
    if isinstance(node, nodes.Getattr):
        base = _path(node.node, scope)
        return None if base is None else f"{base}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        base = _path(node.node, scope)
        if base is None:
            return None
        key = node.arg
        if isinstance(key, nodes.Const) and isinstance(key.value, str):
            return f"{base}.{key.value}"
        if isinstance(key, nodes.Slice):
            return base
        return base + ITEM  # goals[0]: one item of goals
    if isinstance(node, nodes.Filter):  # goals|sort(attribute='number') is still goals
        return None if node.node is None else _path(node.node, scope)
    if isinstance(node, (nodes.Or, nodes.And)):  # goals or ['']
        return _path(node.left, scope) or _path(node.right, scope)
    if isinstance(node, nodes.CondExpr):
        return _path(node.expr1, scope) or (_path(node.expr2, scope) if node.expr2 is not None else None)
    return None


def looped_fields(template: PlanTemplate) -> set[str]:
    """Top-level fields the template treats as lists: looped over (``for g in goals``) or searched
    (``'Modify/adapt' in approaches``). A text there would loop over its letters, so these must be lists."""
    found: set[str] = set()
    environment = make_environment(autoescape=True)
    for part in template.parts:
        tree = environment.parse(part.xml)
        iterated = [node.iter for node in tree.find_all(nodes.For)]
        searched = [op.expr for node in tree.find_all(nodes.Compare) for op in node.ops if op.op in ("in", "notin")]
        for expression in iterated + searched:
            path = _path(expression, {})
            if path is not None and "." not in path and ITEM not in path:
                found.add(path)
    return found
