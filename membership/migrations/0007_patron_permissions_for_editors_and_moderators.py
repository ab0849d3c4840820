"""Moderators manage tiers and memberships (no deleting members: that erases a person, and is
left to superusers); Editors see tiers and the memberships listing. Neither group may see
members' emails: "Can view member emails" is granted person by person.

As in 0003, permissions that post_migrate has not created yet are created here.
"""

from django.db import migrations

PERMISSIONS = {
    ("tier", "add_tier"): "Can add tier",
    ("tier", "change_tier"): "Can change tier",
    ("tier", "delete_tier"): "Can delete tier",
    ("tier", "view_tier"): "Can view tier",
    ("membership", "add_membership"): "Can add membership",
    ("membership", "change_membership"): "Can change membership",
    ("membership", "view_membership"): "Can view membership",
}
GROUPS = {
    "Editors": [("tier", "view_tier"), ("membership", "view_membership")],
    "Moderators": list(PERMISSIONS),
}


def _permissions(apps, db, keys):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    found = []
    for model, codename in keys:
        content_type, _ = ContentType.objects.using(db).get_or_create(
            app_label="membership", model=model
        )
        found.append(
            Permission.objects.using(db).get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": PERMISSIONS[(model, codename)]},
            )[0]
        )
    return found


def give(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(db).filter(name__in=GROUPS):
        group.permissions.add(*_permissions(apps, db, GROUPS[group.name]))


def take_back(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(db).filter(name__in=GROUPS):
        group.permissions.remove(*_permissions(apps, db, GROUPS[group.name]))


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0006_signup_page_used_tokens"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give, take_back)]
