"""Project members: explicit rows, inherited access, role overrides (MEM-1, MEM-2, MEM-3).

Explicit members are ProjectMember rows. Workspace members and administrators reach the
project without one; they are listed as inherited and cannot be added or removed here.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from webapp.models import OrgRole, Project, ProjectMember, ProjectRole, User, Workspace, WorkspaceMember
from webapp.projects import ProjectError

OVERRIDABLE = (OrgRole.ANNOTATOR, OrgRole.REVIEWER)
ADMIN_REASON = "administrator, sees every project"
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class Member:
    user: User
    role: ProjectRole | None = None  # the project-level override, explicit members only
    inherited: str | None = None  # why an inherited member has access

    @property
    def explicit(self) -> bool:
        return self.inherited is None

    @property
    def can_override(self) -> bool:
        return self.explicit and self.user.org_role in OVERRIDABLE

    @property
    def override_refusal(self) -> str | None:
        """Why the role cannot be changed here, shown read-only (MEM-1)."""
        if not self.explicit:
            return f"Inherited ({self.inherited})."
        if self.user.org_role not in OVERRIDABLE:
            return f"{self.user.org_role.value.capitalize()}s keep their organisation role."
        return None

    @property
    def effective_role(self) -> OrgRole:
        return OrgRole(self.role.value) if self.role and self.can_override else self.user.org_role


def members(session: Session, project: Project) -> list[Member]:
    """Explicit members, then workspace members, then administrators; each user once."""
    explicit = session.execute(
        select(ProjectMember, User).join(User, User.id == ProjectMember.user_id)
        .where(ProjectMember.project_id == project.id).order_by(User.email)
    ).all()
    listed = [Member(user, pm.role) for pm, user in explicit]
    seen = {m.user.id for m in listed}
    for user, title in session.execute(
        select(User, Workspace.title)
        .join(WorkspaceMember, WorkspaceMember.user_id == User.id)
        .join(Workspace, Workspace.id == WorkspaceMember.workspace_id)
        .where(Workspace.id == project.workspace_id).order_by(User.email)
    ):
        if user.id not in seen:
            listed.append(Member(user, inherited=f"via workspace {title}"))
            seen.add(user.id)
    if not project.workspace.is_sandbox:  # nobody else reaches a Sandbox (GEN-2)
        for user in session.scalars(_admins(project).order_by(User.email)):
            if user.id not in seen:
                listed.append(Member(user, inherited=ADMIN_REASON))
    return listed


def _admins(project: Project):
    return select(User).where(
        User.organization_id == project.organization_id,
        User.org_role.in_((OrgRole.OWNER, OrgRole.ADMINISTRATOR)),
    )


def annotator_count(session: Session, project: Project) -> int:
    """Members who annotate here, for the Quality warning (QA-5)."""
    return sum(1 for m in members(session, project) if m.effective_role is OrgRole.ANNOTATOR)


def _org_user(session: Session, project: Project, user_id) -> User:
    user = session.get(User, user_id) if isinstance(user_id, int) and not isinstance(user_id, bool) else None
    if user is None or user.organization_id != project.organization_id:
        raise ProjectError("user", f"User {user_id} is not a user of this organisation.")
    return user


def _role(user: User, role) -> ProjectRole | None:
    if role is None or role == "":
        return None
    try:
        role = ProjectRole(role)
    except ValueError:
        raise ProjectError("role", "The project role must be annotator, reviewer or empty.") from None
    if user.org_role not in OVERRIDABLE:
        raise ProjectError(
            "role",
            f"{user.display_name} is {user.org_role.value.capitalize()} in the organisation; only "
            "Annotators and Reviewers can have a project-level role.",
        )
    return role


def _membership(session: Session, project: Project, user_id: int) -> ProjectMember | None:
    return session.scalar(
        select(ProjectMember).where(ProjectMember.project_id == project.id, ProjectMember.user_id == user_id)
    )


def _inherited_reason(session: Session, project: Project, user: User) -> str | None:
    for member in members(session, project):
        if member.user.id == user.id and not member.explicit:
            return member.inherited
    return None


def add_member(session: Session, project: Project, user_id, role=None) -> Member:
    """Add a user (MEM-3: in Auto mode an added annotator is offered tasks at once)."""
    user = _org_user(session, project, user_id)
    if _membership(session, project, user.id):
        raise ProjectError("user", f"{user.display_name} is already a member of this project.")
    reason = _inherited_reason(session, project, user)
    if reason:
        raise ProjectError("user", f"{user.display_name} already has access ({reason}).")
    member = ProjectMember(project_id=project.id, user_id=user.id, role=_role(user, role))
    session.add(member)
    session.flush()
    return Member(user, member.role)


def set_role(session: Session, project: Project, user_id, role) -> Member:
    user = _org_user(session, project, user_id)
    membership = _membership(session, project, user.id)
    if membership is None:
        raise ProjectError("user", f"{user.display_name} is not an explicit member of this project.")
    membership.role = _role(user, role)
    return Member(user, membership.role)


def remove_member(session: Session, project: Project, user_id) -> None:
    user = _org_user(session, project, user_id)
    reason = _inherited_reason(session, project, user)
    if reason:
        raise ProjectError("user", f"{user.display_name} cannot be removed here ({reason}).")
    if _membership(session, project, user.id) is None:
        raise ProjectError("user", f"{user.display_name} is not a member of this project.")
    session.execute(
        delete(ProjectMember).where(ProjectMember.project_id == project.id, ProjectMember.user_id == user.id)
    )


def search_users(session: Session, organization_id: int, query: str = "", limit: int = SEARCH_LIMIT) -> list[User]:
    """Organisation users whose email or name contains `query` (case-insensitive)."""
    stmt = select(User).where(User.organization_id == organization_id, User.is_active_user.is_(True))
    query = query.strip()
    if query:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        stmt = stmt.where(or_(User.email.ilike(pattern, escape="\\"), User.name.ilike(pattern, escape="\\")))
    return list(session.scalars(stmt.order_by(func.lower(User.email)).limit(limit)))
