"""Moderators run voting rounds and topics (moderating suggestions needs change_topic);
Editors see them. Neither group sees who voted: "Can view voters" is granted person by person.

As in 0003, permissions that post_migrate has not created yet are created here.
"""

from django.db import migrations

PERMISSIONS = {
    ("votinground", "add_votinground"): "Can add voting round",
    ("votinground", "change_votinground"): "Can change voting round",
    ("votinground", "delete_votinground"): "Can delete voting round",
    ("votinground", "view_votinground"): "Can view voting round",
    ("topic", "add_topic"): "Can add topic",
    ("topic", "change_topic"): "Can change topic",
    ("topic", "delete_topic"): "Can delete topic",
    ("topic", "view_topic"): "Can view topic",
}
GROUPS = {
    "Editors": [("votinground", "view_votinground"), ("topic", "view_topic")],
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
        ("membership", "0009_topics_page"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give, take_back)]
