"""The cast of users for permission tests: an editor, two coordinators, and staff with no role."""

import pytest
from django.contrib.auth.models import Group, Permission, User

from portal.roles import COORDINATORS, EDITORS
from tests.factories import PartnershipFactory

# The real SMTP server of the tests that send mail (smtp_server, inbox).
pytest_plugins = ["tests.mail"]


def _staff(username: str, *, group: str | None = None, codenames=()) -> User:
    user = User.objects.create_user(
        username, f"{username}@example.eu", "a-long-test-password", is_staff=True
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached figures belong to one test's data: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def no_kept_markup():
    """Markup kept per language (``{% once_per_language %}``) was made from one test's setup (the
    formats, lists and types it registers): each test starts with none."""
    from portal.templatetags.portal_tags import forget_kept_markup

    forget_kept_markup()


@pytest.fixture(autouse=True)
def english_afterwards():
    """A request in French leaves French active in this thread: later tests reverse in English."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def migrated_rows(transactional_db):
    """What the migrations made (the countries, the roles), put back for a test that commits: an
    earlier committing test on the same worker emptied every table after it."""
    from partnerships.countries import create_country_rows
    from partnerships.models import Country
    from portal.roles import sync_roles

    if not Country.objects.exists():
        create_country_rows(Country)
    sync_roles()


@pytest.fixture
def partnership(db):
    return PartnershipFactory(
        name="European Lighting Cluster Alliance", acronym="ELCA", slug="elca"
    )


@pytest.fixture
def other_partnership(db):
    return PartnershipFactory(
        name="European Aerospace Cluster Partnership", acronym="EACP", slug="eacp"
    )


@pytest.fixture
def editor(db):
    """Commission staff: add and change everything, publish."""
    return _staff("editor", group=EDITORS)


@pytest.fixture
def coordinator(partnership):
    """Staff of the ELCA partnership only."""
    user = _staff("coordinator", group=COORDINATORS)
    partnership.coordinators.add(user)
    return user


@pytest.fixture
def other_coordinator(other_partnership):
    """Staff of the EACP partnership only."""
    user = _staff("other-coordinator", group=COORDINATORS)
    other_partnership.coordinators.add(user)
    return user


@pytest.fixture
def staff_without_permission(db):
    """Staff with an admin login and no role."""
    return _staff("bystander", codenames=["view_partnership"])


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The seed data, loaded once per module and rolled back after it, for a module whose tests
    only read: it overrides ``seeded`` with ``def seeded(seeded_once, db)``."""
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_seed", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(db):
    """The seed data: every fact of the source document."""
    from django.core.management import call_command

    call_command("load_seed", verbosity=0)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Long tests first (stable otherwise): the parallel workers of `make test` then finish together
    instead of one of them starting a long test last. Before pytest-django's own ordering, whose
    stable sort then keeps the tests that commit (and empty the tables after them) behind those
    that roll back."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
