"""The curators' roles, as groups whose permissions are set after every ``migrate``.

*Editors* are Commission staff: they add and change everything and publish.
*Coordinators* are a partnership's own staff: they add and change the outcomes
and members of the partnerships they are assigned to (Partnership.coordinators)
and nothing else; what they save is a draft until an editor publishes it.
Superusers manage users. The admin narrows coordinators to their own
partnerships (partnerships/admin_scope.py); these permissions say what kinds of
record each role may touch at all.
"""

from django.contrib.auth.models import Group, Permission

from outcomes import types as outcome_types
from partnerships.admin_scope import COORDINATORS

EDITORS = "Editors"

_ALL = ("add", "change", "delete", "view")
_CONTENT = {
    "partnerships": [
        "source",
        "sector",
        "region",
        "cluster",
        "partnership",
        "membercountry",
        "membership",
        "targetmarket",
    ],
}
_EDITOR_EXTRA = [
    ("partnerships", "view_country"),
    ("partnerships", "change_country"),
    ("partnerships", "publish_partnership"),
    ("partnerships", "publish_cluster"),
    ("partnerships", "import_partnership"),
    ("partnerships", "import_cluster"),
    ("outcomes", "publish_outcome"),
    ("outcomes", "import_outcome"),
]


def _outcome_models() -> list[str]:
    """The outcome model and each type's proxy, as the outcomes app defines them."""
    return ["outcome", *outcome_types.model_names()]


def _coordinator() -> list[tuple[str, str]]:
    return [
        *(
            ("partnerships", f"view_{model}")
            for model in ["partnership", "sector", "region", "country", "source"]
        ),
        *(
            ("partnerships", f"{action}_{model}")
            for model in ["membership", "cluster"]
            for action in ("add", "change", "view")
        ),
        *(
            ("outcomes", f"{action}_{model}")
            for model in [*_outcome_models(), "organisation"]
            for action in ("add", "change", "view")
        ),
    ]


def role_permissions() -> dict[str, list[tuple[str, str]]]:
    content = {**_CONTENT, "outcomes": ["organisation", "suggestion", *_outcome_models()]}
    editors = [
        (app, f"{action}_{model}")
        for app, models in content.items()
        for model in models
        for action in _ALL
    ]
    return {EDITORS: editors + _EDITOR_EXTRA, COORDINATORS: _coordinator()}


def sync_roles(*, plan=None, **kwargs) -> None:
    """Create the groups and give them exactly their permissions; safe to run any number of times.

    Skipped after a partial ``migrate`` (to an earlier migration), when some permissions do not exist yet.
    """
    wanted = role_permissions()
    known = set(Permission.objects.values_list("content_type__app_label", "codename"))
    if any(
        permission not in known for permissions in wanted.values() for permission in permissions
    ):
        return
    by_key = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type")
    }
    for name, permissions in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([by_key[permission] for permission in permissions])
