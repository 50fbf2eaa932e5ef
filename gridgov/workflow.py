"""The one shape of a workflow: a table of moves, each from some states to one state, with the
roles that may make it and what else it needs. Appeals (`petitions.transitions`), assessment
periods (`assessment.services`) and expense reports (`funding.services.reports`) each declare
their own table with it; the services look their move up here and the pages ask it which moves
a user can make now, so a page never shows a button its service would refuse for the role.

What a move "needs" beyond a role is named, not run, here (`"unit"`: the actor belongs to the
appeal's handling unit; `"reason"`: a reason is given and an actor named): the app checks
those in its own terms, and `moves_for(..., needs=)` takes the app's check for the pages.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from accounts.scopes import scope_for


@dataclass(frozen=True)
class Move:
    """One move of a table: `action` from any of `sources` to `to`, by one of `roles`."""

    action: str
    sources: frozenset[str]
    to: str
    roles: frozenset[str]
    needs: frozenset[str] = field(default=frozenset())

    def __init__(self, action: str, sources: Iterable[str], to: str, roles: Iterable[str], needs: Iterable[str] = ()):
        object.__setattr__(self, "action", action)
        object.__setattr__(
            self, "sources", frozenset(str(s) for s in ([sources] if isinstance(sources, str) else sources))
        )
        object.__setattr__(self, "to", str(to))
        object.__setattr__(self, "roles", frozenset(roles))
        object.__setattr__(self, "needs", frozenset(needs))


class Workflow:
    """A table of moves over a set of states. `table` is the (state, action) → Move mapping the
    services and the property tests read; a state and an action name at most one move."""

    def __init__(self, name: str, states: Iterable[str], moves: Iterable[Move]):
        self.name = name
        self.states = frozenset(str(s) for s in states)
        self.moves: tuple[Move, ...] = tuple(moves)
        self.table: dict[tuple[str, str], Move] = {}
        for move in self.moves:
            for source in sorted(move.sources):
                key = (source, move.action)
                if key in self.table:
                    raise ValueError(f"{name}: two moves for {key}")
                self.table[key] = move
        unknown = {s for m in self.moves for s in (*m.sources, m.to)} - self.states
        if unknown:
            raise ValueError(f"{name}: moves name states it does not have: {sorted(unknown)}")

    @property
    def actions(self) -> list[str]:
        return list(dict.fromkeys(m.action for m in self.moves))

    def move(self, state: str, action: str) -> Move | None:
        """The move `action` makes from `state`, or None: the table does not allow it."""
        return self.table.get((str(state), action))

    def role_allows(self, actor, move: Move) -> bool:
        """Whether the actor's roles allow the move. `None` is the system. A superuser counts as an
        administrator and nothing more (separation of duties, docs/security.md): it makes only the
        moves the administrator's role may make."""
        if actor is None or (actor.is_superuser and "admin" in move.roles):
            return True
        return actor.is_authenticated and scope_for(actor).has_role(*move.roles)

    def may(self, actor, action: str, state: str | None = None) -> bool:
        """Whether the actor's roles allow `action` from `state` (from any state when None)."""
        moves = [self.move(state, action)] if state is not None else [m for m in self.moves if m.action == action]
        return any(m is not None and self.role_allows(actor, m) for m in moves)

    def moves_for(self, actor, state: str, *, needs: Callable[[Move], bool] | None = None) -> list[str]:
        """The actions the actor can make from `state` now, in the table's order: the role
        allows it and `needs(move)` (the app's check of what the move needs) holds."""
        return [
            m.action
            for (source, _action), m in self.table.items()
            if source == str(state) and self.role_allows(actor, m) and (needs is None or needs(m))
        ]
