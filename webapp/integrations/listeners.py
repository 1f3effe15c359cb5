"""Reactions of the integrations domain to annotation and task changes (see webapp/hooks.py)."""
