"""The Qt item models, checked with pytest-qt's model tester and by their filters."""

from __future__ import annotations

from app.core.project import ClaimFilter
from app.core.records import ClaimKind, ClaimStatus
from app.ui.models import (
    ID_ROLE,
    ArticleListModel,
    ClaimFilterProxy,
    ClaimTableModel,
    EvidenceTableModel,
)


def test_claim_model_and_proxy_pass_the_model_tester(qtmodeltester, service):
    claims = service.claims(ClaimFilter(), with_evidence=True)
    model = ClaimTableModel()
    model.set_scale(service.scale())
    model.set_claims(claims)
    qtmodeltester.check(model)
    proxy = ClaimFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ClaimTableModel.RATING)
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == len(claims)


def test_claim_model_updates_one_row_and_keeps_article_order(qtbot, service):
    claims = service.claims()
    model = ClaimTableModel()
    model.set_claims(reversed(claims))
    assert [model.claim_at(r).id for r in range(model.rowCount())] == [c.id for c in claims]
    rated, _ = service.set_rating(claims[1].id, "False")
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.upsert(rated)
    assert blocker.args[0].row() == 1 and blocker.args[1].row() == 1
    assert model.index(1, ClaimTableModel.RATING).data() == "False"
    model.remove(claims[0].id)
    assert model.rowCount() == len(claims) - 1
    model.upsert(claims[0])
    assert model.index(0, 0).data(ID_ROLE) == claims[0].id


def test_proxy_filters_by_text_status_rating_and_kind(service):
    claims = service.claims()
    service.set_rating(claims[0].id, "True")
    service.dismiss_claim(claims[1].id)
    model = ClaimTableModel()
    model.set_claims(service.claims())
    proxy = ClaimFilterProxy()
    proxy.setSourceModel(model)
    assert proxy.rowCount() == len(claims) - 1  # dismissed hidden by default
    proxy.set_filters(show_dismissed=True)
    assert proxy.rowCount() == len(claims)
    proxy.set_filters(status=ClaimStatus.DISMISSED)
    assert proxy.rowCount() == 1
    proxy.set_filters(status=None, rating=service.scale().level_by_label("True").id)
    assert [proxy.index(0, 0).data(ID_ROLE)] == [claims[0].id]
    proxy.set_filters(rating="")
    assert proxy.rowCount() == len(claims) - 1
    proxy.set_filters(rating=None, text="MAYOR")
    assert proxy.rowCount() == 1
    proxy.set_filters(text="", kind=ClaimKind.PREDICTION)
    assert proxy.rowCount() == 0
    proxy.set_filters(kind=ClaimKind.STATISTIC)
    assert proxy.rowCount() == len(claims)


def test_article_and_evidence_models_pass_the_model_tester(qtmodeltester, service):
    articles = ArticleListModel()
    articles.set_articles(service.articles())
    qtmodeltester.check(articles)
    assert articles.index(0, 0).data() == "Water bills"
    claim = service.claims()[0]
    service.add_evidence(claim.id, url="https://example.org/a", title="A", stance="refutes")
    service.add_evidence(claim.id, note="phoned the council")
    evidence = EvidenceTableModel()
    evidence.set_evidence(service.claim(claim.id).evidence)
    qtmodeltester.check(evidence)
    assert evidence.rowCount() == 2
    assert evidence.index(0, 3).data() == "Refutes"
