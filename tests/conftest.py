import pytest
from django.contrib.auth.models import Permission, User

from tests.factories import PartnershipFactory


def _staff(username: str, *codenames: str) -> User:
    user = User.objects.create_user(
        username, f"{username}@example.eu", "a-long-test-password", is_staff=True
    )
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def curator(db):
    """Staff who may enter and change MoUs and see partnerships."""
    return _staff(
        "curator", "add_mou", "change_mou", "view_mou", "view_partnership", "change_partnership"
    )


@pytest.fixture
def staff_without_permission(db):
    """Staff with an admin login but no right to enter outcomes."""
    return _staff("bystander", "view_partnership")


@pytest.fixture
def partnership(db):
    return PartnershipFactory(
        name="European Lighting Cluster Alliance", acronym="ELCA", slug="elca"
    )
