"""The working area for an open project: articles, article text, claims and the editor.

Built once; the window feeds it a project. Selection is kept in sync both ways: a click
on a highlight selects the claim's row, a row selection scrolls the text to the claim.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.records import ClaimInfo, ClaimKind, ClaimStatus, RatingScaleInfo
from app.ui.article_view import ArticleView
from app.ui.claim_editor import ClaimEditor, colour_icon
from app.ui.legend import HighlightLegend
from app.ui.models import (
    ID_ROLE,
    RECORD_ROLE,
    STATUS_TEXT,
    ArticleListModel,
    ClaimFilterProxy,
    ClaimTableModel,
)


class ShortcutFriendlyTableView(QTableView):
    """A table that leaves single keys to the window's shortcuts.

    QTableView jumps to the row whose text starts with a typed character ("type-ahead
    search"), which swallowed the rating keys 1-9 and J/K whenever the claims list had
    the focus. Finding claims by text is the filter box's job here.
    """

    def keyboardSearch(self, search: str) -> None:
        del search


MIN_PANE_HEIGHT = 80  # each pane on the right keeps a few lines; the rest scrolls
# Shares of the right column's height when no layout was saved: the claims list first
# (a fact-checker scans many claims), the panel, then any further pane (Checked before).
RIGHT_SHARES = (0.45, 0.35, 0.2)


class Workspace(QWidget):
    article_chosen = Signal(str)
    claim_selected = Signal(object)  # claim id or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace")
        self.articles_model = ArticleListModel(self)
        self.articles = ShortcutFriendlyTableView()
        self.articles.setObjectName("articles_table")
        self.articles.setAccessibleName("Articles")
        self.articles.setModel(self.articles_model)
        self._table_defaults(self.articles)
        header = self.articles.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.articles.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for col in (1, 2):
            self.articles.setColumnHidden(col, True)  # shown in the tooltip; space is short
        self.articles.selectionModel().currentRowChanged.connect(
            self._on_articles_currentRowChanged
        )

        self.read_only_banner = QLabel()
        self.read_only_banner.setObjectName("read_only_banner")
        self.read_only_banner.setAccessibleName("Read-only notice")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.hide()

        self.article_title = QLabel()
        self.article_title.setObjectName("article_title")
        self.article_title.setWordWrap(True)
        self.article_title.setAccessibleName("Article details")
        self.view = ArticleView()
        self.legend = HighlightLegend()
        self.view.claim_clicked.connect(self._on_view_claim_clicked)

        self.claims_model = ClaimTableModel(self)
        self.proxy = ClaimFilterProxy(self)
        self.proxy.setSourceModel(self.claims_model)
        self.claims = ShortcutFriendlyTableView()
        self.claims.setObjectName("claims_table")
        self.claims.setAccessibleName("Claims")
        self.claims.setModel(self.proxy)
        self._table_defaults(self.claims)
        # No sort column to start with: the model is already in article order, and sorting
        # 5,000 rows through Python lessThan calls would cost a second on every load.
        self.claims.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.claims.setSortingEnabled(True)
        header = self.claims.horizontalHeader()
        header.setSectionResizeMode(ClaimTableModel.EXCERPT, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 34), (2, 100), (4, 44), (5, 112), (6, 72)):
            self.claims.setColumnWidth(col, width)
        # Kinds and score are filters and tooltips; the excerpt needs the room.
        self.claims.setColumnHidden(ClaimTableModel.KINDS, True)
        self.claims.setColumnHidden(ClaimTableModel.SCORE, True)
        self.claims.selectionModel().currentRowChanged.connect(self._on_claims_currentRowChanged)
        # Rows leave or join the list (a dismissal hidden by the filter, a split, an undo)
        # and the list's current row can move without a currentRowChanged signal: the
        # article and the panel then follow it here. Connected after setModel, so the
        # selection model has already moved its current index when these run.
        for signal in (
            self.proxy.rowsRemoved,
            self.proxy.rowsInserted,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self.sync_current)

        self.filter_text = QLineEdit()
        self.filter_text.setObjectName("filter_text")
        self.filter_text.setAccessibleName("Filter claims by text")
        self.filter_text.setPlaceholderText("Filter claims…")
        self.filter_text.setClearButtonEnabled(True)
        self.filter_text.textChanged.connect(self._on_filters_changed)
        self.filter_status = QComboBox()
        self.filter_status.setObjectName("filter_status")
        self.filter_status.setAccessibleName("Filter claims by status")
        self.filter_status.addItem("Any status", None)
        for status in ClaimStatus:
            self.filter_status.addItem(STATUS_TEXT[status], status.value)
        self.filter_rating = QComboBox()
        self.filter_rating.setObjectName("filter_rating")
        self.filter_rating.setAccessibleName("Filter claims by rating")
        self.filter_kind = QComboBox()
        self.filter_kind.setObjectName("filter_kind")
        self.filter_kind.setAccessibleName("Filter claims by kind")
        self.filter_kind.addItem("Any kind", None)
        for kind in ClaimKind:
            self.filter_kind.addItem(kind.value.capitalize(), kind.value)
        for combo in (self.filter_status, self.filter_rating, self.filter_kind):
            combo.currentIndexChanged.connect(self._on_filters_changed)
        self.set_scale(None)

        self.editor = ClaimEditor()
        # The panel scrolls rather than claiming its full height (over 400 px): at
        # 1280x800 that height squeezed the claims list to two rows.
        self.editor_scroll = QScrollArea()
        self.editor_scroll.setObjectName("claim_editor_scroll")
        self.editor_scroll.setWidgetResizable(True)
        self.editor_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.editor_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.editor_scroll.setWidget(self.editor)
        self.editor_scroll.setMinimumHeight(MIN_PANE_HEIGHT)
        self.editor_scroll.setMinimumWidth(
            self.editor.minimumSizeHint().width()
            + self.editor_scroll.verticalScrollBar().sizeHint().width()
        )
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_app_focusChanged)

        filters = QHBoxLayout()
        filters.setContentsMargins(6, 6, 6, 0)
        filters.addWidget(self.filter_text, 3)
        filters.addWidget(self.filter_status, 1)
        filters.addWidget(self.filter_rating, 1)
        filters.addWidget(self.filter_kind, 1)
        claims_box = QWidget()
        claims_layout = QVBoxLayout(claims_box)
        claims_layout.setContentsMargins(0, 0, 0, 0)
        claims_layout.addLayout(filters)
        claims_layout.addWidget(self.claims)

        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.setObjectName("right_splitter")
        self.right.addWidget(claims_box)
        self.right.addWidget(self.editor_scroll)
        self.right.setChildrenCollapsible(False)  # dragging resizes; nothing vanishes
        self.right.setStretchFactor(0, 1)
        self.right.setStretchFactor(1, 1)
        claims_box.setMinimumHeight(MIN_PANE_HEIGHT)

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.article_title)
        centre_layout.addWidget(self.legend)
        centre_layout.addWidget(self.view, 1)
        self.article_title.setContentsMargins(24, 10, 24, 4)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.articles)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([180, 580, 520])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.read_only_banner)
        layout.addWidget(self.splitter, 1)
        self._syncing = False

    def restore_layout(self, settings: QSettings) -> None:
        """The splitters as the person left them; the default shares otherwise."""
        main = settings.value("window/splitter")
        if main is not None:
            self.splitter.restoreState(main)
        right = settings.value("window/right_splitter")
        self._right_restored = right is not None and self.right.restoreState(right)

    _right_restored = False

    def showEvent(self, event: QShowEvent) -> None:
        # The default shares are applied once the column has its real height; before
        # that the splitter bends them to its panes' minimums.
        super().showEvent(event)
        if not self._right_restored:
            self._right_restored = True
            QTimer.singleShot(0, self.default_right_sizes)

    def save_layout(self, settings: QSettings) -> None:
        settings.setValue("window/splitter", self.splitter.saveState())
        settings.setValue("window/right_splitter", self.right.saveState())

    def default_right_sizes(self) -> None:
        count = self.right.count()
        shares = list(RIGHT_SHARES[:count]) + [0.2] * max(0, count - len(RIGHT_SHARES))
        height = self.right.height() or 1000
        self.right.setSizes([round(height * share / sum(shares)) for share in shares])

    def _on_app_focusChanged(self, _old: QWidget | None, new: QWidget | None) -> None:
        # A shortcut or a mnemonic that focuses a field further down the panel (Ctrl+J,
        # Alt+X) scrolls it into view, as Tab already does inside a scroll area.
        if new is not None and self.editor.isAncestorOf(new):
            self.editor_scroll.ensureWidgetVisible(new, 8, 8)

    @staticmethod
    def _table_defaults(table: QTableView) -> None:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.verticalHeader().setDefaultSectionSize(24)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)  # Tab leaves the table (keyboard model)

    # --- feeding -----------------------------------------------------------------

    def set_scale(self, scale: RatingScaleInfo | None) -> None:
        self.filter_rating.blockSignals(True)
        self.filter_rating.clear()
        self.filter_rating.addItem("Any rating", None)
        self.filter_rating.addItem("Unrated", "")
        if scale is not None:
            for level in scale.levels:
                self.filter_rating.addItem(colour_icon(level.colour), level.label, level.id)
        self.filter_rating.blockSignals(False)
        self.claims_model.set_scale(scale)
        self.show_legend(scale)

    def show_legend(self, scale: RatingScaleInfo | None) -> None:
        highlighter = self.view.highlighter
        self.legend.show_scale(scale, highlighter.base, highlighter.text)

    def _on_filters_changed(self, *_args: object) -> None:
        status = self.filter_status.currentData()
        kind = self.filter_kind.currentData()
        self.proxy.set_filters(
            text=self.filter_text.text(),
            status=ClaimStatus(status) if status else None,
            rating=self.filter_rating.currentData(),
            kind=ClaimKind(kind) if kind else None,
        )

    # --- selection sync ----------------------------------------------------------

    def current_claim_id(self) -> str | None:
        index = self.claims.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def current_claim(self) -> ClaimInfo | None:
        claim_id = self.current_claim_id()
        return self.claims_model.claim(claim_id) if claim_id else None

    def select_claim(self, claim_id: str | None, scroll_text: bool = True) -> None:
        """Select a claim's row (making it visible if filtered out) and emphasise it."""
        if claim_id is None:
            self.claims.selectionModel().clearSelection()
            self.claims.setCurrentIndex(QModelIndex())
            return
        row = self.claims_model.row_of(claim_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.claims_model.index(row, 0))
        if not index.isValid():  # filtered out: clear the filters rather than hide it
            self.filter_text.clear()
            for combo in (self.filter_status, self.filter_rating, self.filter_kind):
                combo.setCurrentIndex(0)
            self.proxy.set_filters(show_dismissed=True)
            index = self.proxy.mapFromSource(self.claims_model.index(row, 0))
        self._scroll_text = scroll_text
        self.claims.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.claims.scrollTo(index)
        self._scroll_text = True
        self.sync_current()

    def sync_current(self, *_args: object) -> None:
        """One current claim: the article and the panel show the list's current claim.

        Every action ends here one way or another, so an edit typed in the panel always
        lands on the claim the list and the article show.
        """
        claim_id = self.current_claim_id()
        if self.view.highlighter.selected_id != claim_id:
            self.view.select_claim(claim_id, scroll=self._scroll_text)
        shown = self.editor.claim.id if self.editor.claim is not None else None
        if shown != claim_id:
            self.editor.set_claim(self.load_claim(claim_id) if claim_id else None)
            self.claim_selected.emit(claim_id)

    _scroll_text = True

    def keep_current(self, claim_id: str | None) -> None:
        """Make ``claim_id`` current again if the list still shows it; else keep the list's.

        Unlike :meth:`select_claim` this never clears the filters: a claim that an action
        hid (a dismissal, with dismissed claims hidden) gives way to its neighbour.
        """
        row = self.claims_model.row_of(claim_id) if claim_id else -1
        index = self.proxy.mapFromSource(self.claims_model.index(row, 0)) if row >= 0 else None
        if (
            index is not None
            and index.isValid()
            and index.row() != self.claims.currentIndex().row()
        ):
            self.claims.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.sync_current()

    def load_claim(self, claim_id: str) -> ClaimInfo | None:
        """The claim with its evidence for the editor; the window sets a service reader."""
        return self.claims_model.claim(claim_id)

    def _on_claims_currentRowChanged(self, current: QModelIndex, _previous: QModelIndex) -> None:
        claim_id = current.data(ID_ROLE) if current.isValid() else None
        self.view.select_claim(claim_id, scroll=self._scroll_text)
        self.editor.set_claim(self.load_claim(claim_id) if claim_id else None)
        self.claim_selected.emit(claim_id)

    def _on_view_claim_clicked(self, claim_id: str) -> None:
        self.select_claim(claim_id, scroll_text=False)

    def select_row(self, row: int) -> None:
        """Make the list's ``row`` (as filtered and sorted) the current claim, if it exists."""
        if 0 <= row < self.proxy.rowCount():
            self.select_claim(self.proxy.index(row, 0).data(ID_ROLE))
        else:
            self.select_claim(None)
            self.sync_current()

    def step_claim(self, delta: int) -> None:
        """Next (+1) or previous (-1) claim in the panel's order."""
        rows = self.proxy.rowCount()
        if rows == 0:
            return
        current = self.claims.currentIndex()
        row = current.row() + delta if current.isValid() else (0 if delta > 0 else rows - 1)
        row = max(0, min(rows - 1, row))
        self.select_claim(self.proxy.index(row, 0).data(ID_ROLE))

    def step_to_unrated(self) -> bool:
        """Go to the next listed claim with no verdict; False when there is none after it."""
        start = self.claims.currentIndex().row() + 1
        for row in range(max(start, 0), self.proxy.rowCount()):
            claim = self.proxy.index(row, 0).data(RECORD_ROLE)
            if claim is not None and claim.rating_id is None and not claim.rating_label:
                self.select_claim(claim.id)
                return True
        return False

    def _on_articles_currentRowChanged(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.article_chosen.emit(current.data(ID_ROLE))

    def select_article_row(self, article_id: str) -> None:
        row = self.articles_model.row_of(article_id)
        if row >= 0:
            self.articles.selectionModel().blockSignals(True)
            self.articles.selectRow(row)
            self.articles.selectionModel().blockSignals(False)
