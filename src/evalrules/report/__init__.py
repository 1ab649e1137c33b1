"""The HTML report of a graded file (``evalrules report``) and the records near a line.

:mod:`report.near` finds the records whose decisions one vote would change; :mod:`report.page`
writes the page.
"""

from .near import Change, Move, Near, near_the_line
from .page import render

__all__ = ["Change", "Move", "Near", "near_the_line", "render"]
