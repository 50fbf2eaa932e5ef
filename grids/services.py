"""Every write to the grid tree, the departments and the staff assignments."""

import datetime
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from gridgov.dates import check_date
from gridgov.errors import Conflict, InvalidInput
from gridgov.text import clean_text

from . import geometry
from .locator import invalidate_locator
from .models import CODE_DIGITS, CODE_LENGTH, Assignment, Department, GridNode, Level
from .roles import DEPARTMENT_ROLES, ROLE_LEVELS, STAFF_MANAGERS, Role
from .scopes import require_role

TREE_EDITORS = STAFF_MANAGERS
# What the audit trail records of a staff post.
ASSIGNMENT_FIELDS = ("user", "role", "node", "department", "valid_from", "valid_to")
USER_FIELDS = ("username", "name", "is_active", "is_staff", "is_superuser")


def _clean_name(name: str, what: str) -> str:
    if not (name or "").strip():
        raise InvalidInput(_("%(what)s needs a name.") % {"what": what}, field="name")
    return clean_text(name, field="name", label=what, max_length=100)


def check_code(code: str, *, level: int, parent_code: str | None) -> str:
    """A code is digits, as long as its level's, and starts with its parent's code."""
    code = (code or "").strip()
    if level > Level.UNIT_GRID:
        raise InvalidInput(_("A unit grid is the lowest level; it cannot have children."), field="parent")
    if not re.fullmatch(r"\d+", code) or len(code) != CODE_LENGTH[level]:
        raise InvalidInput(
            _("Code %(code)s is not valid for a %(level)s: it must be %(n)d digits.")
            % {"code": code, "level": Level(level).label, "n": CODE_LENGTH[level]},
            field="code",
        )
    if parent_code is not None and not code.startswith(parent_code):
        raise InvalidInput(
            _("Code %(code)s must start with its parent's code %(parent)s.") % {"code": code, "parent": parent_code},
            field="code",
        )
    if int(code[-CODE_DIGITS[level] :]) == 0:
        raise InvalidInput(_("Code %(code)s ends in zeros; child numbers start at 1.") % {"code": code}, field="code")
    return code


def _next_code(parent: GridNode) -> str:
    level = parent.level + 1
    digits = CODE_DIGITS[level]
    # Nodes are never deleted, so the highest code in use is the highest ever issued.
    highest = GridNode.objects.filter(parent=parent).aggregate(m=Max("code"))["m"]
    number = int(highest[-digits:]) + 1 if highest else 1
    if number >= 10**digits:
        raise InvalidInput(_("%(parent)s has no free child codes left.") % {"parent": parent}, field="code")
    return f"{parent.code}{number:0{digits}d}"


def _check_inside_parent(shape, padded_parent_shape, parent: GridNode) -> None:
    if not padded_parent_shape.covers(shape):
        raise InvalidInput(
            _("The boundary reaches outside its parent %(parent)s.") % {"parent": parent}, field="boundary"
        )


def _check_no_overlap(shape, siblings) -> None:
    for sibling, sibling_shape in siblings:
        if geometry.overlaps_in_area(shape, sibling_shape):
            raise InvalidInput(
                _("The boundary overlaps its sibling %(sibling)s.") % {"sibling": sibling}, field="boundary"
            )


def _node_fields(shape) -> dict:
    return {"boundary": geometry.to_geojson(shape), **geometry.bbox_fields(shape)}


@transaction.atomic
def grid_node_create(*, actor, parent: GridNode | None, name: str, boundary: dict, code: str | None = None) -> GridNode:
    """Add one node under `parent` (or the district root when there is none yet)."""
    require_role(actor, *TREE_EDITORS, action=_("change the grid tree"))
    if parent is None:
        if GridNode.objects.exists():
            raise Conflict(_("The district already has its root node; add new nodes under it."))
        level = Level.DISTRICT
    else:
        # Locked so that two additions under one parent get different codes and are checked
        # against each other for overlap.
        parent = GridNode.objects.select_for_update().get(pk=parent.pk)
        level = parent.level + 1
        if level > Level.UNIT_GRID:
            raise InvalidInput(_("A unit grid is the lowest level; it cannot have children."), field="parent")
    name = _clean_name(name, Level(level).label)
    code = check_code(code or _next_code(parent), level=level, parent_code=parent.code if parent else None)
    if holder := GridNode.objects.filter(code=code).first():
        raise Conflict(_("Code %(code)s already belongs to %(node)s.") % {"code": code, "node": holder}, field="code")
    shape = geometry.parse_boundary(boundary)
    if parent is not None:
        _check_inside_parent(shape, geometry.padded(geometry.parse_boundary(parent.boundary)), parent)
        siblings = [(s, geometry.parse_boundary(s.boundary)) for s in parent.get_children()]
        _check_no_overlap(shape, siblings)
    node = GridNode(parent=parent, code=code, name=name, **_node_fields(shape))
    try:
        with transaction.atomic():
            node.save()
            audit.record(
                actor=actor, action="create", obj=node, changes=audit.created(node, ("code", "name", "parent"))
            )
    except IntegrityError as exc:
        raise Conflict(_("Code %(code)s is already taken.") % {"code": code}, field="code") from exc
    if level == Level.UNIT_GRID:
        invalidate_locator()
    return node


@transaction.atomic
def grid_node_update(*, actor, node: GridNode, name: str | None = None, boundary: dict | None = None) -> GridNode:
    """Rename a node or redraw its boundary (inside its parent, around its children, clear of
    its siblings). The code and the place in the tree do not change."""
    require_role(actor, *TREE_EDITORS, action=_("change the grid tree"))
    node = GridNode.objects.select_for_update().get(pk=node.pk)
    old_name = node.name
    fields = []
    if name is not None:
        node.name = _clean_name(name, node.level_label)
        fields.append("name")
    if boundary is not None:
        shape = geometry.parse_boundary(boundary)
        if node.parent_id:
            parent = node.parent
            _check_inside_parent(shape, geometry.padded(geometry.parse_boundary(parent.boundary)), parent)
            siblings = [(s, geometry.parse_boundary(s.boundary)) for s in node.get_siblings()]
            _check_no_overlap(shape, siblings)
        for child in node.get_children():
            if not geometry.padded(shape).covers(geometry.parse_boundary(child.boundary)):
                raise InvalidInput(
                    _("The new boundary leaves out part of %(child)s; redraw the child first.") % {"child": child},
                    field="boundary",
                )
        for key, value in _node_fields(shape).items():
            setattr(node, key, value)
        fields += ["boundary", "min_lon", "min_lat", "max_lon", "max_lat"]
        if node.level == Level.UNIT_GRID:
            invalidate_locator()
    if fields:
        node.save(update_fields=[*fields, "updated_at"])
        # The boundary itself is kept in the node's history of shapes, not copied here.
        changes = {"name": [old_name, node.name]} if node.name != old_name else {}
        if "boundary" in fields:
            changes["boundary"] = [None, "redrawn"]
        if changes:
            audit.record(actor=actor, action="update", obj=node, changes=changes)
    return node


@dataclass
class NodeSpec:
    """One node of a tree to create in bulk (see grid_tree_create)."""

    name: str
    code: str
    boundary: dict
    children: list["NodeSpec"] = field(default_factory=list)


@transaction.atomic
def grid_tree_create(*, actor, root: NodeSpec) -> int:
    """Create a whole district tree at once: every node is checked as grid_node_create would
    (levels, codes, containment, sibling overlap), then all are inserted in a few bulk
    statements with their MPTT columns computed here. Returns the number of nodes."""
    require_role(actor, *TREE_EDITORS, action=_("change the grid tree"))
    if GridNode.objects.exists():
        raise Conflict(_("The database already holds a grid tree; a district is created only once."))

    seen: set[str] = set()
    by_level: list[list[tuple[GridNode, NodeSpec | None]]] = [[] for _level in Level]
    counter = 0

    def visit(spec: NodeSpec, level: int, parent: GridNode | None, parent_shape) -> tuple[GridNode, object]:
        nonlocal counter
        name = _clean_name(spec.name, Level(level).label)
        code = check_code(spec.code, level=level, parent_code=parent.code if parent else None)
        if code in seen:
            raise Conflict(_("Code %(code)s appears twice.") % {"code": code}, field="code")
        seen.add(code)
        try:
            shape = geometry.parse_boundary(spec.boundary)
        except InvalidInput as exc:
            raise InvalidInput(f"{name} ({code}): {exc.message}", field="boundary") from exc
        if parent_shape is not None:
            _check_inside_parent(shape, parent_shape, parent)
        counter += 1
        node = GridNode(code=code, name=name, level=level, tree_id=tree_id, lft=counter, **_node_fields(shape))
        node._parent_obj = parent  # resolved to parent_id once the parent has its pk
        by_level[level].append(node)
        if spec.children and level == Level.UNIT_GRID:
            raise InvalidInput(
                _("%(node)s is a unit grid, the lowest level; it cannot have children.") % {"node": code},
                field="parent",
            )
        padded = geometry.padded(shape)
        children = []
        for child_spec in sorted(spec.children, key=lambda s: s.code):
            child, child_shape = visit(child_spec, level + 1, node, padded)
            children.append((child, child_shape))
        for i, (_child, child_shape) in enumerate(children):
            _check_no_overlap(child_shape, children[i + 1 :])
        counter += 1
        node.rght = counter
        return node, shape

    tree_id = (GridNode.objects.aggregate(m=Max("tree_id"))["m"] or 0) + 1
    visit(root, Level.DISTRICT, None, None)
    for nodes in by_level:
        for node in nodes:
            if node._parent_obj is not None:
                node.parent_id = node._parent_obj.pk
        GridNode.objects.bulk_create(nodes, batch_size=500)
    invalidate_locator()
    root_node = by_level[Level.DISTRICT][0]
    audit.record(
        actor=actor,
        action="create",
        obj=root_node,
        changes={"code": [None, root_node.code], "name": [None, root_node.name], "nodes": [None, counter // 2]},
    )
    return counter // 2


@transaction.atomic
def department_create(*, actor, code: str, name: str) -> Department:
    require_role(actor, *TREE_EDITORS, action=_("manage departments"))
    name = _clean_name(name, _("A department"))
    code = (code or "").strip()
    if not re.fullmatch(r"[-a-z0-9_]{1,40}", code):
        raise InvalidInput(_("A department code is 1–40 lowercase letters, digits, - or _."), field="code")
    if Department.objects.filter(code=code).exists():
        raise Conflict(_("Department code %(code)s is taken.") % {"code": code}, field="code")
    if Department.objects.filter(name=name).exists():
        raise Conflict(_("A department named %(name)s exists.") % {"name": name}, field="name")
    department = Department.objects.create(code=code, name=name)
    audit.record(actor=actor, action="create", obj=department, changes=audit.created(department, ("code", "name")))
    return department


@transaction.atomic
def department_update(*, actor, department: Department, name: str, is_active: bool) -> Department:
    """Rename a department or stop it taking new work; its code never changes."""
    require_role(actor, *TREE_EDITORS, action=_("manage departments"))
    name = _clean_name(name, _("A department"))
    if Department.objects.filter(name=name).exclude(pk=department.pk).exists():
        raise Conflict(_("A department named %(name)s exists.") % {"name": name}, field="name")
    department = Department.objects.select_for_update().get(pk=department.pk)
    before = audit.snapshot(department, ("name", "is_active"))
    department.name, department.is_active = name, bool(is_active)
    department.save(update_fields=["name", "is_active"])
    if changes := audit.diff(before, audit.snapshot(department, ("name", "is_active"))):
        audit.record(actor=actor, action="update", obj=department, changes=changes)
    return department


def _check_role_place(role: str, node: GridNode | None, department: Department | None) -> None:
    """Each role is held where docs/domain.md §1 puts it: a street office on a street, a grid
    assistant on a unit grid, a department officer on a department, and so on."""
    if role not in Role.values:
        raise InvalidInput(_("Unknown role %(role)s.") % {"role": role}, field="role")
    if role in DEPARTMENT_ROLES:
        if department is None or node is not None:
            raise InvalidInput(_("A department role is held on a department, not a grid node."), field="department")
    else:
        if node is None or department is not None:
            raise InvalidInput(_("This role is held on a grid node."), field="node")
        if node.level not in ROLE_LEVELS[role]:
            allowed = ", ".join(str(Level(lv).label) for lv in sorted(ROLE_LEVELS[role]))
            raise InvalidInput(
                _("A %(role)s is assigned on a %(levels)s, not on a %(level)s.")
                % {"role": Role(role).label, "levels": allowed, "level": node.level_label},
                field="node",
            )


@transaction.atomic
def assignment_start(
    *,
    actor,
    user,
    role: str,
    node: GridNode | None = None,
    department: Department | None = None,
    valid_from: datetime.date | None = None,
    note: str = "",
) -> Assignment:
    """Give `user` a role on a grid node, or on a department for department roles."""
    require_role(actor, *STAFF_MANAGERS, action=_("assign staff"))
    _check_role_place(role, node, department)
    valid_from = check_date(valid_from, field="valid_from") or timezone.localdate()
    clash = Assignment.objects.select_for_update().filter(user=user, role=role, node=node, department=department)
    if clash.filter(valid_to__isnull=True).exists() or clash.filter(valid_to__gt=valid_from).exists():
        raise Conflict(_("%(user)s already holds this role there.") % {"user": user})
    assignment = Assignment.objects.create(
        user=user,
        role=role,
        node=node,
        department=department,
        valid_from=valid_from,
        created_by=actor,
        note=(note or "")[:200],
    )
    audit.record(
        actor=actor, action="create", obj=assignment, changes=audit.created(assignment, ASSIGNMENT_FIELDS), reason=note
    )
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, valid_to: datetime.date | None = None) -> Assignment:
    """End an assignment on `valid_to` (today by default; the day it no longer holds).
    The row stays: history is kept, never overwritten."""
    require_role(actor, *STAFF_MANAGERS, action=_("end assignments"))
    valid_to = check_date(valid_to, field="valid_to") or timezone.localdate()
    if valid_to < assignment.valid_from:
        raise InvalidInput(_("An assignment cannot end before it began."), field="valid_to")
    updated = Assignment.objects.filter(pk=assignment.pk, valid_to__isnull=True).update(
        valid_to=valid_to, ended_by=actor
    )
    if updated != 1:
        raise Conflict(_("This assignment has already ended."))
    assignment.refresh_from_db()
    audit.record(actor=actor, action="end", obj=assignment, changes={"valid_to": [None, valid_to]})
    return assignment


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name: str
    password_hash: str
    role: str
    node: GridNode | None = None
    department: Department | None = None


@transaction.atomic
def staff_bulk_create(*, actor, staff: list[StaffSpec], valid_from: datetime.date | None = None) -> int:
    """Create many staff users with one assignment each, checked as assignment_start checks
    them, in bulk statements (the demo district has about 2,000). Returns the count."""
    from django.contrib.auth import get_user_model

    require_role(actor, *STAFF_MANAGERS, action=_("assign staff"))
    User = get_user_model()
    usernames = [s.username for s in staff]
    if len(set(usernames)) != len(usernames):
        raise Conflict(_("A username appears twice in the staff list."))
    if taken := list(User.objects.filter(username__in=usernames).values_list("username", flat=True)[:5]):
        raise Conflict(_("These usernames are taken: %(names)s") % {"names": ", ".join(taken)})
    for spec in staff:
        _check_role_place(spec.role, spec.node, spec.department)
    users = User.objects.bulk_create(
        [User(username=s.username, name=s.name, password=s.password_hash) for s in staff], batch_size=1000
    )
    valid_from = check_date(valid_from, field="valid_from") or timezone.localdate()
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                user=u, role=s.role, node=s.node, department=s.department, valid_from=valid_from, created_by=actor
            )
            for u, s in zip(users, staff, strict=True)
        ],
        batch_size=1000,
    )
    audit.record_many(actor=actor, action="create", objs=users, fields=USER_FIELDS)
    audit.record_many(actor=actor, action="create", objs=assignments, fields=ASSIGNMENT_FIELDS)
    return len(users)
