"""Plain text of an act tree in the layout of the official text, and of single provisions.

``to_text`` prints one block per printed paragraph, blocks separated by a blank line, so that
``parse_official_text`` reads the output back into the same tree. Notes are printed where the
official text prints them: after the heading of their node (for the act: after its title and
citation line) or after the whole node.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from registry.dates import fold_lookalikes
from registry.model import Lang, Node, Note

#: The words printed for provisions whose wording is not shown.
PHRASES: dict[str, dict[Lang, str]] = {
    "repealed": {"kk": "алып тасталды", "ru": "исключен"},
    "not_held": {
        "kk": "[осы редакцияның мәтіні тізілімде жоқ]",
        "ru": "[текст этой редакции в реестре отсутствует]",
    },
}

_REPEAL_WORDS = re.compile(r"^(?:алып\s+тасталды|исключен[аоы]?\b)", re.I)

_NotesByEid = Mapping[str, list[Note]]


def to_text(root: Node, notes: list[Note], lang: Lang) -> str:
    """The whole act as plain official-like text, notes included."""
    by_eid: dict[str, list[Note]] = {}
    for note in notes:
        by_eid.setdefault(note.eid, []).append(note)
    blocks = _node_blocks(root, lang, by_eid)
    eids = {node.eid for node in root.walk()}
    blocks += [note.text for note in notes if note.eid not in eids]
    return "\n\n".join(blocks) + "\n"


def provision_text(node: Node, lang: Lang) -> str:
    """The full plain text of one provision and its descendants, printed lines joined by "\\n"."""
    return "\n".join(_node_blocks(node, lang, {}))


def _node_blocks(node: Node, lang: Lang, notes: _NotesByEid) -> list[str]:
    own = _own_blocks(node, lang)
    after_heading = _notes(notes, node.eid, "after_heading")
    children = node.children if node.state != "repealed" else []
    if node.type == "act":
        head = [child for child in children if child.type == "preface"]
        rest = [child for child in children if child.type != "preface"]
        blocks = own + _children_blocks(head, lang, notes) + after_heading
        blocks += _children_blocks(rest, lang, notes)
    else:
        blocks = own + after_heading + _children_blocks(children, lang, notes)
    return blocks + _notes(notes, node.eid, "after")


def _children_blocks(children: Iterable[Node], lang: Lang, notes: _NotesByEid) -> list[str]:
    return [block for child in children for block in _node_blocks(child, lang, notes)]


def _notes(notes: _NotesByEid, eid: str, placement: str) -> list[str]:
    return [note.text for note in notes.get(eid, []) if note.placement == placement]


def _own_blocks(node: Node, lang: Lang) -> list[str]:
    if node.type == "act":
        return [node.heading] if node.heading else []
    if node.type == "attachment":
        shown = [node.text, node.heading]
        if node.state != "in_force" and not _states_repeal(node.heading):
            shown.append(PHRASES[node.state][lang])
        return [text for text in shown if text]
    if node.type == "chapter":
        return [_chapter_line(node, lang)]
    lines = _shown_text(node, lang).split("\n")
    label = _label(node)
    if label:
        lines[0] = f"{label} {lines[0]}".rstrip()
    return [line for line in lines if line]


def _shown_text(node: Node, lang: Lang) -> str:
    if node.state == "not_held":
        return PHRASES["not_held"][lang]
    if node.state == "repealed" and not _states_repeal(node.text):
        return PHRASES["repealed"][lang]
    return node.text or ""


def _states_repeal(text: str | None) -> bool:
    return text is not None and bool(_REPEAL_WORDS.match(fold_lookalikes(text)))


def _label(node: Node) -> str:
    if node.num is None:
        return ""
    if node.type == "paragraph":
        return f"{node.num}."
    if node.type == "point":
        return f"{node.num})"
    return ""


def _chapter_line(node: Node, lang: Lang) -> str:
    label = f"{node.num}-тарау." if lang == "kk" else f"Глава {node.num}."
    heading = node.heading
    if node.state == "not_held":
        heading = PHRASES["not_held"][lang]
    elif node.state == "repealed" and not _states_repeal(heading):
        heading = PHRASES["repealed"][lang]
    return f"{label} {heading}" if heading else label
