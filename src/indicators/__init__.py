"""indicators: environmental outcome indicators for Chinese cities.

Computes the figures environment bureaus publish (good-day ratio, PM2.5, O3 P90,
composite index, section compliance, drinking-water compliance, black-odorous
elimination, sea-water class shares, noise compliance) from monitoring data,
exactly as the national standards define them.

Modules: :mod:`indicators.air` (HJ 633, GB 3095, HJ 663),
:mod:`indicators.water` (GB 3838-2002 with the 2011 method, TLI, CWQI),
:mod:`indicators.drinking` (GB 3838-2002, GB/T 14848-2017), :mod:`indicators.sea`
(GB 3097-1997), :mod:`indicators.blackodorous` (城市黑臭水体整治工作指南, 2015),
:mod:`indicators.noise` (GB 3096-2008, HJ 640-2012), :mod:`indicators.trends`,
:mod:`indicators.targets`, :mod:`indicators.ranking`, :mod:`indicators.plot`
(figures: ``from indicators import plot``), :mod:`indicators.io`
(readers), :mod:`indicators.demo` (synthetic demo data), :mod:`indicators.standards`
(the standards tables), :mod:`indicators.glossary` (column names and units).
"""

from .errors import IndicatorInputError, IndicatorWarning

__version__ = "0.1.0"
__all__ = ["IndicatorInputError", "IndicatorWarning", "__version__"]
