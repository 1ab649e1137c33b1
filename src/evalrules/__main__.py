"""``python -m evalrules`` is the ``evalrules`` command."""

import sys

from .cli import main

sys.exit(main())
