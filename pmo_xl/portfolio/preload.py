"""What every consolidation worker needs, loaded once by the forkserver before it forks them.

``runner`` names this module as the forkserver's preload: the server imports it once, and each
worker forked from it starts with the engine imported and the default holiday calendar built
(importing ``holidays`` loads every country: ~0.5 s, paid once instead of once per worker).
Nothing here runs in the parent process.
"""

from __future__ import annotations

from pmo_xl import services  # noqa: F401  (read, validate, analyse: what summarise calls)
from pmo_xl.core.calendar import public_holidays
from pmo_xl.portfolio import summary  # noqa: F401

public_holidays("france")
