"""The bootstrap's defaults, apart from `bootstrap` (which needs NumPy) so that the web
process can name them without importing NumPy."""

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0
