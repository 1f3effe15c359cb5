"""Reactions of the quality domain to annotation and task changes (see webapp/hooks.py)."""
