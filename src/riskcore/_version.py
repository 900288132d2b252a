"""riskcore's version, in a module that imports nothing.

Pipeline modules that record the version (an assessment's provenance) import it
from here rather than from the package root, which imports every layer.
"""

__version__ = "0.1.0"
