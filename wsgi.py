"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`.

With QUORUM_BACKGROUND=inprocess (the default, `make run`) both start the background
scheduler (unless QUORUM_SCHEDULER=0); with QUORUM_BACKGROUND=worker (production) they only
enqueue and `flask --app wsgi worker` runs the jobs. The other flask commands load this file
too but never start it (webapp.jobs.is_serving_process).
"""
from webapp import create_app

app = create_app()
