from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "newsroom.home"
    label = "home"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .site_links import forget_site_links

        uid = "newsroom_forget_site_links"
        page_published.connect(forget_site_links, dispatch_uid=f"{uid}_published")
        page_unpublished.connect(forget_site_links, dispatch_uid=f"{uid}_unpublished")
        post_page_move.connect(forget_site_links, dispatch_uid=f"{uid}_moved")
        post_delete.connect(forget_site_links, sender=Page, dispatch_uid=f"{uid}_deleted")
        post_save.connect(forget_site_links, sender=Site, dispatch_uid=f"{uid}_site_saved")
        post_delete.connect(forget_site_links, sender=Site, dispatch_uid=f"{uid}_site_deleted")
