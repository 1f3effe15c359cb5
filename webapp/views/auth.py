"""Log in and out; the account page shows the API token.

Failed logins are counted per account and per client address; past either limit a login is
refused, even with the right password, until the window has passed (issue 13 point 3).
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required, login_user, logout_user

from webapp.extensions import db, limiter
from webapp.forms.auth import LoginForm, RotateTokenForm
from webapp.logins import authenticate, end_login, start_login
from webapp.safe_redirect import local_path

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    return "login-account:" + request.form.get("email", "").strip().lower()


def _login_failed(_response: Response) -> bool:
    # Only wrong credentials count: a refused form (missing CSRF token) or a success does not.
    return g.get("login_failed", False)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["QUORUM_LOGIN_LIMIT_ACCOUNT"], key_func=_account_key, methods=["POST"],
    deduct_when=_login_failed, error_message="Too many failed logins for this account.",
)
@limiter.limit(
    lambda: current_app.config["QUORUM_LOGIN_LIMIT_ADDRESS"], methods=["POST"],
    deduct_when=_login_failed, error_message="Too many failed logins from your network address.",
)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            start_login(db.session, user, current_app.config["REMEMBER_COOKIE_DURATION"])
            db.session.commit()
            login_user(user, remember=True)
            return redirect(local_path(request.args.get("next", "")) or url_for("projects.index"))
        g.login_failed = True
        form.password.errors.append("Wrong email or password.")
    return render_template("auth/login.html", form=form)


@bp.errorhandler(RateLimitExceeded)
def login_throttled(exc: RateLimitExceeded):
    form = LoginForm()
    minutes = -(-exc.limit.limit.get_expiry() // 60)  # the limit's window, rounded up
    form.password.errors = [f"{exc.description} Wait up to {minutes} minutes, then try again."]
    return render_template("auth/login.html", form=form), 429


@bp.post("/logout")
@login_required
def logout():
    # Delete the login row first: copies of this session or remember cookie then load no one.
    if current_user.get_id() is not None:
        end_login(db.session, current_user.get_id())
        db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = RotateTokenForm()
    if form.validate_on_submit():
        current_user.rotate_api_token()
        db.session.commit()
        flash("A new API token was made; the old one no longer works.", "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)
