"""Production settings for the benchmark, with static files collected into a throwaway folder.

`newsroom.settings.base` fixes STATIC_ROOT to the checkout's `staticfiles/`; everything else the
benchmark needs (database, media folder, secret key, hosts, HTTPS switches) already comes from
the environment, which `bench/run.py` sets.
"""

import os
from pathlib import Path

from newsroom.settings.production import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
