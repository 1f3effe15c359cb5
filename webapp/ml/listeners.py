"""Reactions of the ml domain to annotation and task changes (see webapp/hooks.py)."""
