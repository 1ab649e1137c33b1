"""Proofs about rulesets with an SMT solver (the ``verify`` extra: z3-solver): what
``evalrules verify`` and ``evalrules diff --prove`` answer. See docs/verify.md.

Imports z3 through its modules; nothing below the public face imports this package.
"""
