"""The notes report as HTML (no Qt): the self-contained .html export, and the text the PDF writer lays out.

Images are referenced through ``image_src`` (a ``data:`` URI for the HTML file, a document resource name for
the PDF), so both formats come from one layout. Every name and note is escaped; a note's paragraph gets the
direction of its first strong letter (``dir="rtl"`` for Hebrew or Arabic: Qt's rich text does not know
``dir="auto"``), so right-to-left text reads and aligns in its own direction.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from html import escape

from horus_desktop.domain.records import CommentNode
from horus_desktop.domain.wording import counted
from horus_desktop.services.notes_report import NotesReport, ReportFrame, ReportMedia

ImageSource = Callable[[uuid.UUID, int], str | None]
FrameKey = tuple[uuid.UUID, int]

STYLE = """
body { font-family: 'DejaVu Sans'; font-size: 10pt; color: #1c1c1e; }
h1 { font-size: 22pt; } h2 { font-size: 16pt; border-bottom: 1px solid #999; }
h3 { font-size: 13pt; background: #eceef2; padding: 4px; } h4 { font-size: 11pt; margin-bottom: 2px; }
table.summary td, table.summary th { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; }
.meta { color: #555; } .problem { color: #b3261e; font-weight: bold; }
.note { margin: 4px 0 6px 0; } .reply { margin-left: 24px; }
.open { color: #b3261e; font-weight: bold; } .resolved { color: #2e7d32; font-weight: bold; }
"""


def when(moment: datetime | None) -> str:
    """A time as the report prints it (UTC, to the minute)."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def direction(text: str) -> str:
    """"rtl" when the first strong letter of ``text`` is right to left, else "ltr" (the Unicode bidi rule P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def _text(value: object) -> str:
    return escape(str(value) if value is not None else "")


def _note(node: CommentNode, depth: int = 0) -> list[str]:
    c = node.comment
    status = ('<span class="resolved">resolved</span>' if c.is_resolved else '<span class="open">open</span>') \
        if depth == 0 else ""
    reactions = ", ".join(f"{_text(kind)} ×{n}" for kind, n in node.reaction_counts().items())
    where = f" · frame {c.frame_number}" if c.frame_number is not None and depth == 0 else ""
    where += f" · {_text(c.timecode)}" if c.timecode and depth == 0 else ""
    # Marks around the name: digits after an Arabic name still read left to right.
    head = (f'\u200e<span dir="auto"><b>{_text(c.user_name)}</b></span>\u200e <span class="meta">{when(c.created_at)}{where}'
            f'</span> {status}')
    # The header line is left to right whatever the author's name; the note keeps its own direction.
    lines = [f'<div class="note{" reply" if depth else ""}"><p dir="ltr">{head}</p>'
             f'<p dir="{direction(c.content)}">{_text(c.content).replace(chr(10), "<br/>")}</p>'
             + (f'<p class="meta">Reactions: {reactions}</p>' if reactions else "")]
    for reply in node.replies:
        lines += _note(reply, depth + 1)
    lines.append("</div>")
    return lines


def _frame(entry: ReportMedia, frame: ReportFrame, image_src: ImageSource, width: int,
           problems: Mapping[FrameKey, str]) -> list[str]:
    tc = f" · {_text(frame.timecode)}" if frame.timecode else ""
    drawn = " · drawn on" if frame.annotated else ""
    out = [f"<h4>Frame {frame.frame}{tc}{drawn}</h4>"]
    problem = problems.get((entry.media.id, frame.frame))
    if problem:
        out.append(f'<p class="problem" dir="auto">{_text(problem)}</p>')
    src = image_src(entry.media.id, frame.frame)
    if src:
        out.append(f'<p><img src="{escape(src, quote=True)}" width="{width}" alt="frame {frame.frame}"/></p>')
    for thread in frame.threads:
        out += _note(thread)
    return out


def _media(entry: ReportMedia, image_src: ImageSource, width: int, problems: Mapping[FrameKey, str]) -> list[str]:
    m = entry.media
    title = " · ".join(_text(v) for v in (m.shot or m.file_name, m.version) if v)
    status = _text((m.approval_status or "pending").replace("_", " "))
    change = entry.status_change
    set_by = (f" (set by {_text(change.changed_by_name or change.changed_by or 'someone')} "
              f"{when(change.created_at)})" if change else "")
    out = [f'<h3 dir="auto">{title}</h3>',
           f'<p class="meta" dir="auto">Department: {_text(m.department or "—")} · Artist: '
           f'{_text(m.artist_name or "—")} · Status: <b>{status}</b>{set_by}<br/>{_text(m.file_path)}</p>']
    if not entry.frames and not entry.general:
        out.append('<p class="meta">No notes on this version.</p>')
    for frame in entry.frames:
        out += _frame(entry, frame, image_src, width, problems)
    if entry.general:
        out.append("<h4>Notes not tied to a frame</h4>")
        for thread in entry.general:
            out += _note(thread)
    return out


def title_page(report: NotesReport) -> list[str]:
    """The first page: title, scope, date, reviewer, counts and the per-shot status summary."""
    counts = report.counts()
    out = ['<div>', f'<h1 dir="auto">{_text(report.title)}</h1>',
           f'<p dir="auto">{_text(report.scope)}<br/>{when(report.created_at)}'
           + (f'<br/>Reviewer: <span dir="auto">{_text(report.reviewer)}</span>' if report.reviewer else "")
           + ("<br/>Open notes only" if report.open_only else "") + "</p>",
           f"<p>{counts['media']} media · {counted(counts['notes'], 'note or reply', 'notes and replies')} · "
           f"{counts['open']} open · {counts['resolved']} resolved · "
           f"{counted(counts['annotated_frames'], 'annotated frame')}</p>"]
    if report.shot_summary:
        statuses = sorted({s for by in report.shot_summary.values() for s in by})
        out.append('<table class="summary" cellspacing="0"><tr><th>Shot</th>'
                   + "".join(f"<th>{_text(s.replace('_', ' '))}</th>" for s in statuses) + "</tr>")
        for shot, by in report.shot_summary.items():
            out.append(f'<tr><td dir="auto">{_text(shot)}</td>'
                       + "".join(f"<td>{by.get(s, '')}</td>" for s in statuses) + "</tr>")
        out.append("</table>")
    else:
        out.append('<p class="problem">No media in this selection.</p>')
    # Qt's rich text breaks pages only after a paragraph, not after a <div>.
    out.append('<p style="page-break-after: always">&nbsp;</p></div>')
    return out


def report_html(report: NotesReport, image_src: ImageSource, *, image_width: int = 640,
                problems: Mapping[FrameKey, str] | None = None, style: str = STYLE) -> str:
    """The whole report as one HTML document."""
    problems = problems or {}
    out = ['<!DOCTYPE html>', '<html><head><meta charset="utf-8"/>', f"<title>{_text(report.title)}</title>",
           f"<style>{style}</style></head><body>", *title_page(report)]
    for section in report.sections:
        if section.title is not None:
            out.append(f'<h2 dir="auto">{_text(section.title)}</h2>')
        for entry in section.media:
            out += _media(entry, image_src, image_width, problems)
    out.append("</body></html>")
    return "\n".join(out)
