"""Evaluators of a checked ruleset: ``reference`` defines the meaning; others are tested on it."""
