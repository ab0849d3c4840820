"""Staff users and members for the admin tests."""

from django.contrib.auth.models import Permission

from membership.members import find_or_create_member
from membership.models import Membership


def permission(codename, app_label="membership"):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def staff_user(django_user_model, username, *codenames):
    """A user who may use the admin, with these membership permissions (codenames)."""
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@newsroom.example", password="pw", is_staff=True
    )
    user.user_permissions.add(
        permission("access_admin", "wagtailadmin"), *(permission(name) for name in codenames)
    )
    return user


def member(email, **fields):
    """A member as sign-up or a webhook would make one, with these Membership fields."""
    membership, _ = find_or_create_member(email, name=fields.pop("name", ""))
    if fields:
        Membership.objects.filter(pk=membership.pk).update(**fields)
        membership.refresh_from_db()
    return membership
