"""Give tags saved with an empty slug (names with no letters or digits) a fallback slug."""

from django.db import migrations


def fill_empty_tag_slugs(apps, schema_editor):
    from articles.signal_handlers import unique_fallback_slug

    Tag = apps.get_model("taggit", "Tag")
    for tag in Tag.objects.filter(slug="").order_by("pk"):
        tag.slug = unique_fallback_slug(Tag, exclude_pk=tag.pk)
        tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_no_promotions"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(fill_empty_tag_slugs, migrations.RunPython.noop)]
