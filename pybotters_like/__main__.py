"""``python -m pybotters_like``: see :mod:`pybotters_like.cli`."""

import sys

from pybotters_like.cli import main

sys.exit(main())
