"""Log in and out; the account page shows the API token."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from webapp.extensions import db
from webapp.forms.auth import LoginForm, RotateTokenForm
from webapp.models import User

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        if user is not None and user.is_active and user.check_password(form.password.data):
            login_user(user, remember=True)
            return redirect(_safe_next() or url_for("projects.index"))
        form.password.errors.append("Wrong email or password.")
    return render_template("auth/login.html", form=form)


def _safe_next() -> str | None:
    target = request.args.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else None


@bp.post("/logout")
@login_required
def logout():
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
