"""``python -m bench [--quick]``: run every benchmark (see :mod:`bench.runner`)."""

import sys

from bench.runner import main

sys.exit(main())
