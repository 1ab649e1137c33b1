"""The message catalogue's sections, one module per part of evalrules that speaks: each a
dict of key → (Chinese, English). :mod:`evalrules.messages` joins them (and
:mod:`evalrules.helptext`) into ``MESSAGES`` and says them. Imports nothing.
"""
