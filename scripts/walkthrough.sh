#!/usr/bin/env bash
# A keyboard-only day's work in the real Factdesk window, for docs/walkthrough/.
#
# Usage: scripts/walkthrough.sh [OUT_DIR]        (default: docs/walkthrough)
#
# Starts its own X server (Xvfb) with a small window manager (openbox: without one, key
# presses never reach the window), opens the sample project in the real app, and drives it
# with `xdotool key` and `xdotool type` only: no mouse. It rates, explains, adds evidence
# with an attached file, dismisses, splits, marks a claim by hand, works in a second
# article, undoes three steps across the two articles and redoes them, deletes an article
# and takes it back, merges a colleague's signed copy with a conflict, and exports
# Markdown. Then it quits, reopens the project and checks every edit is where the window
# showed it. Screenshots (ImageMagick `import`) go to OUT_DIR as small PNGs.
#
# Needs: Xvfb, openbox, xdotool, ImageMagick (Debian: xvfb openbox xdotool imagemagick).
# Everything runs in a scratch folder with its own HOME: your settings, recent files and
# library are never touched. Signing keys live in a throw-away file keyring there (the test
# suite's; a real installation uses the system keyring).
# Environment: PYTHON (default: .venv/bin/python, else python3), WALKTHROUGH_DISPLAY (:77),
# KEEP=1 keeps the scratch folder.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$REPO/docs/walkthrough}
PYTHON=${PYTHON:-$REPO/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
DISPLAY_NAME=${WALKTHROUGH_DISPLAY:-:77}
for tool in Xvfb openbox xdotool import convert; do
    command -v "$tool" >/dev/null || { echo "walkthrough: $tool is not installed" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/factdesk-walkthrough.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "${KEEP:-0}" = 1 ]; then echo "scratch folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config XDG_DATA_HOME=$WORK/home/.local/share
export XDG_CACHE_HOME=$WORK/home/.cache XDG_RUNTIME_DIR=$WORK/run FACTDESK_LIBRARY=$WORK/library.sqlite3
export PYTHONPATH=$REPO PYTHON_KEYRING_BACKEND=tests.support.file_keyring.FileKeyring
export DISPLAY=$DISPLAY_NAME
unset QT_QPA_PLATFORM FACTDESK_REVIEWER FACTDESK_CONFIG_DIR
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$WORK/files" "$WORK/shots" "$OUT"
chmod 700 "$XDG_RUNTIME_DIR"
PROJECT=$WORK/northbridge.factdesk
COPY=$WORK/bob/northbridge.factdesk

step() { printf '\n== %s\n' "$*"; }
# One key (or chord) at a time, with time for the window to answer, as a person types.
key() { for k in "$@"; do xdotool key "$k"; sleep 0.25; done; sleep 0.3; }
typ() { sleep 0.4; xdotool type --delay 25 "$1"; sleep 0.3; }
rep() { xdotool key --delay 15 --repeat "$1" "$2"; sleep 0.3; }
shot() { sleep 0.6; import -window root "$WORK/shots/$1.png"; echo "   screenshot $1"; }
app() { (cd "$WORK/files" && exec "$PYTHON" -m app "$@") >>"$WORK/app.log" 2>&1 & }
cli() { "$PYTHON" -m app "$@"; }
wait_for_window() {
    for _ in $(seq 1 60); do
        xdotool search --onlyvisible --name "$1" >/dev/null 2>&1 && { sleep 1.5; return; }
        sleep 0.5
    done
    echo "walkthrough: no window named '$1' appeared" >&2
    cat "$WORK/app.log" >&2
    exit 1
}
quit_app() {
    key ctrl+q
    for _ in $(seq 1 40); do
        case $(ps -o stat= -p "$1" 2>/dev/null || true) in
            "" | Z*) wait "$1" 2>/dev/null || true; return 0 ;;
        esac
        sleep 0.25
    done
    import -window root "$WORK/shots/did-not-quit.png"
    echo "walkthrough: the window did not quit (see did-not-quit.png)" >&2
    exit 1
}

step "the sample project, a second article, a file to attach, a colleague's signed copy"
"$PYTHON" "$REPO/scripts/make_sample_project.py" "$PROJECT" --library "$FACTDESK_LIBRARY"
cat >"$WORK/files/northbridge-ferry.txt" <<'EOF'
Ferry fares to rise by a third as Northbridge port loses subsidy

By Tomas Reyes, Transport Correspondent

Ferry fares between Northbridge and Kestrel Island will rise by 33 percent in April, the harbour board announced on Thursday, after the regional government ended a subsidy worth $2.1 million a year.

A single adult ticket will cost $8 instead of $6. The board said the crossing carried 1.4 million passengers last year, more than in any year since the service began in 1987.

"Without the subsidy we lose money on every sailing," said Priya Nandakumar, the board's chief executive. She said the fare rise would cover about half of the shortfall and that the board would cut two late-evening sailings.

Island councillor Ben Adeyemi called the decision a disaster for the 6,000 people who live on Kestrel Island, most of whom, he said, cross at least twice a week for work or school.

The regional transport minister, Claire Dumont, said the subsidy had always been temporary. Islanders on low incomes would keep a 50 percent discount, she added.

Photo: Northbridge harbour board
EOF
printf '%%PDF-1.4\n%% Northbridge council minutes, 14 May 2025 (a stand-in for the real file)\n' \
    >"$WORK/files/council-minutes.pdf"
mkdir -p "$WORK/bob"
cp "$PROJECT" "$COPY"
(
    # Bob works on his own computer: his own settings and keyring.
    export HOME=$WORK/bob/home XDG_CONFIG_HOME=$WORK/bob/home/.config
    export XDG_DATA_HOME=$WORK/bob/home/.local/share FACTDESK_TEST_KEYRING=$WORK/bob/keyring.json
    export FACTDESK_REVIEWER="Bob Lindqvist"
    cli rate "$COPY" '#2' "Half true" --explanation \
        "Only the Eastgate zone was told to boil water; four districts were advised to."
    babies=$(cli claims "$COPY" --json | "$PYTHON" -c '
import json, sys
claims = json.load(sys.stdin)["claims"]
print(next(c["id"] for c in claims if c["quote"].startswith("She added that babies")))')
    cli rate "$COPY" "$babies" "Mostly true" --explanation "The hospital's guidance lists them."
    cli sign "$COPY" | head -1
)
export FACTDESK_TEST_KEYRING=$WORK/keyring.json

step "a real X server with a window manager"
Xvfb "$DISPLAY_NAME" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
PIDS+=($!)
sleep 1.5
openbox >"$WORK/openbox.log" 2>&1 &
PIDS+=($!)
sleep 1

step "1. open the project; the first run asks who you are (typed, Return)"
app "$PROJECT"
APP=$!
PIDS+=("$APP")
wait_for_window "Welcome to Factdesk"
typ "Maya Okafor"
shot 01-first-run
key Return

step "2. J to claim 2, 4 rates it Mostly false, Ctrl+J explains, Esc back to the list"
key j 4 ctrl+j
typ "The notice covered the Eastgate zone only; the council minutes give 38 percent of customers."
key Escape

step "3. Ctrl+Shift+E adds evidence: link, title, publisher, stance, note, an attached file"
key ctrl+shift+e
typ "https://example.org/northbridge/council-minutes-2025-05"
key Tab
typ "Council minutes, 14 May 2025"
key Tab
typ "City of Northbridge"
# The date (today, YYYY-MM-DD), then the archive link, then the stance.
key Tab Tab Tab r Tab
typ "Page 4: the notice covered 38 percent of customers."
key Tab space
typ "$WORK/files/council-minutes.pdf"
key Return
shot 02-evidence-with-file
key Return  # after attaching, the focus is on OK

step "4. J, Ctrl+D dismisses claim 3; the list moves on to claim 4"
key j ctrl+d

step "5. Shift+Tab x5 to the article (cursor at claim 4), Right x44, Ctrl+Shift+S splits it"
key shift+Tab shift+Tab shift+Tab shift+Tab shift+Tab
rep 44 Right
key ctrl+shift+s

step "6. Ctrl+F finds a claim; in the article, Shift+Right selects the next sentence; Ctrl+M"
key ctrl+f
typ "mid-afternoon"
key shift+Tab
QUOTE="By mid-afternoon, queues had formed outside supermarkets on Harbour Road, where staff wheeled pallets of bottled water onto the pavement. "
MARKED="Some shoppers left with trolleys stacked almost to shoulder height."
rep "${#QUOTE}" Right
rep "${#MARKED}" shift+Right
key ctrl+m
key ctrl+f BackSpace Escape
shot 03-dismissed-split-marked

step "7. Ctrl+I imports a second article; J, 1 rates True, Ctrl+J explains"
key ctrl+i
typ "$WORK/files/northbridge-ferry.txt"
key Return
sleep 3
key j 1 ctrl+j
typ "A single ticket goes from \$6 to \$8: a rise of 33 percent."
key Escape

step "8. Ctrl+Z x3: the explanation, the rating, then the claim marked in the first article"
key ctrl+z
key ctrl+z
key ctrl+z
shot 04-undo-across-articles
key ctrl+shift+z ctrl+shift+z ctrl+shift+z

step "9. Shift+Tab x6 to the articles list, Del deletes the article (asks first), Ctrl+Z"
key shift+Tab shift+Tab shift+Tab shift+Tab shift+Tab shift+Tab
key Delete
shot 05-delete-article-asks
key Return
key Escape ctrl+z

step "10. Alt+F, M merges Bob's signed copy; on claim 2, Alt+T takes his verdict; Merge"
key alt+f m
typ "$COPY"
key Return
sleep 3
key alt+t
shot 06-merge-conflict
# Bob's key is not in the trusted list, so Return does not merge: Alt+M presses Merge.
key alt+m
sleep 3
shot 07-merged
key Return

step "11. Ctrl+E exports the report as Markdown (Return)"
key Escape ctrl+e
sleep 2
key Return
sleep 2

step "12. Ctrl+Q quits; reopened, Shift+Tab x6, Up, Esc, J: claim 2 as it was left"
quit_app "$APP"
app "$PROJECT"
APP=$!
PIDS+=("$APP")
wait_for_window "northbridge.factdesk"
key shift+Tab shift+Tab shift+Tab shift+Tab shift+Tab shift+Tab Up
sleep 1
key Escape j
shot 08-reopened
quit_app "$APP"

step "checks: every edit is in the project, as the window showed it"
"$PYTHON" - "$PROJECT" "$WORK/files/council-minutes.pdf" "$WORK/northbridge-report.md" <<'EOF'
import sys
from pathlib import Path

from app.core.project import ClaimFilter, ProjectService

project, attached, report = sys.argv[1:]
service = ProjectService.open_file(project, author="Checker", read_only=True)
claims = service.claims(with_evidence=True)
by_quote = {c.quote: c for c in claims}


def claim(start: str):
    found = [c for q, c in by_quote.items() if q.startswith(start)]
    assert len(found) == 1, (start, [c.quote for c in found])
    return found[0]


def check(what: str, ok: bool) -> None:
    print(f"   {'ok ' if ok else 'FAILED'} {what}")
    if not ok:
        check.failed = True  # type: ignore[attr-defined]


second = claim("Residents in five districts")
check("claim 2 has Bob's verdict, taken in the merge", second.rating_label == "Half true")
check("and his explanation", second.explanation.startswith("Only the Eastgate zone was told"))
evidence = second.evidence[0] if second.evidence else None
check("its evidence: link, stance, note", evidence is not None
      and evidence.url == "https://example.org/northbridge/council-minutes-2025-05"
      and evidence.stance.value == "refutes" and evidence.note.startswith("Page 4"))
if evidence is not None and evidence.attachment is not None:
    _info, data = service.attachment_data(evidence.attachment.id)
    check("the attached file's bytes", data == Path(attached).read_bytes())
else:
    check("the attached file", False)
check("claim 3 dismissed", claim("Northbridge Water, the city-owned").status.value == "dismissed")
check("claim 4 split in two", "The alert covers roughly 42,000 households," in by_quote
      and any(q.startswith("or about 38 percent") for q in by_quote))
marked = claim("Some shoppers left with trolleys")
check("the claim marked by hand", marked.origin.value == "manual")
ferry = claim("Ferry fares between Northbridge and Kestrel")
check("the second article's verdict and explanation (undone, then redone)",
      ferry.rating_label == "True" and "33 percent" in ferry.explanation)
check("both articles are there", len(service.articles()) == 2)
check("Bob's other verdict merged by itself", claim("She added that babies").rating_label
      == "Mostly true")
text = Path(report).read_text(encoding="utf-8")
check("the Markdown report has the verdicts", "Half true" in text and "Ferry fares" in text)
service.close()
sys.exit(1 if getattr(check, "failed", False) else 0)
EOF

step "screenshots, as small PNGs, to $OUT"
for png in "$WORK"/shots/*.png; do
    convert "$png" -strip -colors 192 "PNG8:$OUT/$(basename "$png")"
    printf '   %s %s KB\n' "$(basename "$png")" "$(( $(stat -c %s "$OUT/$(basename "$png")") / 1024 ))"
done
