"""An embed finder for tests: answers from a fixed table, never from the network."""

from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.embeds.finders.base import EmbedFinder

KNOWN = {
    "https://video.example.com/watch/1": {
        "title": "Example video",
        "author_name": "Example",
        "provider_name": "Example Video",
        "type": "video",
        "width": 640,
        "height": 360,
        "html": '<iframe title="Example video" src="https://video.example.com/embed/1" '
        'width="640" height="360"></iframe>',
    },
}


class LocalEmbedFinder(EmbedFinder):
    def __init__(self, **options):
        pass

    def accept(self, url):
        return True

    def find_embed(self, url, max_width=None, max_height=None):
        if url in KNOWN:
            return dict(KNOWN[url])
        if url.startswith("https://video.example.com/watch/"):
            n = url.rsplit("/", 1)[-1]
            data = dict(KNOWN["https://video.example.com/watch/1"])
            data["html"] = data["html"].replace("/embed/1", f"/embed/{n}")
            return data
        raise EmbedNotFoundException
