"""A person's signing key follows their reviewer id, not their display name: colleagues
trust a key by its fingerprint, so renaming yourself must not hand you a new one."""

from __future__ import annotations

import uuid
from pathlib import Path

from app.core import secrets
from app.core.project import ProjectService
from app.core.sharing.signing import my_fingerprint, sign_project, signing_key


def _sign_as(path: Path, name: str, person: uuid.UUID) -> str:
    if path.exists():
        service = ProjectService.open_file(path, author=name, author_id=person)
    else:
        service = ProjectService.create_file(path, name="Desk", author=name, author_id=person)
    try:
        return sign_project(service).key_fingerprint
    finally:
        service.close()


def test_renaming_yourself_keeps_the_key_colleagues_trust(tmp_path: Path) -> None:
    ana = uuid.uuid4()
    before = _sign_as(tmp_path / "p.factdesk", "Ana", ana)
    after = _sign_as(tmp_path / "p.factdesk", "Ana Lima (Desk A)", ana)
    assert after == before
    assert my_fingerprint("Ana Lima (Desk A)", ana) == before


def test_two_people_with_one_name_have_two_keys(tmp_path: Path) -> None:
    first = _sign_as(tmp_path / "a.factdesk", "Ana", uuid.uuid4())
    second = _sign_as(tmp_path / "b.factdesk", "Ana", uuid.uuid4())
    assert first != second


def test_a_key_kept_under_the_name_by_an_older_build_is_adopted() -> None:
    older = signing_key("Ana")  # where builds before reviewer ids kept it
    assert older is not None
    ana = uuid.uuid4()
    adopted = signing_key("Ana", person_id=ana, create=False)
    assert adopted is not None
    assert my_fingerprint("Ana", ana) == my_fingerprint("Ana")
    # Kept under the id from now on, so a later rename still finds it.
    assert secrets.get_signing_key(f"id:{ana}") is not None
    assert my_fingerprint("Ana Lima", ana) == my_fingerprint("Ana")
