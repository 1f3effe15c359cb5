"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`.

Both start the background scheduler (unless QUORUM_SCHEDULER=0); the other flask
commands load this file too but never start it (webapp.jobs.is_serving_process).
"""
from webapp import create_app

app = create_app()
