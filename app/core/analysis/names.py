"""People and organisations of one article, and who a speaker phrase refers to.

:class:`NameBook` reads an article's sentences in order. It remembers:

* people with their full name as first introduced, their role ("Shadow Health Secretary
  Wes Tarrant", "Marta Oyelaran, an economist at ...") and, when the article shows it,
  their gender (Mr/Ms/Mrs, "spokeswoman", or the pronoun the article uses for them);
* organisations, the type the article gives them ("supermarket group Northwind Foods")
  and their abbreviations ("the Department for Education (DfE)", or initials);
* who was mentioned last, so that "he"/"she" go to the latest person who agrees with the
  pronoun and "it"/"they" to the latest organisation or group that made a claim.

:meth:`NameBook.resolve` turns a :class:`~.claimant.Speaker` into (claimant, role).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.core.analysis.claimant import IMPERSONAL, Speaker
from app.core.analysis.claimant_words import (
    DETERMINERS,
    FEMALE_HONORIFICS,
    HONORIFICS,
    MALE_HONORIFICS,
    NOT_A_NAME,
    ORG_TYPE_KIN,
    ORG_TYPES,
    ORG_WORDS,
    PLACES,
    ROLE_HEADS,
)
from app.core.analysis.name_phrases import (
    LOWER_WORDS,
    NAME_CONNECTORS,
    WORD,
    Person,
    is_acronym,
    is_cap,
    looks_like_org,
    parse_phrase,
    split_name,
    strip_determiners,
)

_ACRONYM_DEF = re.compile(
    r"\b((?:[A-Z][\w'’-]*|of|for|and|the|on|&)(?:\s+(?:[A-Z][\w'’-]*|of|for|and|the|on|&)){1,8})"
    r"\s+\(([A-Z][A-Za-z&]{1,9})\)"
)
_AGE_NAME = re.compile(r"\b([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}),\s+\d{1,3},")
_CAP_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:(?:of|for|and|on)\s+)?[A-Z][\w'’.-]*)*")
_DESCRIBED_ORG = re.compile(
    r"\b(" + "|".join(sorted(ORG_TYPES)) + r")\s+([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,4})"
)
_HONORIFIC_NAME = re.compile(
    r"\b(Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Sir|Dame|Cllr|Lord|Lady)\.?\s+"
    r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
)
_NAME_THEN_ROLE = re.compile(
    r"\b([A-Z][a-z][\w'’-]*\s+[A-Z][a-z][\w'’-]*),\s+(?:an?|the)\s+(?:[\w'’-]+\s+){0,3}?(?i:"
    + "|".join(re.escape(w) for w in sorted(ROLE_HEADS, key=len, reverse=True))
    + r")\b"
)
_ROLE_NAME = re.compile(
    r"\b(?i:"
    + "|".join(re.escape(w) for w in sorted(ROLE_HEADS, key=len, reverse=True))
    + r")\b\.?,?\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}"
)
_ROLE_HEAD_WORDS = frozenset(w.rstrip(".") for w in ROLE_HEADS)


def _initials(name: str) -> tuple[str, str]:
    """Initials of a name's capitalised words, and of all its words ("DfE" keeps the f)."""
    words = name.replace("&", " ").split()
    caps = "".join(w[0] for w in words if w[:1].isupper())
    every = "".join(w[0] for w in words if w.lower() not in {"the", "and", "of"})
    return caps.upper(), every.upper()


@dataclass
class NameBook:
    """What one article has said so far about its people and organisations."""

    people: dict[str, Person] = field(default_factory=dict)  # by surname and by full name
    orgs: list[tuple[str, str | None]] = field(default_factory=list)  # (name, type)
    acronyms: dict[str, str] = field(default_factory=dict)
    recent_people: list[Person] = field(default_factory=list)
    last_org: str | None = None  # latest organisation or group that made a claim
    last_claimant: str | None = None
    claims: dict[str, int] = field(default_factory=dict)  # claimant -> sentences so far
    first_names: dict[str, str] = field(default_factory=dict)  # surname -> first full form
    sentence: int = 0  # sentences read so far
    mentioned_at: dict[int, int] = field(default_factory=dict)  # id(person) -> sentence
    org_seen: dict[str, int] = field(default_factory=dict)  # organisation -> last sentence

    # --- reading the article ---------------------------------------------------------

    def register(self, masked: str) -> None:
        """Note the names a sentence introduces (before its speaker is resolved)."""
        self.sentence += 1
        if "(" in masked:
            for match in _ACRONYM_DEF.finditer(masked):
                words = strip_determiners(match.group(1).split())
                name = " ".join(words)
                # keep only the words the abbreviation's letters can cover
                acronym = match.group(2)
                while (
                    sum(w.lower() not in NAME_CONNECTORS for w in words) > len(acronym)
                    and words[0].lower() not in ORG_WORDS
                ) or (words and words[0].lower() in NAME_CONNECTORS):
                    words = words[1:]
                name = " ".join(words)
                self.acronyms[acronym.upper()] = name
                self._add_org(name, None)
        # the costly patterns run only on sentences holding one of the words they need
        lowered = set(LOWER_WORDS.findall(masked.lower()))
        if not ORG_TYPES.isdisjoint(lowered):
            for match in _DESCRIBED_ORG.finditer(masked):
                parsed = split_name(match.group(2).split())
                if parsed is not None:
                    self._add_org(parsed.name, match.group(1).lower())
        for match in _HONORIFIC_NAME.finditer(masked):
            title = match.group(1).lower()
            gender = (
                "f" if title in FEMALE_HONORIFICS else "m" if title in MALE_HONORIFICS else None
            )
            self.person(match.group(2), None, gender)
        for match in _AGE_NAME.finditer(masked):
            self.person(match.group(1), None, None)
        if not _ROLE_HEAD_WORDS.isdisjoint(lowered):
            for match in _ROLE_NAME.finditer(masked):
                # up to two capitalised words before the role belong to it ("Shadow Health")
                before = masked[: match.start()].split()[-2:]
                # only words right before the role, with no punctuation between
                while before and (not is_cap(before[0]) or before[0][-1] in ",;:.—–)"):
                    before = before[1:]
                if before and before[-1][-1] in ",;:.—–)":
                    before = []
                # "the health commissioner, Aline Moreau": the comma of apposition goes
                parsed = split_name([*before, *match.group(0).replace(",", " ").split()])
                if parsed is not None and parsed.kind == "person" and " " in parsed.name:
                    # a role in apposition is read in full when the person speaks
                    # a role in apposition is read in full when the person speaks
                    apposed = "," in match.group(0)
                    self.person(parsed.name, None if apposed else parsed.role, parsed.gender)
            if ", " in masked:
                for match in _NAME_THEN_ROLE.finditer(masked):
                    first = match.group(1).split()[0].lower()
                    if first not in NOT_A_NAME and first not in HONORIFICS:
                        self.person(match.group(1), None, None)
        for match in _CAP_RUN.finditer(masked):
            words = match.group(0).rstrip(".").split()  # "..., Aline Moreau." ends the sentence
            if len(words) < 2 or words[0].lower() in NOT_A_NAME:
                continue
            if looks_like_org(words):
                self._add_org(" ".join(words), None)
            elif len(words) <= 3 and all(
                w[1:].islower()
                and w.lower() not in ROLE_HEADS
                and w.lower() not in PLACES
                and w.lower() not in HONORIFICS
                for w in words
            ):
                # a name as the article first gives it, for a later "Mr Vega" or "Vega said"
                self.first_names.setdefault(words[-1], " ".join(words))

    def note_mentions(self, masked: str, claimant: str | None) -> None:
        """The people a sentence mentions, its claimant last: "he" and "she" look here."""
        if not self.people:
            return
        for word in WORD.findall(masked):
            word = word.rstrip(".")  # "... Aline Moreau." at a sentence's end
            key = word[:-2] if word.endswith(("'s", "’s")) else word
            person = self.people.get(key)
            if person is not None:
                self._mention(person)
        speaker = self.people.get(claimant) if claimant else None
        if speaker is not None:
            self._mention(speaker)

    def _mention(self, person: Person) -> None:
        if person in self.recent_people:
            self.recent_people.remove(person)
        self.recent_people.append(person)
        self.mentioned_at[id(person)] = self.sentence
        del self.recent_people[:-12]

    def _add_org(self, name: str, org_type: str | None) -> None:
        """Remember an organisation; the list runs from least to most recently named."""
        for i, (known, kind) in enumerate(self.orgs):
            if known == name:
                del self.orgs[i]
                org_type = org_type or kind
                break
        self.orgs.append((name, org_type))
        self.org_seen[name] = self.sentence

    def person(self, name: str, role: str | None, gender: str | None) -> Person:
        """The person called ``name`` here, introduced now if the article had not yet."""
        words = name.split()
        known = self.people.get(name) or self.people.get(words[-1])
        if known is not None and (len(words) == 1 or known.full.split()[0] == words[0]):
            if role and (known.role is None or role.lower().endswith(" " + known.role.lower())):
                known.role = role  # "minister" seen first, "Argentine farm minister" in full
            if known.gender is None and gender:
                known.gender = gender
            return known
        if len(words) == 1 and words[0] in self.first_names:
            name = self.first_names[words[0]]
            words = name.split()
        person = Person(name, role, gender)
        if len(words) >= 2:
            self.people[name] = person
            self.people[words[-1]] = person
        return person

    # --- resolving a speaker ---------------------------------------------------------

    def org_name(self, name: str) -> str:
        """The full name of an organisation as the article gave it."""
        key = name.upper().replace(".", "")
        if key in self.acronyms:
            return self.acronyms[key]
        if is_acronym(name):
            for known, _ in reversed(self.orgs):
                if key in _initials(known) and " " in known:
                    return known
            return name
        words = name.split()
        if len(words) == 1:
            low = name.lower()
            for known, _ in reversed(self.orgs):
                parts = known.lower().split()
                if len(parts) > 1 and (parts[0] == low or parts[-1] == low):
                    return known
        return name

    def org_of_type(self, org_type: str) -> str | None:
        """ "the company": the organisation of that type the article quotes most."""
        kin = ORG_TYPE_KIN.get(org_type, org_type)
        typed = [
            known
            for known, kind in self.orgs
            if kind is not None and ORG_TYPE_KIN.get(kind, kind) == kin
        ]
        if typed:
            # the latest wins a tie: max() keeps the first of equals, so walk backwards
            return max(reversed(typed), key=lambda name: self.claims.get(name, 0))
        for known, _ in reversed(self.orgs):
            if org_type in known.lower().split():
                return known
        # an organisation of no stated type named in this or the last sentence
        for known, kind in reversed(self.orgs):
            if kind is None and " " in known and self.org_seen[known] >= self.sentence - 1:
                return known
        return None

    def _pronoun(self, pronoun: str) -> str | None:
        if pronoun in {"he", "she"}:
            wanted = "f" if pronoun == "she" else "m"
            recent = self.recent_people
            last = self.people.get(self.last_claimant) if self.last_claimant else None
            # the last speaker if just mentioned, then whoever the last sentence named, then
            # the latest of the pronoun's gender, then anyone not of the other gender
            just_named = [
                p for p in reversed(recent) if self.mentioned_at.get(id(p), 0) >= self.sentence - 1
            ]
            last = last if last is not None and last in recent[-2:] else None
            candidates = (
                # a last speaker of unknown gender yields to a person the last sentence
                # introduced ("He was joined by ..., Ines Varga. She said ...")
                ([last] if last is not None and last.gender == wanted else [])
                + just_named[:1]
                + ([last] if last is not None else [])
                + [p for p in reversed(recent[-4:]) if p.gender == wanted]
                + list(reversed(recent))
            )
            for person in candidates:
                # a one-word "person" of no known gender is often an organisation
                # ("the trade body UKHospitality says"): never "she" or "he"
                if person is not None and (
                    person.gender == wanted or (person.gender is None and " " in person.full)
                ):
                    person.gender = wanted
                    return person.full
            return None
        return self.last_org

    def resolve(self, speaker: Speaker) -> tuple[str, str | None] | None:
        """(claimant, role) of a speaker phrase; None if it names nobody."""
        if speaker is IMPERSONAL or not speaker.phrase:
            return None
        parsed = parse_phrase(speaker.phrase)
        apposed = parse_phrase(speaker.apposition) if speaker.apposition else None
        head_words = WORD.findall(speaker.phrase)
        described = (
            any(w[:1].islower() and w.lower() not in NAME_CONNECTORS for w in head_words)
            or (parsed is not None and parsed.kind != "person")
            or (bool(head_words) and head_words[0].lower() in DETERMINERS)
            or any(w.lower() in ROLE_HEADS for w in head_words)
        )
        if (
            apposed is not None
            and apposed.kind == "person"
            and speaker.apposition is not None
            and not speaker.apposition[:1].islower()
            and described
        ):
            # "Its chief executive, Sunil Bahra, said": the person in apposition speaks
            role = _role_of(speaker.phrase, self)
            person = self.person(apposed.name, apposed.role or role, apposed.gender)
            return self._said(person.full, person.role, person)
        if (
            apposed is not None
            and apposed.kind == "org"
            and parsed is not None
            and parsed.kind in {"type", "group"}
        ):
            # "The water company, Sel Valley Water, disputes ...": the organisation
            name = self.org_name(apposed.name)
            self._add_org(name, parsed.org_type)
            return self._said(name, None, None, group=True)
        if parsed is None:
            return None
        if parsed.kind == "pronoun":
            meant = self._pronoun(parsed.name)
            if meant is None:
                return None
            person_or_none = self.people.get(meant)
            role = person_or_none.role if person_or_none else None
            return self._said(meant, role, person_or_none)
        if parsed.kind == "type":
            org = self.org_of_type(parsed.org_type or parsed.name)
            return self._said(org or parsed.name, None, None, group=True)
        if parsed.kind == "group":
            return self._said(parsed.name, None, None, group=True)
        if parsed.kind == "org":
            name = self.org_name(parsed.name)
            # "Northbridge Water, the city-owned utility, said": "the utility" later
            described_as = (
                apposed.org_type if apposed is not None and apposed.kind == "type" else None
            )
            self._add_org(name, parsed.org_type or described_as)
            return self._said(name, None, None, group=True)
        # a person; a single known word may be an organisation ("Northwind", "Kenya")
        words = parsed.name.split()
        if len(words) == 1 and words[0] not in self.people:
            org = self.org_name(parsed.name)
            if org != parsed.name or parsed.name.lower() in PLACES:
                return self._said(org, None, None, group=True)
        role = parsed.role
        if speaker.apposition and (
            speaker.apposition[:1].islower() or speaker.apposition.split()[0].lower() in DETERMINERS
        ):
            role = role or _clause_free(speaker.apposition) or None
        person = self.person(parsed.name, role, parsed.gender)
        return self._said(person.full, person.role, person)

    def _said(
        self, name: str, role: str | None, person: Person | None, group: bool = False
    ) -> tuple[str, str | None]:
        if person is not None:
            self._mention(person)
        if group:
            self.last_org = name
        self.last_claimant = name
        self.claims[name] = self.claims.get(name, 0) + 1
        return name, role


def _clause_free(apposition: str) -> str:
    """An apposition as a role: no article, no relative clause ("who was not involved")."""
    words = strip_determiners(apposition.split())
    if words and words[0] in {"of", "from", "in"}:
        return ""  # "Colin Marsh, 44, of Elm Street": an address, not a role
    for i, word in enumerate(words):
        if word.lower() in {"who", "which", "whose", "that"}:
            words = words[:i]
            break
    return " ".join(words)


def _role_of(phrase: str, book: NameBook) -> str | None:
    """The role in front of an apposed name: "Its chief executive" -> "chief executive of X"."""
    words = phrase.split()
    if not words:
        return None
    possessive = words[0].lower() in {"its", "their"}
    words = strip_determiners(words)
    role = " ".join(words) or None
    if role and possessive and book.last_org:
        role = f"{role} of {book.last_org}"
    return role
