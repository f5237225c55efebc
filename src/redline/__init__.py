"""redline: decide whether an AI model version is safe enough to release, on evidence."""

from redline._version import __version__
from redline.errors import RedlineError

__all__ = ["RedlineError", "__version__"]
