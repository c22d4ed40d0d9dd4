"""Who may do what: the one authorization policy of Kense.

Every HTTP route and every CLI command is listed here with the action it performs; the web edge
(app.py) and the CLI (app.py) look the action up and ask ``authorize`` before anything else runs,
so the refusal order is always 401 (nobody signed in) → 403 (not allowed) → 422 (invalid input).
A route or command missing from the tables is refused at start-up, and the authorization matrix
test enumerates the app's routes against them.

Roles are held per issuing body (``registry.documents.ISSUING_BODIES``). Actions on a document
are checked against the document's issuing body; actions on acts against the department, whose
legal staff draft the akimat's acts. The local operator (the CLI without ``--as``) holds every
role: whoever can read the data directory can change the database anyway (design.md §2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from registry.documents import ISSUING_BODIES
from registry.errors import Forbidden, Unauthenticated

ROLES = ("reader", "drafter", "signer", "registrar", "administrator")
BODIES = tuple(ISSUING_BODIES)
DEFAULT_BODY = "department"


class Action(StrEnum):
    READ = "acts.read"
    READ_DRAFTS = "drafts.read"
    SEARCH = "search"
    SESSION = "session"
    IMPORT = "acts.import"
    AMEND = "acts.amend"
    LIFECYCLE = "acts.lifecycle"
    DECISIONS = "decisions.add"
    TEMPLATES_READ = "templates.read"
    TEMPLATES_MANAGE = "templates.manage"
    DOCUMENTS_READ = "documents.read"
    DOCUMENTS_DRAFT = "documents.draft"
    DOCUMENTS_FINALISE = "documents.finalise"
    DOCUMENTS_VOID = "documents.void"
    DOCUMENTS_ADOPT = "documents.adopt"
    SIGN = "documents.sign"
    VERIFY = "signatures.verify"
    AUDIT = "audit.read"
    USERS = "users.manage"
    SEARCH_ADMIN = "search.admin"
    OPERATE = "system.operate"


#: What anyone may do, signed in or not: read published acts, search them, sign in.
PUBLIC = frozenset({Action.READ, Action.SEARCH, Action.SESSION, Action.VERIFY})
_STAFF = frozenset({Action.READ_DRAFTS, Action.TEMPLATES_READ, Action.DOCUMENTS_READ})
GRANTS: Mapping[str, frozenset[Action]] = {
    "reader": PUBLIC,
    "drafter": PUBLIC
    | _STAFF
    | {
        Action.IMPORT,
        Action.AMEND,
        Action.DECISIONS,
        Action.DOCUMENTS_DRAFT,
        Action.DOCUMENTS_FINALISE,
    },
    "signer": PUBLIC | _STAFF | {Action.DOCUMENTS_FINALISE, Action.DOCUMENTS_VOID, Action.SIGN},
    "registrar": PUBLIC
    | _STAFF
    | {Action.LIFECYCLE, Action.DECISIONS, Action.DOCUMENTS_VOID, Action.DOCUMENTS_ADOPT},
    "administrator": PUBLIC
    | _STAFF
    | {Action.AUDIT, Action.USERS, Action.SEARCH_ADMIN, Action.TEMPLATES_MANAGE},
}
#: Actions only the local operator performs (they act on the installation, not on records).
OPERATOR_ONLY = frozenset({Action.OPERATE})

Kind = Literal["anonymous", "user", "operator"]


@dataclass(frozen=True)
class Principal:
    """Who is asking: nobody, a user (by session or token), or the local operator."""

    name: str
    kind: Kind
    roles: frozenset[tuple[str, str]] = frozenset()  # (body, role)
    via: str = "none"
    token_id: int | None = None

    @property
    def authenticated(self) -> bool:
        return self.kind != "anonymous"

    @property
    def actor(self) -> str:
        """The name the audit trail records."""
        return self.name if self.kind == "operator" else f"user:{self.name}"

    def can(self, action: Action, body: str | None = None) -> bool:
        """Whether the action is allowed, for ``body`` or (None) for at least one body."""
        if self.kind == "operator" or action in PUBLIC:
            return True
        return any(
            action in GRANTS[role] and (body is None or held == body) for held, role in self.roles
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "via": self.via,
            "roles": [{"body": b, "role": r} for b, r in sorted(self.roles)],
        }


ANONYMOUS = Principal("anonymous", "anonymous")


def operator(name: str) -> Principal:
    return Principal(name, "operator", via="cli")


def authorize(principal: Principal, action: Action, body: str | None = None) -> None:
    """Refuse with 401 when nobody is signed in, 403 when the principal may not act."""
    if principal.can(action, body):
        return
    if not principal.authenticated:
        raise Unauthenticated(
            "sign in first: send 'Authorization: Bearer <token>' or log in at /login"
        )
    where = f" for {body}" if body else ""
    raise Forbidden(f"{principal.name} may not perform {action.value}{where}")


def authorize_bodies(principal: Principal, action: Action, bodies: Iterable[str]) -> None:
    """``authorize`` for each body: managing accounts is per issuing body (an administrator
    of the akimat grants the akimat's roles, not the department's)."""
    for body in sorted(set(bodies)):
        authorize(principal, action, body)


# --- what each route and command does ------------------------------------------------------------

#: How a route's issuing body is found: from the document or template it names, or the
#: department for acts (its legal staff draft the akimat's acts; design.md §1).
Scope = Literal["document", "template", "department"]


@dataclass(frozen=True)
class Rule:
    action: Action
    scope: Scope | None = None


def _act_post(view_args: Mapping[str, str]) -> Rule:
    """POST /acts/<uri>/amendments drafts; /publication and /events record the lifecycle."""
    tail = view_args.get("tail", "").rstrip("/")
    if tail.endswith("/amendments"):
        return Rule(Action.AMEND, "department")
    return Rule(Action.LIFECYCLE, "department")


RouteRule = Rule | Callable[[Mapping[str, str]], Rule]

#: (endpoint, method) → rule. HEAD and OPTIONS follow GET.
ROUTES: Mapping[tuple[str, str], RouteRule] = {
    ("healthz", "GET"): Rule(Action.READ),
    ("readyz", "GET"): Rule(Action.READ),
    ("openapi", "GET"): Rule(Action.READ),
    ("registry_pages.static", "GET"): Rule(Action.READ),
    ("documents_pages.static", "GET"): Rule(Action.READ),
    ("registry_pages.home", "GET"): Rule(Action.READ),
    ("registry_pages.act_list", "GET"): Rule(Action.READ),
    ("registry_pages.act_page", "GET"): Rule(Action.READ),
    ("registry_pages.login_page", "GET"): Rule(Action.SESSION),
    ("registry_pages.login", "POST"): Rule(Action.SESSION),
    ("registry_pages.logout", "POST"): Rule(Action.SESSION),
    ("registry_pages.audit_page", "GET"): Rule(Action.AUDIT),
    ("registry_api.list_acts", "GET"): Rule(Action.READ),
    ("registry_api.create_act", "POST"): Rule(Action.IMPORT, "department"),
    ("registry_api.act", "GET"): Rule(Action.READ),
    ("registry_api.act", "POST"): _act_post,
    ("registry_api.upload_decision", "POST"): Rule(Action.DECISIONS, "department"),
    ("registry_api.act_files", "GET"): Rule(Action.READ),
    ("registry_api.act_file", "GET"): Rule(Action.READ),
    ("registry_api.session_info", "GET"): Rule(Action.SESSION),
    ("registry_api.session_login", "POST"): Rule(Action.SESSION),
    ("registry_api.session_logout", "DELETE"): Rule(Action.SESSION),
    ("registry_api.audit_api", "GET"): Rule(Action.AUDIT),
    ("registry_api.users_api", "GET"): Rule(Action.USERS),
    ("registry_api.add_user", "POST"): Rule(Action.USERS),
    ("registry_api.user_roles", "PUT"): Rule(Action.USERS),
    ("registry_api.create_token", "POST"): Rule(Action.USERS),
    ("registry_api.revoke_token", "DELETE"): Rule(Action.USERS),
    ("search_api.search_api", "GET"): Rule(Action.SEARCH),
    ("search_pages.search_page", "GET"): Rule(Action.SEARCH),
    ("documents_api.templates_api", "GET"): Rule(Action.TEMPLATES_READ),
    ("documents_api.template_api", "GET"): Rule(Action.TEMPLATES_READ, "template"),
    ("documents_api.validate_api", "POST"): Rule(Action.TEMPLATES_READ, "template"),
    ("documents_api.upload_template_api", "PUT"): Rule(Action.TEMPLATES_MANAGE, "template"),
    ("documents_api.preview_api", "POST"): Rule(Action.DOCUMENTS_DRAFT, "template"),
    ("documents_api.documents_api", "GET"): Rule(Action.DOCUMENTS_READ),
    ("documents_api.create_document_api", "POST"): Rule(Action.DOCUMENTS_DRAFT),
    ("documents_api.document_api", "GET"): Rule(Action.DOCUMENTS_READ, "document"),
    ("documents_api.document_file_api", "GET"): Rule(Action.DOCUMENTS_READ, "document"),
    ("documents_api.finalise_api", "POST"): Rule(Action.DOCUMENTS_FINALISE, "document"),
    ("documents_api.void_api", "POST"): Rule(Action.DOCUMENTS_VOID, "document"),
    ("documents_api.adopt_api", "POST"): Rule(Action.DOCUMENTS_ADOPT, "document"),
    ("documents_pages.new_document_page", "GET"): Rule(Action.DOCUMENTS_DRAFT),
    ("signing_api.sign_api", "POST"): Rule(Action.SIGN, "document"),
    ("signing_api.verify_api", "POST"): Rule(Action.VERIFY),
    ("signing_pages.verify_page", "GET"): Rule(Action.VERIFY),
    ("signing_pages.document_verify_page", "GET"): Rule(Action.VERIFY),
    ("signing_pages.verify_upload_page", "POST"): Rule(Action.VERIFY),
    ("signing_pages.sign_page", "GET"): Rule(Action.SIGN, "document"),
    ("signing_pages.sign_form", "POST"): Rule(Action.SIGN, "document"),
}


def route_rule(endpoint: str, method: str, view_args: Mapping[str, str]) -> Rule | None:
    """The rule of a route; None for a route the policy does not know (refused)."""
    if method in ("HEAD", "OPTIONS"):
        method = "GET"
    rule = ROUTES.get((endpoint, method))
    if rule is None or isinstance(rule, Rule):
        return rule
    return rule(view_args)


#: CLI command path → rule. Set-up and service commands act on the installation. A scope names
#: the argument holding the document (``document_id``) or template (``template``).
COMMANDS: Mapping[str, Rule] = {
    "serve": Rule(Action.OPERATE),
    "init": Rule(Action.OPERATE),
    "backup": Rule(Action.OPERATE),
    "restore": Rule(Action.OPERATE),
    "search-drain": Rule(Action.OPERATE),
    "reindex": Rule(Action.SEARCH_ADMIN),
    "search-check": Rule(Action.SEARCH_ADMIN),
    "acts": Rule(Action.READ),
    "show": Rule(Action.READ),
    "versions": Rule(Action.READ),
    "diff": Rule(Action.READ),
    "history": Rule(Action.READ),
    "decisions list": Rule(Action.READ),
    "search": Rule(Action.SEARCH),
    "import": Rule(Action.IMPORT, "department"),
    "amend": Rule(Action.AMEND, "department"),
    "publish": Rule(Action.LIFECYCLE, "department"),
    "event": Rule(Action.LIFECYCLE, "department"),
    "decisions add": Rule(Action.DECISIONS, "department"),
    "templates": Rule(Action.TEMPLATES_READ),
    "upload-template": Rule(Action.TEMPLATES_MANAGE, "template"),
    "generate": Rule(Action.DOCUMENTS_DRAFT, "template"),
    "documents show": Rule(Action.DOCUMENTS_READ, "document"),
    "documents list": Rule(Action.DOCUMENTS_READ),
    "documents finalise": Rule(Action.DOCUMENTS_FINALISE, "document"),
    "documents void": Rule(Action.DOCUMENTS_VOID, "document"),
    "documents adopt": Rule(Action.DOCUMENTS_ADOPT, "document"),
    "sign": Rule(Action.SIGN, "document"),
    "sign-act": Rule(Action.SIGN, "department"),
    "verify": Rule(Action.VERIFY),
    "audit verify": Rule(Action.AUDIT),
    "audit list": Rule(Action.AUDIT),
    "users add": Rule(Action.USERS),
    "users passwd": Rule(Action.USERS),
    "users list": Rule(Action.USERS),
    "users grant": Rule(Action.USERS),
    "users revoke": Rule(Action.USERS),
    "users disable": Rule(Action.USERS),
    "users enable": Rule(Action.USERS),
    "users first-admin": Rule(Action.OPERATE),
    "tokens create": Rule(Action.USERS),
    "tokens list": Rule(Action.USERS),
    "tokens revoke": Rule(Action.USERS),
}
