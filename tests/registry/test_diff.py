"""Tests of registry.diff: hand-made trees, then properties over random trees and edits."""

from __future__ import annotations

import copy
import itertools
import json
import time
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.diff import (
    ProvisionChange,
    TreeDiff,
    WordSegment,
    apply_diff,
    diff_trees,
    to_dict,
    word_diff,
)
from registry.model import Node, NodeState

# --- helpers ---------------------------------------------------------------------------------


def act(*children: Node) -> Node:
    return Node("act", "act", heading="Қаулы", children=list(children))


def para(n: str, text: str | None, *children: Node) -> Node:
    return Node("paragraph", f"para_{n}", num=n, text=text, children=list(children))


def point(parent: str, n: str, text: str | None) -> Node:
    return Node("point", f"para_{parent}__point_{n}", num=n, text=text)


def old_side(segments: tuple[WordSegment, ...]) -> str:
    return "".join(s.text for s in segments if s.op != "insert")


def new_side(segments: tuple[WordSegment, ...]) -> str:
    return "".join(s.text for s in segments if s.op != "delete")


def only(diff: TreeDiff) -> ProvisionChange:
    assert len(diff.changes) == 1, diff.changes
    return diff.changes[0]


def roundtrip(old: Node, new: Node) -> TreeDiff:
    """Diff, check that applying rebuilds ``new`` without touching ``old``, return the diff."""
    before = copy.deepcopy(old.to_dict())
    diff = diff_trees(old, new)
    assert apply_diff(old, diff).to_dict() == new.to_dict()
    assert old.to_dict() == before
    return diff


def base() -> Node:
    return act(
        para("1", "Ережесі бекітілсін."),
        para(
            "2",
            "Мыналар:",
            point("2", "1", "бірінші тармақ;"),
            point("2", "2", "екінші тармақ."),
        ),
        para("3", "Осы қаулы қолданысқа енгізіледі."),
    )


# --- hand-made trees -------------------------------------------------------------------------


def test_identical_trees_give_an_empty_diff() -> None:
    diff = roundtrip(base(), base())
    assert diff.changes == []
    assert to_dict(diff) == {"changes": [], "summary": {"added": 0, "removed": 0, "changed": 0}}


def test_text_change_gives_word_diff() -> None:
    new = base()
    new.children[0].text = "Қағидалары бекітілсін."
    change = only(roundtrip(base(), new))
    assert (change.eid, change.kind, change.type, change.num) == (
        "para_1",
        "changed",
        "paragraph",
        "1",
    )
    assert change.words == (
        WordSegment("delete", "Ережесі"),
        WordSegment("insert", "Қағидалары"),
        WordSegment("equal", " бекітілсін."),
    )
    assert change.heading_words == ()
    assert change.old is not None and change.new is not None
    assert (change.old.parent, change.old.previous) == ("act", None)


def test_inserted_point_is_added_and_its_next_sibling_is_not_changed() -> None:
    new = base()
    new.children[1].children.insert(1, point("2", "1-1", "қосылған тармақ;"))
    change = only(roundtrip(base(), new))
    assert (change.eid, change.kind, change.num) == ("para_2__point_1-1", "added", "1-1")
    assert change.old is None and change.new is not None
    assert (change.new.parent, change.new.previous) == ("para_2", "para_2__point_1")
    assert change.words == (WordSegment("insert", "қосылған тармақ;"),)


def test_insert_as_first_child() -> None:
    new = base()
    new.children[1].children.insert(0, point("2", "0", "нөлінші;"))
    change = only(roundtrip(base(), new))
    assert change.new is not None and change.new.previous is None


def test_repeal_is_a_state_change() -> None:
    new = base()
    new.children[2].state = "repealed"
    new.children[2].text = "алып тасталды"
    change = only(roundtrip(base(), new))
    assert change.kind == "changed"
    assert change.old is not None and change.new is not None
    assert (change.old.state, change.new.state) == ("in_force", "repealed")


def test_state_change_alone_is_a_change() -> None:
    new = base()
    new.children[2].state = "repealed"
    change = only(roundtrip(base(), new))
    assert change.kind == "changed"
    assert change.words == (WordSegment("equal", "Осы қаулы қолданысқа енгізіледі."),)


def test_not_held_to_in_force_with_no_old_text() -> None:
    old = base()
    old.children[0].state, old.children[0].text = "not_held", None
    change = only(roundtrip(old, base()))
    assert change.kind == "changed"
    assert change.old is not None and change.old.text is None
    assert change.words == (WordSegment("insert", "Ережесі бекітілсін."),)


def test_heading_change_has_its_own_word_diff() -> None:
    old, new = base(), base()
    old.children[0].heading = "Жалпы ережелер"
    new.children[0].heading = "Негізгі ережелер"
    change = only(roundtrip(old, new))
    assert change.heading_words == (
        WordSegment("delete", "Жалпы"),
        WordSegment("insert", "Негізгі"),
        WordSegment("equal", " ережелер"),
    )
    assert change.words == (WordSegment("equal", "Ережесі бекітілсін."),)


def test_removed_subtree_lists_every_provision_where_it_stood() -> None:
    new = base()
    del new.children[1]
    new.children.append(para("4", "Жаңа тармақ."))
    diff = roundtrip(base(), new)
    assert [(c.eid, c.kind) for c in diff.changes] == [
        ("para_2", "removed"),
        ("para_2__point_1", "removed"),
        ("para_2__point_2", "removed"),
        ("para_4", "added"),
    ]
    assert diff.summary == {"added": 1, "removed": 3, "changed": 0}


def test_removed_provision_comes_after_the_subtree_of_its_previous_sibling() -> None:
    new = base()
    del new.children[2]
    new.children[0].children.append(point("1", "1", "жаңа;"))
    diff = roundtrip(base(), new)
    assert [(c.eid, c.kind) for c in diff.changes] == [
        ("para_1__point_1", "added"),
        ("para_3", "removed"),
    ]


def test_node_moved_to_another_parent_is_changed() -> None:
    new = base()
    moved = new.children[1].children.pop()
    new.children[0].children.append(moved)
    change = only(roundtrip(base(), new))
    assert (change.eid, change.kind) == ("para_2__point_2", "changed")
    assert change.old is not None and change.new is not None
    assert (change.old.parent, change.new.parent) == ("para_2", "para_1")


def test_reordered_siblings_report_the_fewest_moved() -> None:
    new = base()
    new.children.reverse()  # 3, 2, 1: two of the three must move
    diff = roundtrip(base(), new)
    assert len(diff.changes) == 2
    assert {c.kind for c in diff.changes} == {"changed"}


def test_children_of_a_removed_parent_can_survive_elsewhere() -> None:
    new = base()
    points = new.children[1].children
    del new.children[1]
    new.children[0].children = points
    diff = roundtrip(base(), new)
    assert [(c.eid, c.kind) for c in diff.changes] == [
        ("para_2__point_1", "changed"),
        ("para_2__point_2", "changed"),
        ("para_2", "removed"),
    ]


def test_different_root_eid() -> None:
    new = base()
    new.eid = "act2"
    diff = roundtrip(base(), new)
    assert diff.changes[0].eid == "act" and diff.changes[0].kind == "removed"
    assert diff.changes[1].eid == "act2" and diff.changes[1].kind == "added"


def test_result_shares_no_node_with_old() -> None:
    old = base()
    result = apply_diff(old, diff_trees(old, base()))
    assert not {id(n) for n in result.walk()} & {id(n) for n in old.walk()}


def test_duplicate_eid_is_rejected() -> None:
    tree = act(para("1", "a"), para("1", "b"))
    with pytest.raises(ValueError, match="duplicate eId 'para_1'"):
        diff_trees(tree, base())


def test_diff_does_not_apply_to_another_tree() -> None:
    new = base()
    new.children[0].text = "x"
    diff = diff_trees(base(), new)
    other = base()
    other.children[0].text = "y"
    with pytest.raises(ValueError, match="does not apply"):
        apply_diff(other, diff)


def test_inconsistent_diff_is_rejected() -> None:
    new = base()
    new.children.append(para("4", "x"))
    added = only(diff_trees(base(), new))
    assert added.new is not None
    dangling = replace(added, new=replace(added.new, previous="para_9"))
    with pytest.raises(ValueError, match="not under"):
        apply_diff(base(), TreeDiff([dangling]))
    with pytest.raises(ValueError, match="twice"):
        apply_diff(base(), TreeDiff([added, added]))
    with pytest.raises(ValueError, match="inconsistent"):
        apply_diff(base(), TreeDiff([replace(added, kind="changed")]))


def test_to_dict_is_json_ready() -> None:
    new = base()
    new.children[0].text = "Қағидалары бекітілсін."
    new.children[0].heading = "Тақырып"
    data = to_dict(diff_trees(base(), new))
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["summary"] == {"added": 0, "removed": 0, "changed": 1}
    changes = data["changes"]
    assert isinstance(changes, list) and len(changes) == 1
    change = changes[0]
    assert change == {
        "eid": "para_1",
        "type": "paragraph",
        "num": "1",
        "kind": "changed",
        "old": {
            "type": "paragraph",
            "num": "1",
            "heading": None,
            "text": "Ережесі бекітілсін.",
            "state": "in_force",
            "parent": "act",
            "previous": None,
        },
        "new": {
            "type": "paragraph",
            "num": "1",
            "heading": "Тақырып",
            "text": "Қағидалары бекітілсін.",
            "state": "in_force",
            "parent": "act",
            "previous": None,
        },
        "words": [
            {"op": "delete", "text": "Ережесі"},
            {"op": "insert", "text": "Қағидалары"},
            {"op": "equal", "text": " бекітілсін."},
        ],
        "heading_words": [{"op": "insert", "text": "Тақырып"}],
    }


# --- word diff -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (None, None, ()),
        ("", "", ()),
        ("a b", "a b", (("equal", "a b"),)),
        ("a, b", "a; b", (("equal", "a"), ("delete", ","), ("insert", ";"), ("equal", " b"))),
        ("(a)", "(b)", (("equal", "("), ("delete", "a"), ("insert", "b"), ("equal", ")"))),
        ("бір екі үш", "төрт бес алты", (("delete", "бір екі үш"), ("insert", "төрт бес алты"))),
        (
            "9-1) мәтін",
            "9-2) мәтін",
            (("equal", "9-"), ("delete", "1"), ("insert", "2"), ("equal", ") мәтін")),
        ),
    ],
    ids=["none", "empty", "same", "punctuation", "brackets", "rewording", "number"],
)
def test_word_diff_examples(
    old: str | None, new: str | None, expected: tuple[tuple[str, str], ...]
) -> None:
    segments = word_diff(old, new)
    assert tuple((s.op, s.text) for s in segments) == expected


def test_shared_spaces_do_not_split_a_rewording() -> None:
    segments = word_diff("алты ай ішінде бекітсін", "бір жыл ішінде бекітсін")
    assert segments == (
        WordSegment("delete", "алты ай"),
        WordSegment("insert", "бір жыл"),
        WordSegment("equal", " ішінде бекітсін"),
    )


WORDY = st.lists(
    st.sampled_from(["бір", "екі", "қаулы", "9-1", "a", " ", "  ", "\n", ",", ".", ";", "(", ")"]),
    max_size=20,
).map("".join)
TEXTS = st.one_of(st.none(), st.text(max_size=40), WORDY)


@given(TEXTS, TEXTS)
def test_word_segments_reconstruct_both_texts(old: str | None, new: str | None) -> None:
    segments = word_diff(old, new)
    assert old_side(segments) == (old or "")
    assert new_side(segments) == (new or "")
    assert all(s.text for s in segments)
    assert all(a.op != b.op for a, b in itertools.pairwise(segments))
    assert all((a.op, b.op) != ("insert", "delete") for a, b in itertools.pairwise(segments))


# --- random trees ----------------------------------------------------------------------------

CHILD_TYPES = {"act": ["paragraph"], "paragraph": ["point", "indent"], "point": ["indent"]}
STATES: list[NodeState] = ["in_force", "repealed", "not_held"]
HEADINGS = st.one_of(st.none(), st.sampled_from(["Жалпы ережелер", "Негізгі ережелер"]))


@st.composite
def nodes(draw: st.DrawFn, type_: str, eid: str, depth: int) -> Node:
    state = draw(st.sampled_from(STATES))
    node = Node(
        type=type_,
        eid=eid,
        num=draw(st.one_of(st.none(), st.sampled_from(["1", "2", "9-1"]))),
        heading=draw(HEADINGS),
        text=None if state == "not_held" else draw(TEXTS),
        state=state,
    )
    if depth and type_ in CHILD_TYPES:
        for i in range(draw(st.integers(0, 3))):
            child_type = draw(st.sampled_from(CHILD_TYPES[type_]))
            node.children.append(draw(nodes(child_type, f"{eid}__{child_type}_{i}", depth - 1)))
    return node


def trees() -> st.SearchStrategy[Node]:
    return nodes("act", "act", 3)


@st.composite
def edited(draw: st.DrawFn, tree: Node, moves: bool) -> Node:
    """A copy of ``tree`` after random edits of the kinds legal amendments make."""
    new = copy.deepcopy(tree)
    fresh = itertools.count()
    kinds = ["text", "heading", "state", "insert", "remove"] + (["move"] if moves else [])
    for kind in draw(st.lists(st.sampled_from(kinds), max_size=6)):
        everything = list(new.walk())
        node = draw(st.sampled_from(everything))
        if kind == "text":
            node.text = draw(TEXTS)
        elif kind == "heading":
            node.heading = draw(HEADINGS)
        elif kind == "state":
            node.state = draw(st.sampled_from(STATES))
            if node.state == "not_held":
                node.text = None
        elif kind == "insert" and node.type in CHILD_TYPES:
            child_type = draw(st.sampled_from(CHILD_TYPES[node.type]))
            child = draw(nodes(child_type, f"new_{next(fresh)}", 1))
            node.children.insert(draw(st.integers(0, len(node.children))), child)
        elif kind in ("remove", "move") and node.children:
            taken = node.children.pop(draw(st.integers(0, len(node.children) - 1)))
            if kind == "move":
                hosts = [n for n in new.walk() if n.type in CHILD_TYPES]
                host = draw(st.sampled_from(hosts))
                host.children.insert(draw(st.integers(0, len(host.children))), taken)
    return new


@st.composite
def tree_pairs(draw: st.DrawFn, moves: bool = False) -> tuple[Node, Node]:
    tree = draw(trees())
    return tree, draw(edited(tree, moves))


def positions(tree: Node) -> dict[str, int]:
    return {node.eid: i for i, node in enumerate(tree.walk())}


@given(tree_pairs())
def test_apply_rebuilds_the_new_tree(pair: tuple[Node, Node]) -> None:
    old, new = pair
    diff = roundtrip(old, new)
    assert to_dict(diff)["summary"] == diff.summary


@given(tree_pairs(moves=True))
def test_apply_rebuilds_the_new_tree_even_with_moves(pair: tuple[Node, Node]) -> None:
    roundtrip(*pair)


@given(trees())
def test_diff_of_identical_trees_is_empty(tree: Node) -> None:
    assert diff_trees(tree, copy.deepcopy(tree)).changes == []
    assert apply_diff(tree, TreeDiff([])).to_dict() == tree.to_dict()


@given(tree_pairs())
def test_changes_are_real_and_in_document_order(pair: tuple[Node, Node]) -> None:
    old, new = pair
    diff = diff_trees(old, new)
    in_old, in_new = positions(old), positions(new)
    assert len({c.eid for c in diff.changes}) == len(diff.changes)
    for change in diff.changes:
        assert (change.eid in in_old, change.eid in in_new) == {
            "added": (False, True),
            "removed": (True, False),
            "changed": (True, True),
        }[change.kind]
        if change.old and change.new:  # without moves, a change is never only a new neighbour
            assert replace(change.old, previous=None) != replace(change.new, previous=None)
        assert old_side(change.words) == ((change.old and change.old.text) or "")
        assert new_side(change.words) == ((change.new and change.new.text) or "")
    new_order = [in_new[c.eid] for c in diff.changes if c.new]
    old_order = [in_old[c.eid] for c in diff.changes if c.old]
    assert new_order == sorted(new_order)
    assert old_order == sorted(old_order)


@given(tree_pairs())
def test_unchanged_provisions_are_identical(pair: tuple[Node, Node]) -> None:
    old, new = pair
    listed = {c.eid for c in diff_trees(old, new).changes}
    old_nodes = {n.eid: n for n in old.walk()}
    for node in new.walk():
        if node.eid not in listed:
            before = old_nodes[node.eid]
            assert (node.type, node.num, node.heading, node.text, node.state) == (
                before.type,
                before.num,
                before.heading,
                before.text,
                before.state,
            )


# --- performance -----------------------------------------------------------------------------


def big_tree(paragraphs: int, points: int, version: int) -> Node:
    words = [
        "мемлекеттік",
        "қызмет",
        "көрсету",
        "қағидаларына",
        "сәйкес",
        "жұмыспен",
        "қамту",
        "орталығы",
    ]
    root = Node("act", "act", heading="Қаулы")
    for p in range(paragraphs):
        paragraph = para(str(p), " ".join(words * 2))
        for k in range(points):
            if version and (p * points + k) % 17 == 0:
                continue  # removed in the new version
            text = " ".join(words[(k + i) % len(words)] for i in range(25))
            if version and (p + k) % 7 == 0:
                text = text.replace("қызмет", "қызметтер", 1) + " өзгертілді"
            paragraph.children.append(point(str(p), str(k), text))
            if version and k % 11 == 0:
                paragraph.children.append(point(str(p), f"{k}-1", "жаңа тармақша"))
        root.children.append(paragraph)
    return root


def test_two_thousand_nodes_diff_and_apply_quickly() -> None:
    old, new = big_tree(100, 20, 0), big_tree(100, 20, 1)
    assert sum(1 for _ in old.walk()) > 2000
    start = time.perf_counter()
    diff = diff_trees(old, new)
    rebuilt = apply_diff(old, diff)
    elapsed = time.perf_counter() - start
    assert rebuilt.to_dict() == new.to_dict()
    assert diff.summary["changed"] > 200
    assert elapsed < 1.0
