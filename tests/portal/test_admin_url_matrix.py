"""Every admin URL, for every role, GET and POST, from the admin's own URL patterns.

The URLs are listed from ``admin.site``: each registered ModelAdmin's
``get_urls()`` (changelist, add, change, delete, history, and django-reversion's
revert, recover list and recover, the portal's preview, django-import-export's import and
process_import), each action from ``get_actions``, each autocomplete field and
each app's index. Each is filled in with real ids: a record in the
coordinator's scope, another partnership's draft and another partnership's
published record, a version to revert to and a deleted record's version. A new
model, admin view or action therefore lands in the matrix by itself; one whose
kind the rules below do not know fails ``test_the_matrix_knows_every_admin_url``.

``RULES`` and ``MAY`` are the whole expectation: what each kind of URL needs,
and what each role may do with each kind of record. After every request that
the rules say may not write, the curated tables (reversion's included) hash the
same as before. Each request runs in a savepoint that is rolled back, so one
set of records serves every role of a model's admin.
"""

import hashlib
from dataclasses import dataclass

import pytest
import reversion
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from reversion.models import Version

from outcomes.models import Outcome, Suggestion
from partnerships.models import Country, Membership, Region, Source
from portal.roles import COORDINATORS, EDITORS
from tests.admin_post import change_form_data
from tests.factories import (
    ClusterFactory,
    OrganisationFactory,
    OutcomeFactory,
    PartnershipFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff without group", "coordinator", "editor"]
# A coordinator meets three kinds of record: their partnerships' ("in"), and another's, draft or published.
SCOPES = ["in", "other draft", "other published"]

ALL = frozenset({"view", "add", "change", "delete"})
CURATED = ALL | {"publish"}
TYPED = ["mou", "roadmap", "office", "mission", "exchange"]
# What each role may do with each model's records; the scope narrows it below.
MAY = {
    "editor": {
        "partnerships.partnership": CURATED | {"import"},
        "partnerships.cluster": CURATED | {"import"},
        "partnerships.membership": ALL,
        "partnerships.source": ALL,
        "partnerships.sector": ALL,
        "partnerships.region": ALL,
        "partnerships.country": {"view", "change"},
        "outcomes.organisation": ALL,
        "outcomes.outcome": (CURATED - {"add"}) | {"import"},  # Added through each type's form.
        **{f"outcomes.{name}": CURATED for name in TYPED},
        # Visitors add suggestions through the public form; editors read, convert, reject them.
        "outcomes.suggestion": {"view", "change", "delete"},
    },
    "coordinator": {
        **{
            f"partnerships.{name}": {"view"}
            for name in ["partnership", "source", "sector", "region", "country"]
        },
        "partnerships.cluster": {"view", "add", "change"},
        "partnerships.membership": {"view", "add", "change"},
        "outcomes.organisation": {"view", "add", "change"},
        "outcomes.outcome": {"view", "change"},
        **{f"outcomes.{name}": {"view", "add", "change"} for name in TYPED},
    },
    "staff without group": {},
}
# Of another partnership's published records a coordinator reads these (they are public), and changes none.
SEEN_WHEN_PUBLISHED = {"partnerships.cluster", "outcomes.organisation"}

# What each kind of admin URL needs, by method; "lookup" when the record is looked up
# (and "not found" answered) before the permission is checked, as Django's views do.
OBJECT_KINDS = {"change", "history", "delete", "revision", "recover", "preview"}


@dataclass(frozen=True)
class Rule:
    get: frozenset | None  # None: the view answers only POST (405)
    post: frozenset
    lookup_first: bool = False


def need(*names):
    return frozenset(names)


RULES = {
    "changelist": Rule(need("view"), need("view")),
    "add": Rule(need("add"), need("add")),
    "change": Rule(need("view"), need("change"), lookup_first=True),
    "history": Rule(need("view"), need("view"), lookup_first=True),
    "delete": Rule(need("delete"), need("delete")),
    "revision": Rule(need("change"), need("change"), lookup_first=True),
    "recoverlist": Rule(need("add", "change"), need("add", "change")),
    "recover": Rule(need("add", "change"), need("add", "change")),
    "import": Rule(need("import"), need("import")),
    "process_import": Rule(None, need("import")),
    "redirect": Rule(need(), need()),  # <id>/ only redirects to <id>/change/.
    # A draft as its public page would show it: "not found" for whoever may not open the record,
    # anonymous visitors included (no login page), then GET only (see ``expected``).
    "preview": Rule(need("view"), need("view"), lookup_first=True),
    # auth's and django-otp's own views: superusers only.
    "password_change": Rule(need("superuser"), need("superuser")),
    "config": Rule(need("superuser"), need("superuser")),
    "qrcode": Rule(need("superuser"), need("superuser")),
}
# What each bulk action needs.
ACTIONS = {
    "delete_selected": need("delete"),
    "publish": need("publish"),
    "withdraw": need("publish"),
    "submit_for_review": need("change"),
    "reject": need("change"),  # a suggestion's
    "cleanup_expired_attempts": need("superuser"),  # django-axes's
}
# The admin site's own URLs that are about no record; the others are in the matrix.
SITE_URLS_WITHOUT_RECORDS = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "jsi18n",
    "view_on_site",
}
# The review queue and its decisions: test_the_review_urls_answer_each_role_as_the_rules_say.
REVIEW_URLS = {"review-queue", "review-decide"}
SITE_URLS = {"index", "app_list", "autocomplete"} | SITE_URLS_WITHOUT_RECORDS | REVIEW_URLS

LOGIN, OK, DENIED, NOT_FOUND, NOT_ALLOWED = "login", "ok", "denied", "not found", "405"
BAD_REQUEST = "400"
REFUSED = "refused"  # DENIED or NOT_FOUND
UNCHANGED = "unchanged"  # any answer but LOGIN, and nothing written
# A coordinator's new record of these names a partnership, which must be theirs.
ADDED_TO_A_PARTNERSHIP = {"partnerships.membership", *(f"outcomes.{name}" for name in TYPED)}


def expected(role, label, scope, kind, method, action=None):
    """LOGIN, OK, DENIED (403), NOT_FOUND (404 or Django's redirect to the admin's index), REFUSED or UNCHANGED."""
    if kind == "preview":
        may = MAY.get(role, {}).get(label, frozenset())
        if role == "anonymous" or "view" not in may or not sees(role, label, scope, kind):
            return NOT_FOUND
        return OK if method == "GET" else NOT_ALLOWED
    if role == "anonymous":
        return LOGIN
    if action is not None:
        # An action the user may not run is not offered; the list answers as if none was chosen.
        needed = ACTIONS[action]
        return OK if needed <= MAY[role].get(label, frozenset()) else UNCHANGED
    else:
        rule = RULES[kind]
        needed = rule.get if method == "GET" else rule.post
        if needed is None:
            return NOT_ALLOWED
    may = MAY[role].get(label, frozenset())
    if role == "staff without group":
        # Django answers 403 or "not found", depending on whether the lookup comes first.
        return OK if not needed else REFUSED
    if not needed <= may:
        if kind in OBJECT_KINDS and RULES[kind].lookup_first and not sees(role, label, scope, kind):
            return NOT_FOUND
        return DENIED
    if kind in OBJECT_KINDS and not sees(role, label, scope, kind):
        return NOT_FOUND
    if kind in OBJECT_KINDS and not may_touch(role, label, scope, needed):
        return DENIED
    if kind == "process_import" and method == "POST":
        # The matrix names no preview of the session's own: refused, nothing read (core/imports.py).
        return BAD_REQUEST
    if kind == "add" and method == "POST" and scope != "in" and role == "coordinator":
        # The form's partnership field offers and accepts their own partnerships only.
        return UNCHANGED if label in ADDED_TO_A_PARTNERSHIP else OK
    return OK


def sees(role, label, scope, kind):
    if role == "editor" or scope == "in":
        return True
    # Another's deleted records are not in the user's recover list, published or not.
    return scope == "other published" and label in SEEN_WHEN_PUBLISHED and kind != "recover"


def may_touch(role, label, scope, needed):
    return role == "editor" or scope == "in" or needed <= {"view"}


# --- the records ---------------------------------------------------------------------------


class World:
    """The users, and for each model a record per scope, a version of it and a deleted one."""

    def __init__(self, labels=None):
        self.users = {
            "editor": staff("editor", EDITORS),
            "coordinator": staff("coordinator", COORDINATORS),
            "other": staff("other-coordinator", COORDINATORS),
            "staff without group": staff("bystander"),
            "superuser": User.objects.create_superuser("root", "root@example.eu", "x" * 20),
        }
        with reversion.create_revision():
            self.ours = PartnershipFactory(name="Ours", slug="ours")
            self.theirs = PartnershipFactory(name="Theirs", slug="theirs")
            self.draft = PartnershipFactory(
                name="Their draft", slug="their-draft", is_published=False
            )
            self.ours.coordinators.add(self.users["coordinator"])
            for partnership in (self.theirs, self.draft):
                partnership.coordinators.add(self.users["other"])
        self.records = {}
        self.deleted = {}
        for label, make in self.makers().items():
            if labels is not None and label not in labels:
                continue
            scopes = SCOPES if label in SCOPED else ["in"]
            with reversion.create_revision():
                self.records[label] = {scope: make(scope) for scope in scopes}
            if label in RESTORABLE:
                with reversion.create_revision():
                    gone = {scope: make(scope) for scope in scopes}
                self.deleted[label] = {}
                for scope, record in gone.items():
                    pk = record.pk
                    remove(record)
                    self.deleted[label][scope] = (
                        Version.objects.get_deleted(type(record)._meta.concrete_model)
                        .filter(object_id=str(pk))
                        .first()
                    )

    def partnership_for(self, scope):
        return {"in": self.ours, "other draft": self.draft, "other published": self.theirs}[scope]

    def makers(self):
        def partnership(scope):
            record = PartnershipFactory(is_published=scope != "other draft")
            record.coordinators.add(self.users["coordinator" if scope == "in" else "other"])
            return record

        def cluster(scope):
            record = ClusterFactory(
                is_published=scope == "other published",
                created_by=self.users["coordinator" if scope == "in" else "other"],
            )
            Membership.objects.create(partnership=self.partnership_for(scope), cluster=record)
            return record

        def membership(scope):
            return Membership.objects.create(
                partnership=self.partnership_for(scope), cluster=ClusterFactory()
            )

        def organisation(scope):
            record = OrganisationFactory(
                created_by=self.users["coordinator" if scope == "in" else "other"]
            )
            OutcomeFactory(
                partnership=self.partnership_for(scope),
                counterpart=record,
                is_published=scope != "other draft",
            )
            return record

        def outcome(kind):
            subtype = {"roadmap": "market_study", "office": "joint_office"}.get(kind, "")

            def make(scope):
                return OutcomeFactory(
                    partnership=self.partnership_for(scope),
                    type=kind,
                    subtype=subtype,
                    is_published=scope != "other draft",
                )

            return make

        def one(model, **fields):
            count = iter(range(1000))
            return lambda scope: model.objects.create(
                **{key: f"{value}-{next(count)}" for key, value in fields.items()}
            )

        codes = iter(["XA", "XB", "XC", "XD"])

        def country(scope):
            return Country.objects.create(code=next(codes), name=f"Testland {scope}")

        def user(scope):
            return self.users["staff without group"]

        def group(scope):
            return Group.objects.get(name=EDITORS)

        def device(scope):
            return TOTPDevice.objects.create(user=self.users["superuser"], name="phone")

        def axes(model_name):
            model = apps.get_model("axes", model_name)
            names = {field.name for field in model._meta.concrete_fields}
            values = {
                "username": "someone",
                "ip_address": "127.0.0.1",
                "user_agent": "test",
                "http_accept": "*/*",
                "path_info": "/admin/login/",
                "attempt_time": timezone.now(),
                "get_data": "",
                "post_data": "",
                "failures_since_start": 1,
            }
            return lambda scope: model.objects.create(
                **{key: value for key, value in values.items() if key in names}
            )

        return {
            "partnerships.partnership": partnership,
            "partnerships.cluster": cluster,
            "partnerships.membership": membership,
            "partnerships.source": one(Source, title="A source", slug="a-source"),
            "partnerships.sector": lambda scope: SectorFactory(),
            "partnerships.region": one(Region, name="A region", slug="a-region"),
            "partnerships.country": country,
            "outcomes.organisation": organisation,
            "outcomes.outcome": outcome("mou"),
            **{f"outcomes.{name}": outcome(name) for name in TYPED},
            "outcomes.suggestion": lambda scope: Suggestion.objects.create(
                partnership=self.partnership_for(scope),
                type="mou",
                title=f"Reported MoU {scope}",
                name="Ana",
                email="ana@cluster.example",
            ),
            "auth.user": user,
            "auth.group": group,
            "otp_totp.totpdevice": device,
            "axes.accessattempt": axes("AccessAttempt"),
            "axes.accesslog": axes("AccessLog"),
            "axes.accessfailurelog": axes("AccessFailureLog"),
        }


SCOPED = {
    "partnerships.partnership",
    "partnerships.cluster",
    "partnerships.membership",
    "outcomes.organisation",
    "outcomes.outcome",
    *(f"outcomes.{name}" for name in TYPED),
}
RESTORABLE = SCOPED | {f"partnerships.{name}" for name in ["source", "sector", "region", "country"]}


def remove(record):
    """Delete a record with the rows that protect it (a cluster's memberships, a counterpart's MoUs)."""
    for related in ("memberships", "mous"):
        if hasattr(record, related):
            getattr(record, related).all().delete()
    record.delete()


def staff(username, group=None):
    user = User.objects.create_user(username, f"{username}@example.eu", "x" * 20, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


# --- the URLs ------------------------------------------------------------------------------


def kind_of(pattern, model_admin):
    opts = model_admin.model._meta
    if pattern.name is None:
        return "redirect"
    return pattern.name.removeprefix(f"{opts.app_label}_{opts.model_name}_")


@dataclass
class Call:
    kind: str
    scope: str
    method: str
    url: str
    data: dict
    action: str | None = None


def calls(world, model_admin, superuser_client):
    """Every URL of one admin, GET and POST, with the data a browser would post."""
    opts = model_admin.model._meta
    label = opts.label_lower
    kinds = {kind_of(pattern, model_admin) for pattern in model_admin.get_urls()}
    records = world.records.get(label, {})
    name = f"admin:{opts.app_label}_{opts.model_name}"
    result = []

    def both(kind, scope, url, data):
        result.append(Call(kind, scope, "GET", url, {}))
        result.append(Call(kind, scope, "POST", url, data))

    for scope, record in records.items():
        pk = record.pk
        change_url = reverse(f"{name}_change", args=[pk])
        form = form_data(superuser_client, change_url)
        both("change", scope, change_url, changed(form))
        both("history", scope, reverse(f"{name}_history", args=[pk]), {})
        both("delete", scope, reverse(f"{name}_delete", args=[pk]), {"post": "yes"})
        both("redirect", scope, reverse(f"{name}_changelist") + f"{pk}/", {})
        if "preview" in kinds:
            both("preview", scope, reverse(f"{name}_preview", args=[pk]), {})
        both("add", scope, reverse(f"{name}_add"), as_new(form))
        if "revision" in kinds:
            version = Version.objects.get_for_object(record).first()
            url = reverse(f"{name}_revision", args=[pk, version.pk])
            both("revision", scope, url, changed(form_data(superuser_client, url)))
        for special in kinds & {"password_change", "config", "qrcode"}:
            both(special, scope, reverse(f"{name}_{special}", args=[pk]), {})
        for action in actions_of(model_admin, world):
            result.append(
                Call(
                    "changelist",
                    scope,
                    "POST",
                    reverse(f"{name}_changelist"),
                    {"action": action, "_selected_action": [pk], "index": "0", "post": "yes"},
                    action=action,
                )
            )
    for scope, version in world.deleted.get(label, {}).items():
        url = reverse(f"{name}_recover", args=[version.pk])
        both("recover", scope, url, form_data(superuser_client, url))
    both("changelist", "in", reverse(f"{name}_changelist"), {})
    for kind in kinds & {"recoverlist", "import", "process_import"}:
        both(kind, "in", reverse(f"{name}_{kind}"), {})
    return result


def actions_of(model_admin, world):
    request = RequestFactory().get("/")
    request.user = world.users["superuser"]
    return sorted(model_admin.get_actions(request))


def form_data(client, url):
    response = client.get(url)
    if response.status_code != 200 or "adminform" not in (response.context or {}):
        return {}
    return change_form_data(response)


TEXT_FIELDS = ("name", "title", "username")


def changed(data):
    """The form as posted back, with its name or title changed: a write if it is allowed."""
    return {
        key: f"{value} (changed)" if key in TEXT_FIELDS else value for key, value in data.items()
    }


def as_new(data):
    """The record's form as a new record: no inline rows, a new name and slug."""
    fresh = {}
    for key, value in data.items():
        if key.endswith("-TOTAL_FORMS") or key.endswith("-INITIAL_FORMS"):
            fresh[key] = "0"
        elif "-" not in key and key != "version":
            fresh[key] = f"{value}-copy" if key in (*TEXT_FIELDS, "slug") else value
        elif key.endswith("_FORMS"):
            fresh[key] = value
    # A copy is what the outcome forms warn of (a possible duplicate): the matrix saves it anyway.
    fresh["save_anyway"] = "on"
    return fresh


# --- the database's fingerprint --------------------------------------------------------------

FINGERPRINTED_APPS = ("partnerships", "outcomes", "reversion", "auth", "otp_totp")


def fingerprint():
    """Row counts and a hash of the sorted rows of every curated table, reversion's and auth's."""
    digest = hashlib.blake2b(digest_size=16)
    counts = {}
    for label in FINGERPRINTED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.proxy:
                continue
            # In SQL: django-modeltranslation's manager rewrites values_list() and fails on it.
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT * FROM {quote(model._meta.db_table)} "
                    f"ORDER BY {quote(model._meta.pk.column)}"
                )
                rows = cursor.fetchall()
            counts[model._meta.db_table] = len(rows)
            digest.update(repr((model._meta.db_table, rows)).encode())
    return counts, digest.hexdigest()


# --- the checks ------------------------------------------------------------------------------


def outcome_of(response):
    login = reverse("admin:login")
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(login):
            return LOGIN
        if location == reverse("admin:index"):
            return NOT_FOUND  # Django's "… with ID … doesn't exist. Perhaps it was deleted?"
        return OK
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code == 403:
        return DENIED
    if response.status_code == 405:
        return NOT_ALLOWED
    if response.status_code == 400:
        return BAD_REQUEST
    if response.status_code in (200, 409):
        return OK
    return f"status {response.status_code}"


def matches(wanted, got):
    if wanted == REFUSED:
        return got in (DENIED, NOT_FOUND)
    if wanted == UNCHANGED:
        return got in (OK, DENIED, NOT_FOUND)
    return wanted == got


def may_write(wanted, call):
    return wanted == OK and call.method == "POST"


def clients(world):
    result = {"anonymous": Client()}
    for role in ROLES[1:]:
        result[role] = Client()
        result[role].force_login(world.users[role])
    return result


def roles_and_scopes(call):
    """A coordinator in scope meets the "in" records; out of scope, the others."""
    for role in ROLES:
        if role == "coordinator" or call.scope == "in":
            yield role


def check(client, role, label, call, before, failures):
    wanted = expected(role, label, call.scope, call.kind, call.method, call.action)
    with transaction.atomic():
        response = getattr(client, call.method.lower())(call.url, call.data)
        got = outcome_of(response)
        # A POST may write; whether one that may not did is what the fingerprint tells.
        after = fingerprint() if call.method == "POST" and not may_write(wanted, call) else before
        transaction.set_rollback(True)
    what = (
        f"{role:20} {call.method:4} {call.kind:14} {call.scope:15} {call.action or ''} {call.url}"
    )
    if not matches(wanted, got):
        failures.append(f"{what}: wanted {wanted}, got {got} ({response.status_code})")
    elif after != before and not may_write(wanted, call):
        failures.append(f"{what}: {got}, but the database changed")
    return response


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


@pytest.mark.parametrize(
    "label", [model._meta.label_lower for model, _ in registered()], ids=lambda label: label
)
def test_every_url_of_the_admin_answers_each_role_as_the_rules_say(label):
    world = World(labels={label})
    model_admin = next(ma for model, ma in registered() if model._meta.label_lower == label)
    superuser = Client()
    superuser.force_login(world.users["superuser"])
    by_role = clients(world)
    failures = []
    checked = 0
    made = calls(world, model_admin, superuser)
    # Every URL pattern of this admin is in the matrix.
    assert {call.kind for call in made} == {
        kind_of(pattern, model_admin) for pattern in model_admin.get_urls()
    } | {"changelist"}
    # Each request is rolled back: the database is as it was before the first.
    before = fingerprint()
    for call in made:
        for role in roles_and_scopes(call):
            check(by_role[role], role, label, call, before, failures)
            checked += 1
    assert not failures, f"{len(failures)} of {checked} requests:\n" + "\n".join(failures)


def test_the_editors_posts_in_the_matrix_do_write():
    """The matrix posts what a browser would: an editor's change, revert, recover and delete succeed,
    so a refusal for another role means the role was refused, not the data."""
    world = World(labels={"outcomes.mou", "outcomes.outcome"})
    superuser = Client()
    superuser.force_login(world.users["superuser"])
    editor = clients(world)["editor"]
    model_admin = admin.site._registry[Outcome]
    mou_admin = next(ma for model, ma in registered() if model._meta.label_lower == "outcomes.mou")
    wrote = set()
    for call in calls(world, mou_admin, superuser) + calls(world, model_admin, superuser):
        label = "outcomes.mou" if "/mou/" in call.url else "outcomes.outcome"
        wanted = expected("editor", label, "in", call.kind, "POST", call.action)
        if call.method != "POST" or call.scope != "in" or call.kind == "redirect" or wanted != OK:
            continue
        before = fingerprint()
        with transaction.atomic():
            response = editor.post(call.url, call.data)
            if fingerprint() != before:
                wrote.add(call.action or call.kind)
            transaction.set_rollback(True)
        assert response.status_code in (200, 302), (call, response.status_code)
    assert {
        "change",
        "add",
        "delete",
        "revision",
        "recover",
        "delete_selected",
        "withdraw",
    } <= wrote


def test_autocompletes_answer_each_role_and_never_offer_a_record_out_of_scope():
    """Every autocomplete field of every admin: status per role, and a coordinator never gets
    another partnership's draft, nor a counterpart only such a draft names."""
    world = World(labels=SCOPED)
    by_role = clients(world)
    hidden = {
        label: str(records["other draft"].pk)
        for label, records in world.records.items()
        if "other draft" in records
    }
    failures = []
    fields = [
        (model, model_admin, field_name)
        for model, model_admin in registered()
        for field_name in model_admin.autocomplete_fields
    ]
    assert fields
    for model, _model_admin, field_name in fields:
        field = model._meta.get_field(field_name)
        target = field.related_model._meta.label_lower
        params = {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field_name,
        }
        for role in ROLES:
            wanted = expected(role, target, "in", "changelist", "GET")
            client = by_role[role]
            before = fingerprint()
            response = client.get(reverse("admin:autocomplete"), params)
            posted = client.post(reverse("admin:autocomplete"), params)
            what = f"{role} {model._meta.label_lower}.{field_name}"
            if not matches(wanted, outcome_of(response)):
                failures.append(f"{what}: wanted {wanted}, got {response.status_code}")
            if posted.status_code != (302 if role == "anonymous" else 405):
                failures.append(f"{what}: POST answered {posted.status_code}")
            if fingerprint() != before:
                failures.append(f"{what}: the database changed")
            if role == "coordinator" and response.status_code == 200:
                ids = {result["id"] for result in response.json()["results"]}
                if target in hidden and hidden[target] in ids:
                    failures.append(f"{what}: offers another partnership's draft")
    assert not failures, "\n".join(failures)


def test_each_app_index_shows_only_the_apps_a_role_works_in():
    world = World(labels=set())
    by_role = clients(world)
    for app_label in sorted({model._meta.app_label for model, _ in registered()}):
        url = reverse("admin:app_list", args=[app_label])
        for role in ROLES:
            works_in = any(
                label.startswith(f"{app_label}.") for label in MAY.get(role, {}) if MAY[role][label]
            )
            status = by_role[role].get(url).status_code
            wanted = 302 if role == "anonymous" else 200 if works_in else 404
            assert status == wanted, (role, app_label, status)
    for role in ROLES:
        assert by_role[role].get(reverse("admin:index")).status_code == (
            302 if role == "anonymous" else 200
        )


def test_the_matrix_knows_every_admin_url():
    """A new admin view, model or action fails here until the rules above say who may use it."""
    site_names = {getattr(pattern, "name", None) for pattern in admin.site.get_urls()} - {None}
    assert site_names <= SITE_URLS, site_names - SITE_URLS
    for model, model_admin in registered():
        label = model._meta.label_lower
        assert label in WorldStub().makers(), f"{label}: no records for the matrix"
        for pattern in model_admin.get_urls():
            kind = kind_of(pattern, model_admin)
            assert kind in RULES, f"{label}: no rule for {pattern.name} ({pattern.pattern})"
        if label in SCOPED:
            assert set(MAY["coordinator"]) >= {label}, label
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    for model, model_admin in registered():
        assert set(model_admin.get_actions(request)) <= set(ACTIONS), model


class WorldStub(World):
    """The makers' names without creating any record."""

    def __init__(self, labels=None):
        self.users = {}


def test_the_review_urls_answer_each_role_as_the_rules_say():
    """The queue (GET) and a decision (POST only) need the permission to publish the record's
    model; a refused decision writes nothing, and an editor's publishes."""
    world = World(labels={"outcomes.mou"})
    waiting = world.records["outcomes.mou"]["in"]
    waiting.set_published(False, withdrawn=False)
    waiting.submitted_at, waiting.submitted_by = timezone.now(), world.users["coordinator"]
    waiting.save()
    queue = reverse("admin:review-queue")
    decide = reverse("admin:review-decide", args=["outcomes", "outcome", waiting.pk])
    wanted = {
        "anonymous": (LOGIN, LOGIN),
        "staff without group": (DENIED, DENIED),
        "coordinator": (DENIED, DENIED),
        "editor": (OK, OK),
    }
    by_role = clients(world)
    failures = []
    for role, (on_get, on_post) in wanted.items():
        client = by_role[role]
        before = fingerprint()
        with transaction.atomic():
            got = (
                outcome_of(client.get(queue)),
                outcome_of(client.post(decide, {"decision": "publish"})),
            )
            if role == "editor":
                waiting.refresh_from_db()
                assert waiting.is_published
            elif fingerprint() != before:
                failures.append(f"{role}: the database changed")
            transaction.set_rollback(True)
        if got != (on_get, on_post):
            failures.append(f"{role}: wanted {(on_get, on_post)}, got {got}")
        assert outcome_of(client.get(decide)) == (LOGIN if role == "anonymous" else NOT_ALLOWED)
    assert not failures, "\n".join(failures)
