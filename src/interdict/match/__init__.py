"""Matching: candidate index, scorer, explanations."""
