"""Between trees and the flat rows they are stored as.

A row's ``sort_key`` orders it among its siblings and keeps document order under inserted
provisions: the original children of a node get ``parent/0001``, ``parent/0002``…; a provision
inserted after X gets ``X~<its number, zero-padded>``, which sorts after X and before X's next
original sibling whatever order insertions were entered in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from registry.model import Node, NodeState

_NUM_PART = re.compile(r"\d+|\D+")


@dataclass(frozen=True)
class FlatNode:
    eid: str
    parent_eid: str | None
    sort_key: str
    type: str
    num: str | None
    heading: str | None
    text: str | None
    state: str


def flatten(root: Node, *, parent_eid: str | None = None, sort_key: str = "") -> Iterator[FlatNode]:
    """The node and its descendants in document order."""
    yield _flat(root, parent_eid, sort_key)
    for index, child in enumerate(root.children, start=1):
        yield from flatten(child, parent_eid=root.eid, sort_key=f"{sort_key}/{index:04d}")


def inserted_key(after_key: str, num: str | None) -> str:
    return f"{after_key}~{num_key(num or '')}"


def num_key(num: str) -> str:
    """ "9-1" → "0009-0001": numbers compare by value inside a string sort."""
    return "".join(p.zfill(4) if p.isdigit() else p for p in _NUM_PART.findall(num))


def child_key(parent_key: str, index: int) -> str:
    return f"{parent_key}/{index:04d}"


def _flat(node: Node, parent_eid: str | None, sort_key: str) -> FlatNode:
    return FlatNode(
        node.eid, parent_eid, sort_key, node.type, node.num, node.heading, node.text, node.state
    )


class RowLike(Protocol):
    @property
    def eid(self) -> str: ...
    @property
    def parent_eid(self) -> str | None: ...
    @property
    def type(self) -> str: ...
    @property
    def num(self) -> str | None: ...
    @property
    def heading(self) -> str | None: ...
    @property
    def text(self) -> str | None: ...
    @property
    def state(self) -> str: ...


def build_tree(rows: Iterable[RowLike], root_eid: str = "act") -> Node | None:
    """Assemble rows (in sort-key order) into a tree; ``absent`` rows and orphans are dropped."""
    nodes: dict[str, Node] = {}
    parents: list[tuple[str | None, Node]] = []
    for row in rows:
        if row.state == "absent":
            continue
        state: NodeState = row.state  # type: ignore[assignment]
        node = Node(row.type, row.eid, row.num, row.heading, row.text, [], state)
        nodes[row.eid] = node
        parents.append((row.parent_eid, node))
    for parent_eid, node in parents:
        parent = nodes.get(parent_eid) if parent_eid is not None else None
        if parent is not None:
            parent.children.append(node)
    return nodes.get(root_eid)
