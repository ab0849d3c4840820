from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="doc-full")
class ArticleSettings(BaseSiteSetting):
    read_also_limit = models.PositiveSmallIntegerField(
        _("Read also: how many links"),
        default=5,
        validators=[MaxValueValidator(20)],
        help_text=_(
            "Curated links always show. When there are fewer than this, the list is "
            "topped up with articles that share tags."
        ),
    )
    articles_per_page = models.PositiveSmallIntegerField(
        _("articles per listing page"),
        default=20,
        validators=[MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("article settings")
