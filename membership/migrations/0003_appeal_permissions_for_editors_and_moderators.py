"""Editors write appeals as drafts; Moderators also publish, lock, unlock and delete them and
see the appeal report. The groups are Wagtail's own; a site without one is left alone.

Django and Wagtail create the appeal's permissions after migrate (post_migrate), which is too
late for a fresh database, so any that is missing is created here as they would create it.
"""

from django.db import migrations

PERMISSIONS = {
    "add_appeal": "Can add appeal",
    "change_appeal": "Can change appeal",
    "view_appeal": "Can view appeal",
    "delete_appeal": "Can delete appeal",
    # Wagtail's snippet permissions for DraftStateMixin and LockableMixin.
    "publish_appeal": "Can publish appeal",
    "lock_appeal": "Can lock appeal",
    "unlock_appeal": "Can unlock appeal",
    "view_appeal_report": "Can view the appeal report",
}
GROUPS = {
    "Editors": ["add_appeal", "change_appeal", "view_appeal"],
    "Moderators": list(PERMISSIONS),
}


def _groups(apps, db):
    Group = apps.get_model("auth", "Group")
    return [
        (group, GROUPS[group.name])
        for group in Group.objects.using(db).filter(name__in=GROUPS)
    ]


def give(apps, schema_editor):
    db = schema_editor.connection.alias
    groups = _groups(apps, db)
    if not groups:
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.using(db).get_or_create(
        app_label="membership", model="appeal"
    )
    for group, codenames in groups:
        group.permissions.add(
            *(
                Permission.objects.using(db).get_or_create(
                    content_type=content_type,
                    codename=codename,
                    defaults={"name": PERMISSIONS[codename]},
                )[0]
                for codename in codenames
            )
        )


def take_back(apps, schema_editor):
    db = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    for group, codenames in _groups(apps, db):
        group.permissions.remove(
            *Permission.objects.using(db).filter(
                content_type__app_label="membership", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0002_help_texts_default_appeal"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give, take_back)]
