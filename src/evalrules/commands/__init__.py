"""The ``evalrules`` subcommands, one module each.

A command module has a docstring (its first line is the command's help), ``add_arguments(parser)``
and ``run(args) -> int`` (the exit status). :mod:`evalrules.cli` lists them in ``COMMANDS``.
"""
