import os

from django.core.wsgi import get_wsgi_application

from newsroom.front import CachedPagesFront
from newsroom.settings import load_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.production")
# Exit status 3 is gunicorn's "worker failed to boot": its master stops, rather than starting
# workers that fail the same way forever.
load_or_exit(os.environ["DJANGO_SETTINGS_MODULE"], exit_code=3)

# Page-cache hits are answered in front of Django's request handling (newsroom.front).
application = CachedPagesFront(get_wsgi_application())
