"""Trust policies (C2SP tlog-policy): which logs, which witnesses, and the quorum of
cosignatures a checkpoint needs before a proof against it is accepted.

    log <vkey> [<url>]
    witness <name> <vkey> [<url>]
    group <name> all|any|<k> <name>...
    quorum <name>          # or: quorum none
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cosignature import CosignerKey
from .note import NoteError, Verifier

_SPACE = re.compile(r"[ \t]+")


class PolicyError(ValueError):
    """A policy file that is not in the format; the message names the line."""


@dataclass(frozen=True)
class Witness:
    name: str
    key: CosignerKey
    url: str | None = None


@dataclass
class Policy:
    logs: list[Verifier] = field(default_factory=list)
    log_urls: dict[str, str | None] = field(default_factory=dict)
    witnesses: dict[str, Witness] = field(default_factory=dict)
    #: group name -> (threshold, members)
    groups: dict[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict)
    quorum: str = ""

    def witnessed(self, name: str, cosigned: set[str]) -> bool:
        """Whether ``name`` (a witness, a group or ``none``) witnessed, given who cosigned."""
        if name == "none":
            return True
        if name in self.witnesses:
            return name in cosigned
        threshold, members = self.groups[name]
        return sum(self.witnessed(member, cosigned) for member in members) >= threshold

    def satisfied(self, cosigned: set[str]) -> bool:
        return self.witnessed(self.quorum, cosigned)

    def describe(self, name: str | None = None) -> str:
        """The quorum rule in words, e.g. ``2 of (w1, w2, w3)``."""
        name = name or self.quorum
        if name == "none" or name in self.witnesses:
            return name
        threshold, members = self.groups[name]
        return f"{threshold} of ({', '.join(self.describe(m) for m in members)})"


def parse_policy(text: str) -> Policy:
    policy = Policy()
    names: set[str] = set()
    keys: set[bytes] = set()
    for number, raw in enumerate(text.split("\n"), start=1):
        if any(ord(c) < 0x20 and c != "\t" for c in raw.rstrip("\r")):
            raise PolicyError(f"line {number}: control characters are not allowed")
        words = _SPACE.split(raw.strip(" \t\r"))
        if words == [""] or words[0].startswith("#"):
            continue
        try:
            _line(policy, words, names, keys)
        except (NoteError, PolicyError) as exc:
            raise PolicyError(f"line {number}: {exc}") from None
    if not policy.quorum:
        raise PolicyError("the policy has no quorum line")
    return policy


def _line(policy: Policy, words: list[str], names: set[str], keys: set[bytes]) -> None:
    kind, args = words[0], words[1:]
    if kind == "log" and len(args) in (1, 2):
        log = Verifier.parse(args[0])
        if log.public_key in {v.public_key for v in policy.logs}:
            raise PolicyError("duplicate log key")
        policy.logs.append(log)
        policy.log_urls[log.name] = args[1] if len(args) == 2 else None
    elif kind == "witness" and len(args) in (2, 3):
        name, key = args[0], CosignerKey.parse(args[1])
        _new_name(name, names)
        if key.public_key in keys:
            raise PolicyError(f"witness {name}: duplicate witness key")
        keys.add(key.public_key)
        policy.witnesses[name] = Witness(name, key, args[2] if len(args) == 3 else None)
    elif kind == "group" and len(args) >= 3:
        name, rule, members = args[0], args[1], tuple(args[2:])
        _new_name(name, names)
        if len(set(members)) != len(members):
            raise PolicyError(f"group {name} lists a member twice")
        for member in members:
            if member not in names or member == name:
                raise PolicyError(f"group {name}: '{member}' is not defined on an earlier line")
        n = len(members)
        threshold = {"all": n, "any": 1}.get(rule) or (int(rule) if rule.isdigit() else 0)
        if not 1 <= threshold <= n:
            raise PolicyError(f"group {name}: threshold '{rule}' must be all, any or 1..{n}")
        policy.groups[name] = (threshold, members)
    elif kind == "quorum" and len(args) == 1:
        if policy.quorum:
            raise PolicyError("more than one quorum line")
        if args[0] != "none" and args[0] not in names:
            raise PolicyError(f"quorum '{args[0]}' is not defined on an earlier line")
        policy.quorum = args[0]
    else:
        raise PolicyError(f"'{' '.join(words)}' is not a log, witness, group or quorum line")


def _new_name(name: str, names: set[str]) -> None:
    if name == "none" or name in names:
        raise PolicyError(f"the name '{name}' is reserved or already defined")
    names.add(name)
