"""The data migration that lets Editors and Moderators manage appeals."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.loader import MigrationLoader

pytestmark = pytest.mark.django_db

NAME = "0003_appeal_permissions_for_editors_and_moderators"
migration = importlib.import_module(f"membership.migrations.{NAME}")

EDITORS = {"add_appeal", "change_appeal", "view_appeal"}
MODERATORS = EDITORS | {
    "delete_appeal",
    "publish_appeal",
    "lock_appeal",
    "unlock_appeal",
    "view_appeal_report",
}


def appeal_permissions(group_name):
    return set(
        Group.objects.get(name=group_name)
        .permissions.filter(content_type__app_label="membership", content_type__model="appeal")
        .values_list("codename", flat=True)
    )


def run(function):
    """Runs the migration's function with the models as they were at that migration."""
    apps = MigrationLoader(connection).project_state(("membership", NAME)).apps
    # Not entered: RunPython only reads its connection, and on SQLite entering one needs
    # foreign key checks off, which cannot happen inside the test's transaction.
    function(apps, connection.schema_editor())


def test_after_migrate_each_group_has_its_appeal_permissions():
    assert appeal_permissions("Editors") == EDITORS
    assert appeal_permissions("Moderators") == MODERATORS


def test_it_reverses_and_runs_again():
    run(migration.take_back)
    assert appeal_permissions("Editors") == appeal_permissions("Moderators") == set()
    run(migration.give)
    run(migration.give)  # twice changes nothing
    assert appeal_permissions("Editors") == EDITORS
    assert appeal_permissions("Moderators") == MODERATORS


def test_it_leaves_other_permissions_of_the_groups_alone():
    other = set(
        Group.objects.get(name="Moderators").permissions.exclude(
            content_type__app_label="membership"
        )
    )
    assert other  # Wagtail gives Moderators admin access, images, documents …
    run(migration.take_back)
    run(migration.give)
    moderators = Group.objects.get(name="Moderators")
    assert set(moderators.permissions.exclude(content_type__app_label="membership")) == other


def test_it_creates_the_permissions_wagtail_has_not_created_yet():
    # On a fresh database, Wagtail's publish/lock/unlock permissions only appear after migrate.
    Permission.objects.filter(
        content_type__app_label="membership", codename__in=["publish_appeal", "lock_appeal"]
    ).delete()
    run(migration.give)
    assert appeal_permissions("Moderators") == MODERATORS


def test_without_the_groups_it_does_nothing():
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()
    Permission.objects.filter(content_type__app_label="membership").delete()
    run(migration.give)
    run(migration.take_back)
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    assert not Permission.objects.filter(content_type__app_label="membership").exists()
