"""Blueprints: thin views that parse a request, call one domain function, render."""
