"""The outcome types, each declared once, here.

An ``OutcomeType`` says what the portal knows of a type: its code and names, its kinds
(subtypes), the fields only it has (its admin form's fieldsets) and its share of the demo data.
From these come ``Outcome.Type``, the choices of the type and kind fields, the database checks
that keep each type to its fields and kinds, each type's proxy model and admin form, the roles'
permissions, the filters' and the API's choices, the exports' descriptions and the demo data
(docs/architecture.md). A new type is one more ``OutcomeType`` in ``DEFINED``, then
``makemigrations`` (its proxy, its choices, and the subtype check if it has kinds).

Modules that build something per type (a proxy model, an admin form) do so with ``for_each_type``,
which also builds it for a type registered later (``registered``, in tests) and undoes it after.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db.migrations.serializer import BaseSerializer, serializer_factory
from django.db.migrations.writer import MigrationWriter
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.exports import one_of

# The fieldset of provenance and publication is common to all types (outcomes/admin.py).
Fieldsets = tuple[tuple[str | None, dict], ...]


@dataclass(frozen=True)
class OutcomeType:
    value: str  # stored in outcomes_outcome.type, and in URLs (?type=mou), exports and the API
    label: str
    # The proxy model's class name: its admin URL (/admin/outcomes/mou/) and permission codenames
    # (add_mou) come from it, so it stays once published.
    model_name: str
    plural: str  # in running text: "Only missions and exchanges have a direction."
    fieldsets: Fieldsets  # the typed part of its admin form: the fields only this type may have
    subtypes: tuple[tuple[str, str], ...] = ()  # its kinds, (value, label)
    demo_weight: int = 10  # its share of the outcomes the demo data makes
    demo_title: str = "{country} {sector}"  # formatted with country, sector, city
    verbose_name: str | None = (
        None  # the proxy's; every type of the portal gives one, to be translated
    )
    # It happens somewhere: its form asks for the country, unless the outcome is marked intra-EU
    # (an MoU) or as spanning several countries (``multi_country``, a field these types have).
    located: bool = False
    # Above its admin list: what these outcomes are, for a new curator.
    description: str = ""
    # A number of them, "%(count)s MoUs": one ngettext per type, so that each language chooses
    # its own plural form (ngettext_lazy("%(count)s MoU", "%(count)s MoUs", "count")).
    counted: str = ""
    # Its admin list's columns and filters, where not those common to all types.
    list_display: tuple[str, ...] = ()
    list_filter: tuple[str, ...] = ()

    @property
    def fields(self) -> list[str]:
        return [name for _, options in self.fieldsets for name in options["fields"]]

    @property
    def subtype_values(self) -> list[str]:
        return [value for value, _ in self.subtypes]


DEFINED = (
    OutcomeType(
        value="mou",
        description=_(
            "Memoranda of Understanding a partnership signed with a counterpart, usually in a third country. Give the signing date as it is written on the MoU."
        ),
        label=_("Memorandum of Understanding"),
        model_name="MoU",
        verbose_name=_("MoU"),
        plural=_("MoUs"),
        counted=ngettext_lazy("%(count)s MoU", "%(count)s MoUs", "count"),
        fieldsets=(
            (
                _("The MoU"),
                {
                    "fields": [
                        "level",
                        "counterpart",
                        "country",
                        "intra_eu",
                        "multi_country",
                        "date",
                        "year",
                        "venue",
                        "city",
                    ]
                },
            ),
            (
                _("Other partnerships bound by it"),
                {"fields": ["co_signatories"], "classes": ["collapse"]},
            ),
        ),
        demo_weight=25,
        demo_title="MoU with a {country} {sector} cluster",
        located=True,
        list_display=(
            "title",
            "partnership",
            "level",
            "counterpart",
            "country",
            "when",
            "is_published",
        ),
        list_filter=("level", "venue", "is_published", "year"),
    ),
    OutcomeType(
        value="roadmap",
        description=_(
            "Internationalisation strategies, market studies and joint roadmaps a partnership produced."
        ),
        label=_("Roadmap"),
        model_name="Roadmap",
        verbose_name=_("roadmap"),
        plural=_("roadmaps"),
        counted=ngettext_lazy("%(count)s roadmap", "%(count)s roadmaps", "count"),
        subtypes=(
            ("export_strategy", _("Strategic definition of exports")),
            ("market_study", _("Market study on target countries")),
            ("joint_strategy", _("Joint internationalisation strategy")),
        ),
        fieldsets=((_("The roadmap"), {"fields": ["subtype", "country", "date", "year"]}),),
        demo_weight=10,
        demo_title="Roadmap for {sector} in {country}",
    ),
    OutcomeType(
        value="office",
        description=_(
            "Offices a partnership opened, in Europe or abroad: joint offices, one-stop-shops, living labs, help desks."
        ),
        label=_("Office"),
        model_name="Office",
        verbose_name=_("office"),
        plural=_("offices"),
        counted=ngettext_lazy("%(count)s office", "%(count)s offices", "count"),
        subtypes=(
            ("joint_office", _("Joint office")),
            ("one_stop_shop", _("One-stop-shop")),
            ("living_lab", _("Living lab (project incubator)")),
            ("ipr_help_desk", _("IPR help desk")),
            ("investment_facility", _("Investment facility with development banks / risk capital")),
        ),
        fieldsets=(
            (
                _("The office"),
                {"fields": ["subtype", "city", "country", "multi_country", "date", "year"]},
            ),
        ),
        located=True,
        demo_weight=10,
        demo_title="Office in {city} for {sector} SMEs",
    ),
    OutcomeType(
        value="mission",
        description=_(
            "Business trips and match-making events, out-going or in-coming, with the country where they took place."
        ),
        label=_("Mission"),
        model_name="Mission",
        verbose_name=_("mission"),
        plural=_("missions"),
        counted=ngettext_lazy("%(count)s mission", "%(count)s missions", "count"),
        subtypes=(
            ("matchmaking_event", _("Cluster match-making event")),
            ("business_trip", _("Business trip")),
        ),
        fieldsets=(
            (
                _("The mission"),
                {
                    "fields": [
                        "subtype",
                        "direction",
                        "city",
                        "country",
                        "multi_country",
                        "date",
                        "year",
                    ]
                },
            ),
        ),
        located=True,
        demo_weight=35,
        demo_title="Business mission to {city} ({sector})",
    ),
    OutcomeType(
        value="exchange",
        description=_("Consultant and staff exchanges between a partnership and third countries."),
        label=_("Exchange"),
        model_name="Exchange",
        verbose_name=_("exchange"),
        plural=_("exchanges"),
        counted=ngettext_lazy("%(count)s exchange", "%(count)s exchanges", "count"),
        subtypes=(("consultant", _("Consultant exchange")), ("staff", _("Staff exchange"))),
        fieldsets=(
            (
                _("The exchange"),
                {"fields": ["subtype", "direction", "country", "city", "date", "year"]},
            ),
        ),
        demo_weight=20,
        demo_title="Cluster staff exchange with {country}",
    ),
)

OUTCOME_TYPES: dict[str, OutcomeType] = {kind.value: kind for kind in DEFINED}

Builder = Callable[[OutcomeType], Callable[[], None] | None]
_builders: list[Builder] = []
_undo: dict[str, list[Callable[[], None]]] = {}


def all_types() -> list[OutcomeType]:
    return list(OUTCOME_TYPES.values())


def get(value: str) -> OutcomeType | None:
    return OUTCOME_TYPES.get(value)


def subtypes_of(value: str) -> list[str]:
    kind = OUTCOME_TYPES.get(value)
    return kind.subtype_values if kind else []


def having(field: str) -> list[OutcomeType]:
    """The types whose form has ``field``: only they may fill it in (the database checks it)."""
    return [kind for kind in OUTCOME_TYPES.values() if field in kind.fields]


def located() -> list[OutcomeType]:
    """The types that happen somewhere: their form requires the country (outcomes/admin.py)."""
    return [kind for kind in OUTCOME_TYPES.values() if kind.located]


def values_text() -> str:
    """ "mou, roadmap, office, mission or exchange": the codes, for descriptions."""
    return one_of([kind.value for kind in OUTCOME_TYPES.values()])


def model_names() -> list[str]:
    """The proxy models' names as in permission codenames (``add_mou``)."""
    return [kind.model_name.lower() for kind in OUTCOME_TYPES.values()]


class TypeChoices(BaseChoiceIterator):
    """The types as a field's or filter's choices, read when used: a type registered later (in a
    test) is a choice at once. The migrations record them as the list they are today."""

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter([(kind.value, kind.label) for kind in OUTCOME_TYPES.values()])

    def __deepcopy__(self, memo):
        # Forms and filter sets copy their fields' choices per request; these must stay live.
        return self

    @property
    def values(self) -> list[str]:
        return [value for value, _ in self]


class SubtypeChoices(TypeChoices):
    """Every type's kinds, in the types' order."""

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter([pair for kind in OUTCOME_TYPES.values() for pair in kind.subtypes])


class _ChoicesAsList(BaseSerializer):
    def serialize(self):
        return serializer_factory(list(self.value)).serialize()


MigrationWriter.register_serializer(TypeChoices, _ChoicesAsList)

type_choices = TypeChoices()
subtype_choices = SubtypeChoices()


def for_each_type(build: Builder) -> None:
    """Call ``build`` for every type now, and for every type registered later; what it returns
    (if anything) is called to undo it when that type is unregistered."""
    _builders.append(build)
    for kind in OUTCOME_TYPES.values():
        _remember_undo(kind, build(kind))


def _remember_undo(kind: OutcomeType, undo: Callable[[], None] | None) -> None:
    if undo is not None:
        _undo.setdefault(kind.value, []).append(undo)


@contextmanager
def registered(kind: OutcomeType) -> Iterator[OutcomeType]:
    """A type added for the duration of the block, with its proxy model and admin form (for tests:
    a deployment declares its types in ``DEFINED``). The database checks stay those of start-up,
    so its outcomes can have no kind; the admin's URLs are read at start-up too (the test re-reads
    them)."""
    if kind.value in OUTCOME_TYPES:
        raise ValueError(f"The outcome type {kind.value!r} is already defined.")
    OUTCOME_TYPES[kind.value] = kind
    try:
        for build in _builders:
            _remember_undo(kind, build(kind))
        yield kind
    finally:
        for undo in reversed(_undo.pop(kind.value, [])):
            undo()
        del OUTCOME_TYPES[kind.value]
