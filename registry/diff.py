"""The difference between two versions of an act tree, and its application to the older one.

Provisions are matched by eId, which never changes when the wording does (docs/tree.md). A
provision is *added* or *removed* when its eId is on one side only, and *changed* when its own
fields (type, num, heading, text, state) or its parent differ. Inserting or removing a sibling
does not make a provision changed even though its previous sibling is then different.

Legal trees never move or reorder provisions, but the diff stays exact if they do: a provision
whose parent differs is reported as changed, and so are the fewest siblings that must be moved
to turn the old order of a parent's children into the new one. :func:`apply_diff` places every
changed and added provision after its new previous sibling, so it rebuilds the new order either
way.

The module is pure: no I/O, no web framework.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from difflib import SequenceMatcher
from typing import Literal, NamedTuple

from registry.model import Node, NodeState

ChangeKind = Literal["added", "removed", "changed"]
WordOp = Literal["equal", "insert", "delete"]

CHANGE_KINDS: tuple[ChangeKind, ...] = ("added", "removed", "changed")


@dataclass(frozen=True)
class WordSegment:
    op: WordOp
    text: str


@dataclass(frozen=True)
class ProvisionSnapshot:
    """A provision's own fields and its place in one version of the tree.

    ``parent`` is None for the root; ``previous`` is the eId of the sibling right before it, None
    for a first child.
    """

    type: str
    num: str | None
    heading: str | None
    text: str | None
    state: NodeState
    parent: str | None
    previous: str | None


@dataclass(frozen=True)
class ProvisionChange:
    """One added, removed or changed provision.

    ``type`` and ``num`` are the new ones, or the old ones of a removed provision. ``words`` is the
    inline diff of the text (None counts as ""); ``heading_words`` that of the heading, empty when
    the heading did not change.
    """

    eid: str
    type: str
    num: str | None
    kind: ChangeKind
    old: ProvisionSnapshot | None
    new: ProvisionSnapshot | None
    words: tuple[WordSegment, ...]
    heading_words: tuple[WordSegment, ...] = ()


@dataclass(frozen=True)
class TreeDiff:
    """Changes in document order: that of the new tree, removed provisions where they stood."""

    changes: list[ProvisionChange] = field(default_factory=list)

    @property
    def summary(self) -> dict[ChangeKind, int]:
        counts = dict.fromkeys(CHANGE_KINDS, 0)
        for change in self.changes:
            counts[change.kind] += 1
        return counts


# --- word diff -------------------------------------------------------------------------------

#: Words, runs of whitespace and single punctuation marks; together they are the whole text.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_WORD = re.compile(r"\w")


class _Run(NamedTuple):
    """A stretch of the alignment: equal on both sides, or old words replaced by new ones."""

    equal: bool
    old: str
    new: str


def word_diff(old: str | None, new: str | None) -> tuple[WordSegment, ...]:
    """Word-level diff: equal+delete segments join to ``old``, equal+insert ones to ``new``.

    None counts as the empty text. Within a change, deleted words come before inserted ones.
    """
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    head = _common_prefix(a, b)
    tail = _common_prefix(a[head:][::-1], b[head:][::-1])
    middle = _aligned(a[head : len(a) - tail], b[head : len(b) - tail])
    prefix, suffix = "".join(a[:head]), "".join(a[len(a) - tail :])
    runs = [_Run(True, prefix, prefix), *middle, _Run(True, suffix, suffix)]
    return tuple(_segments(_absorb_separators(runs)))


def _common_prefix(a: list[str], b: list[str]) -> int:
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def _aligned(a: list[str], b: list[str]) -> list[_Run]:
    """Runs aligning two token lists that differ at both ends.

    SequenceMatcher is quadratic in the worst case, and the common ends trimmed before calling
    this usually leave only a few words: an amendment rarely rewrites a whole provision.
    """
    return [
        _Run(tag == "equal", "".join(a[i1:i2]), "".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    ]


def _absorb_separators(runs: list[_Run]) -> list[_Run]:
    """Merge neighbouring runs of a kind, folding a separator left equal between two changes.

    Without the folding, rewording a whole sentence would read as word-by-word replacements held
    together by the spaces the two wordings happen to share.
    """
    out: list[_Run] = []
    for i, run in enumerate(runs):
        between_changes = (
            bool(out) and not out[-1].equal and i + 1 < len(runs) and not runs[i + 1].equal
        )
        if run.equal and between_changes and _is_separator(run):
            run = _Run(False, run.old, run.new)
        if out and out[-1].equal == run.equal:
            out[-1] = _Run(run.equal, out[-1].old + run.old, out[-1].new + run.new)
        else:
            out.append(run)
    return out


def _is_separator(run: _Run) -> bool:
    return _WORD.search(run.old) is None


def _segments(runs: Iterable[_Run]) -> Iterator[WordSegment]:
    for run in runs:
        if run.equal:
            if run.old:
                yield WordSegment("equal", run.old)
            continue
        if run.old:
            yield WordSegment("delete", run.old)
        if run.new:
            yield WordSegment("insert", run.new)


# --- indexing a tree -------------------------------------------------------------------------


@dataclass
class _Index:
    """A tree by eId. ``children[None]`` holds the root, so the root is a child like any other."""

    nodes: dict[str, Node] = field(default_factory=dict)
    parent: dict[str, str | None] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)
    children: dict[str | None, list[str]] = field(default_factory=dict)

    def snapshot(self, eid: str) -> ProvisionSnapshot:
        node, parent, position = self.nodes[eid], self.parent[eid], self.position[eid]
        return ProvisionSnapshot(
            type=node.type,
            num=node.num,
            heading=node.heading,
            text=node.text,
            state=node.state,
            parent=parent,
            previous=self.children[parent][position - 1] if position else None,
        )

    def is_child_of(self, eid: str, parent: str | None) -> bool:
        return eid in self.nodes and self.parent[eid] == parent


def _index(root: Node) -> _Index:
    """Index a tree; eIds must be unique within it."""
    index = _Index(children={None: [root.eid]})
    stack: list[tuple[Node, str | None, int]] = [(root, None, 0)]
    while stack:
        node, parent, position = stack.pop()
        if node.eid in index.nodes:
            raise ValueError(f"duplicate eId {node.eid!r} in tree")
        index.nodes[node.eid] = node
        index.parent[node.eid] = parent
        index.position[node.eid] = position
        index.children[node.eid] = [child.eid for child in node.children]
        stack.extend((child, node.eid, i) for i, child in reversed(list(enumerate(node.children))))
    return index


# --- diff ------------------------------------------------------------------------------------


def diff_trees(old: Node, new: Node) -> TreeDiff:
    """The changes that turn ``old`` into ``new``; eIds must be unique within each tree."""
    a, b = _index(old), _index(new)
    moved = _moved(a, b)
    changes = (_change(a, b, eid, moved) for eid in _merged_order(a, b))
    return TreeDiff([change for change in changes if change is not None])


def _change(a: _Index, b: _Index, eid: str, moved: set[str]) -> ProvisionChange | None:
    old = a.snapshot(eid) if eid in a.nodes else None
    new = b.snapshot(eid) if eid in b.nodes else None
    if old is not None and new is not None:
        if eid not in moved and _placeless(old) == _placeless(new):
            return None
        kind: ChangeKind = "changed"
    else:
        kind = "added" if new is not None else "removed"
    shown = new if new is not None else old
    assert shown is not None, "every merged eId is in one of the trees"
    old_heading = old.heading if old else None
    new_heading = new.heading if new else None
    return ProvisionChange(
        eid=eid,
        type=shown.type,
        num=shown.num,
        kind=kind,
        old=old,
        new=new,
        words=word_diff(old.text if old else None, new.text if new else None),
        heading_words=word_diff(old_heading, new_heading) if old_heading != new_heading else (),
    )


def _placeless(snapshot: ProvisionSnapshot) -> ProvisionSnapshot:
    """The snapshot without its previous sibling, which changes whenever a sibling comes or goes."""
    return replace(snapshot, previous=None)


def _moved(a: _Index, b: _Index) -> set[str]:
    """Provisions kept under the same parent but out of their old order among the kept ones.

    The kept siblings in the longest run that is in old order stay; the others count as moved.
    """
    moved: set[str] = set()
    for parent, kids in b.children.items():
        kept = [kid for kid in kids if a.is_child_of(kid, parent)]
        old_positions = [a.position[kid] for kid in kept]
        if old_positions == sorted(old_positions):
            continue
        staying = _longest_increasing(old_positions)
        moved.update(kid for i, kid in enumerate(kept) if i not in staying)
    return moved


def _longest_increasing(values: list[int]) -> set[int]:
    """Indices of one longest strictly increasing subsequence (patience sorting, n log n)."""
    tails: list[int] = []  # smallest last value of an increasing run of each length
    tail_index: list[int] = []
    back = [-1] * len(values)
    for i, value in enumerate(values):
        length = bisect_left(tails, value)
        if length == len(tails):
            tails.append(value)
            tail_index.append(i)
        else:
            tails[length] = value
            tail_index[length] = i
        back[i] = tail_index[length - 1] if length else -1
    indices: set[int] = set()
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        indices.add(i)
        i = back[i]
    return indices


def _merged_order(a: _Index, b: _Index) -> Iterator[str]:
    """Every eId of both trees once, depth first: the new tree with the removed ones interleaved."""
    stack = list(reversed(_merged_children(a, b, None)))
    while stack:
        eid = stack.pop()
        yield eid
        stack.extend(reversed(_merged_children(a, b, eid)))


def _merged_children(a: _Index, b: _Index, eid: str | None) -> list[str]:
    """The new children of ``eid``, each removed old child right after the kept sibling it followed.

    A removed provision keeps only its removed children: the others now stand elsewhere.
    """
    old_kids = a.children.get(eid, [])
    if eid is not None and eid not in b.nodes:
        return [kid for kid in old_kids if kid not in b.nodes]
    removed_after: dict[str | None, list[str]] = {}
    anchor: str | None = None
    for kid in old_kids:
        if kid not in b.nodes:
            removed_after.setdefault(anchor, []).append(kid)
        elif b.parent[kid] == eid:
            anchor = kid
    merged = list(removed_after.get(None, []))
    for kid in b.children[eid]:
        merged.append(kid)
        merged.extend(removed_after.get(kid, []))
    return merged


# --- apply -----------------------------------------------------------------------------------


def apply_diff(old: Node, diff: TreeDiff) -> Node:
    """Build the new tree from ``old`` and ``diff`` (as made by :func:`diff_trees` from ``old``).

    ``old`` is not modified and shares no node with the result. Raises ValueError when the diff
    was not made from this tree.
    """
    base = _index(old)
    _check_applies(base, diff)
    changed = {change.eid: change for change in diff.changes}
    content = {eid: base.snapshot(eid) for eid in base.nodes if eid not in changed}
    content.update({c.eid: c.new for c in diff.changes if c.new is not None})

    order = _SiblingOrder()
    for parent, kids in base.children.items():
        order.extend(parent, [kid for kid in kids if kid not in changed])
    for change in diff.changes:  # document order: a previous sibling is placed before its next
        if change.new is not None:
            order.insert(change.eid, change.new.parent, change.new.previous)
    return _build(content, order)


def _check_applies(base: _Index, diff: TreeDiff) -> None:
    seen: set[str] = set()
    for change in diff.changes:
        if change.eid in seen:
            raise ValueError(f"diff lists {change.eid!r} twice")
        seen.add(change.eid)
        expected_old = base.snapshot(change.eid) if change.eid in base.nodes else None
        if change.old != expected_old:
            raise ValueError(f"diff does not apply: {change.eid!r} differs from the diffed tree")
        if not _kind_fits(change):
            raise ValueError(f"diff is inconsistent: {change.kind} {change.eid!r}")


def _kind_fits(change: ProvisionChange) -> bool:
    added, removed = change.kind == "added", change.kind == "removed"
    return (change.old is None) == added and (change.new is None) == removed


class _SiblingOrder:
    """Children lists as linked lists, so that inserting after a given sibling is O(1)."""

    def __init__(self) -> None:
        self._first: dict[str | None, str | None] = {}
        self._next: dict[str, str | None] = {}
        self._parent: dict[str, str | None] = {}

    def extend(self, parent: str | None, eids: list[str]) -> None:
        previous: str | None = None
        for eid in eids:
            self.insert(eid, parent, previous)
            previous = eid

    def insert(self, eid: str, parent: str | None, previous: str | None) -> None:
        if eid in self._parent:
            raise ValueError(f"diff places {eid!r} twice")
        if previous is None:
            self._next[eid] = self._first.get(parent)
            self._first[parent] = eid
        elif previous in self._parent and self._parent[previous] == parent:
            self._next[eid] = self._next[previous]
            self._next[previous] = eid
        else:
            raise ValueError(
                f"diff places {eid!r} after {previous!r}, which is not under {parent!r}"
            )
        self._parent[eid] = parent

    def children(self, parent: str | None) -> Iterator[str]:
        eid = self._first.get(parent)
        while eid is not None:
            yield eid
            eid = self._next[eid]


def _build(content: dict[str, ProvisionSnapshot], order: _SiblingOrder) -> Node:
    nodes = {
        eid: Node(type=s.type, eid=eid, num=s.num, heading=s.heading, text=s.text, state=s.state)
        for eid, s in content.items()
    }
    for eid, node in nodes.items():
        node.children = [nodes[kid] for kid in order.children(eid)]
    roots = list(order.children(None))
    if len(roots) != 1:
        raise ValueError(f"diff leaves {len(roots)} roots")
    root = nodes[roots[0]]
    if sum(1 for _ in _iter_nodes(root)) != len(nodes):
        raise ValueError("diff leaves provisions outside the tree")
    return root


def _iter_nodes(root: Node) -> Iterator[Node]:
    """Like Node.walk, without recursion."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


# --- JSON ------------------------------------------------------------------------------------


def to_dict(diff: TreeDiff) -> dict[str, object]:
    """A JSON-ready form: the changes and how many there are of each kind."""
    return {
        "changes": [_change_dict(change) for change in diff.changes],
        "summary": dict(diff.summary),
    }


def _change_dict(change: ProvisionChange) -> dict[str, object]:
    return {
        "eid": change.eid,
        "type": change.type,
        "num": change.num,
        "kind": change.kind,
        "old": asdict(change.old) if change.old is not None else None,
        "new": asdict(change.new) if change.new is not None else None,
        "words": [asdict(segment) for segment in change.words],
        "heading_words": [asdict(segment) for segment in change.heading_words],
    }
