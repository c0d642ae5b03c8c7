"""The portfolio as a PDF an international office can file: ReportLab, A4, the viewer's language.

ReportLab installs with pip alone. Its bundled Vera fonts cover Western European scripts; where
the machine has DejaVu Sans (most Linux distributions), it is used instead, for a wider range
of names.
"""

from __future__ import annotations

import io
import re
from html import escape
from pathlib import Path
from typing import Any

import reportlab
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from coil.core.templating import country_name, when
from coil.portfolio.data import Portfolio
from coil.portfolio.sections import Evidence
from coil.rubrics.text import localised

BRAND = colors.HexColor("#0b5394")
MUTED = colors.HexColor("#4a5360")
LINE = colors.HexColor("#c9d0da")
SOFT = colors.HexColor("#f3f5f8")
_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)
_REGISTERED: list[str] = []


def _font() -> tuple[str, str]:
    """Register the fonts once; return (regular, bold) names."""
    if not _REGISTERED:
        regular, bold = _FONTS
        if not (regular.exists() and bold.exists()):
            folder = Path(reportlab.__file__).parent / "fonts"
            regular, bold = folder / "Vera.ttf", folder / "VeraBd.ttf"
        pdfmetrics.registerFont(TTFont("CoilSans", str(regular)))
        pdfmetrics.registerFont(TTFont("CoilSans-Bold", str(bold)))
        _REGISTERED.extend(["CoilSans", "CoilSans-Bold"])
    return _REGISTERED[0], _REGISTERED[1]


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _font()
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=13, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=MUTED),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=18, leading=22),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=15),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=bold, fontSize=12, leading=16, textColor=BRAND,
            spaceBefore=10, spaceAfter=4,
        ),
        "h3": ParagraphStyle("h3", parent=base, fontName=bold, fontSize=10, leading=13),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=9, leading=12),
    }  # fmt: skip


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(
    rows: list[list[Any]],
    widths: list[float],
    styles: dict[str, ParagraphStyle],
    *,
    header: bool = True,
    numbers: bool = False,
) -> Table:
    """A table (with a header row unless ``header`` is false), the cells as paragraphs so long
    names wrap; ``numbers`` right-aligns the last column."""
    number = ParagraphStyle("number", parent=styles["cell"], alignment=TA_RIGHT)
    number_head = ParagraphStyle("number_head", parent=styles["head"], alignment=TA_RIGHT)

    def style(row: int, column: int) -> ParagraphStyle:
        last = numbers and column == len(widths) - 1
        if header and row == 0:
            return number_head if last else styles["head"]
        if not header and column == 0:
            return styles["head"]
        return number if last else styles["cell"]

    data = [[_p(cell, style(r, c)) for c, cell in enumerate(row)] for r, row in enumerate(rows)]
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands: list[Any] = [
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), SOFT),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, BRAND),
        ]
    else:
        commands += [("LINEABOVE", (0, 0), (-1, 0), 0.6, BRAND)]
    table.setStyle(TableStyle(commands))
    return table


def _plain(markdown: str) -> str:
    """Markdown source as plain paragraphs (the PDF shows the words, not the markup)."""
    text = re.sub(r"[*_`#>]+", "", markdown)
    return re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1 (\2)", text).strip()


def _evidence(ev: Evidence, styles: dict[str, ParagraphStyle], width: float) -> list[Any]:
    """The rubric assessment, the peer-evaluation aggregate and the badges."""
    story: list[Any] = [_p(_("Intercultural competence, assessed"), styles["h2"])]
    story.append(
        _p(
            _(
                "Levels on the exchange's rubric, 0 (below Benchmark) to 4 (Capstone): the "
                "student's own, at the start and at the end, and each lecturer's rating. "
                "Evidence, not a grade."
            ),
            styles["small"],
        )
    )
    head = [_("Dimension"), _("Self, start"), _("Self, end"), _("Change, start to end")]
    head += [_("Rated by %(name)s", name=name) for name in ev.raters]

    def level(value: int | None) -> str:
        return "–" if value is None else str(value)

    rows = [head] + [
        [
            row.name,
            level(row.pre),
            level(row.post),
            "–" if row.change is None else f"{row.change:+d}",
            *[str(value) for value in row.ratings],
        ]
        for row in ev.rubric
    ]
    rest = (width - 60 * mm) / (len(head) - 1)
    story.append(_table(rows, [60 * mm] + [rest] * (len(head) - 1), styles))
    story.append(_p(_("Peer evaluation"), styles["h3"]))
    if ev.peer_overall is None:
        story.append(
            _p(_("Shown once at least two teammates have evaluated the student."), styles["body"])
        )
    else:
        peers = [[_("Teamwork dimension"), _("Mean")]]
        peers += [[str(name), format_decimal(mean, "0.0")] for name, mean in ev.peer_means]
        peers.append([_("Overall"), format_decimal(ev.peer_overall, "0.0")])
        story.append(_table(peers, [100 * mm, width - 100 * mm], styles, numbers=True))
    story.append(_p(_("Badges"), styles["h2"]))
    if not ev.badges:
        story.append(_p(_("No badge in this exchange yet."), styles["body"]))
    for name, at in ev.badges:
        story.append(_p(f"{name} · {when(at)}", styles["body"]))
    return story


def render_pdf(portfolio: Portfolio, verify_url: str) -> bytes:
    """Render ``portfolio`` as A4 PDF bytes, in the current request's language and zone."""
    styles = _styles()
    width = A4[0] - 40 * mm
    student, exchange = portfolio.student, portfolio.exchange
    story: list[Any] = [
        _p(_("Evidence portfolio · virtual exchange"), styles["small"]),
        Spacer(1, 2 * mm),
        _p(student.name, styles["title"]),
        _p(exchange.title, styles["subtitle"]),
        Spacer(1, 4 * mm),
    ]
    own = next((m for m in portfolio.members if m.own), None)
    period = (
        f"{format_date(portfolio.first_day, 'long')} – {format_date(portfolio.last_day, 'long')}"
    )
    facts = [
        [_("Exchange"), exchange.title],
        [_("Student"), student.name],
        [_("Course"), f"{own.course} · {own.institution}" if own else ""],
        [_("Period"), period],
        [
            _("Partners"),
            "; ".join(
                f"{m.institution} ({m.city}, {country_name(m.country)}) · {m.course}"
                for m in portfolio.partners
            ),
        ],
    ]
    story.append(_table(facts, [40 * mm, width - 40 * mm], styles, header=False))

    story.append(_p(_("Participation, as recorded"), styles["h2"]))
    rate = portfolio.cross_rate
    participation = [
        [_("Measure"), _("Value")],
        [_("Live sessions attended"), str(portfolio.sessions_attended)],
        [_("Synchronous hours"), format_decimal(portfolio.hours_present, "0.0")],
        [_("Days with activity"), str(portfolio.active_days)],
        [_("Messages"), str(portfolio.messages)],
        [
            _("Messages answering a partner institution"),
            "–" if rate is None else format_percent(rate),
        ],
    ]
    story.append(_table(participation, [100 * mm, width - 100 * mm], styles, numbers=True))
    contributions = [[_("Contribution"), _("Times")]] + [
        [str(c.label), str(c.count)] for c in portfolio.contributions if c.count
    ]
    if len(contributions) > 1:
        story.append(Spacer(1, 3 * mm))
        story.append(_table(contributions, [100 * mm, width - 100 * mm], styles, numbers=True))

    if portfolio.evidence is not None:
        story.extend(_evidence(portfolio.evidence, styles, width))

    story.append(_p(_("Reflections the student chose to include"), styles["h2"]))
    if not portfolio.reflections:
        story.append(_p(_("None chosen yet."), styles["body"]))
    for entry in portfolio.reflections:
        version = entry.latest
        if version is None:
            continue
        heading = localised(entry.prompt.texts, str(get_locale() or "en"))
        block = [
            _p(heading, styles["h3"]),
            _p(
                _(
                    "Version %(number)d, submitted %(when)s",
                    number=version.number,
                    when=when(version.submitted_at),
                ),
                styles["small"],
            ),
            Spacer(1, 1.5 * mm),
        ]
        story.append(KeepTogether(block))
        for paragraph in _plain(version.body).split("\n\n"):
            story.append(_p(paragraph, styles["body"]))
            story.append(Spacer(1, 1.5 * mm))

    story.append(Spacer(1, 6 * mm))
    story.append(
        _p(
            _(
                "Recorded by COIL as it happened, not self-reported. Generated %(when)s. "
                "The online version (sign-in required) is at %(url)s.",
                when=when(portfolio.generated_at),
                url=verify_url,
            ),
            styles["small"],
        )
    )

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(_font()[0], 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(20 * mm, 12 * mm, f"{student.name} · {exchange.title}"[:110])
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, _("Page %(n)d", n=doc.page))
        canvas.restoreState()

    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=_("Evidence portfolio: %(name)s", name=student.name),
        author="COIL",
        subject=exchange.title,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
