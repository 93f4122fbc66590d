"""Terminal views with rich: `newsclean report` (the run summary) and `newsclean show` (one
document's edits and a coloured diff of raw vs clean).

They only render what `cleaners.report` reads or builds; nothing here decides anything.
Article text is printed as rich `Text` (never as console markup), so a "[red]" or an ANSI
escape inside an article prints as itself.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cleaners.report import align, removal_rules, rule_for_removed, word_diff

EXAMPLE_WIDTH = 70
# one character for one, so the styled spans of a Text keep their offsets
_CONTROL = {c: "�" for c in list(range(0, 9)) + [11, 12] + list(range(14, 32)) + [127]} | {13: " "}


def plain(value: Any) -> Text:
    """Text shown literally: no markup, no control characters (an ESC could drive the terminal)."""
    return Text(("" if value is None else str(value)).translate(_CONTROL))


def short(value: Any, width: int = EXAMPLE_WIDTH) -> str:
    s = " ".join(("" if value is None else str(value)).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def _num(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
    return "–" if x is None else f"{x:,}" if isinstance(x, int) else str(x)


# ---- newsclean report -----------------------------------------------------------------------

def report_view(report: dict[str, Any], html_path: str | None = None, width: int = 120) -> Group:
    """`width`: the terminal's; below 110 columns the rules table leaves out its examples."""
    parts: list[Any] = [_header(report), _units(report), _rules(report, examples=width >= 110),
                        _stages(report)]
    parts += [t for t in (_rejects(report), _languages(report)) if t is not None]
    parts.append(_drift(report))
    dup = report.get("duplicates") or {}
    parts.append(plain(f"duplicate clusters: {dup.get('clusters', 0)} "
                       f"({dup.get('units', 0)} duplicate units)"))
    if html_path:
        parts.append(plain(f"full report: {html_path}"))
    return Group(*parts)


def _header(report: dict[str, Any]) -> Panel:
    lines = Text()
    lines.append(f"run {report.get('run_id')}", style="bold")
    lines.append(f"\nstarted {report.get('started')}  ended {report.get('ended')}  "
                 f"({_num(report.get('duration_seconds'))} s, runner {report.get('runner')})")
    lines.append(f"\n{report.get('raw_dir')} → {report.get('clean_dir')}")
    return Panel(_clean_text(lines), title="newsclean report", expand=False)


def _units(report: dict[str, Any]) -> Table:
    units, out = report.get("units") or {}, report.get("outputs") or {}
    edits = report.get("edits") or {}
    t = Table(title="units", show_header=False)
    t.add_column(style="bold")
    t.add_column(justify="right")
    for key in ("seen", "new", "unchanged", "kept", "rejected", "duplicates"):
        if key in units:
            t.add_row(key, _num(units[key]))
    t.add_row("edit-log lines", _num(out.get("edit_records")))
    t.add_row("edits", _num(edits.get("total")))
    t.add_row("documents edited", _num(edits.get("docs_with_edits")))
    return t


def _rules(report: dict[str, Any], examples: bool = True) -> Table:
    t = Table(title="edits by rule")
    t.add_column("rule", no_wrap=True)            # a rule id is never cut: it is what you grep for
    for name in ("edits", "docs", "edits/doc", "chars removed"):
        t.add_column(name, justify="right")
    if examples:
        t.add_column("example", no_wrap=True, overflow="ellipsis", max_width=48)  # one line each
    for r in (report.get("edits") or {}).get("by_rule") or []:
        ex = (r.get("examples") or [{}])[0]
        example = Text()
        if ex.get("before"):
            example.append(short(ex["before"], 30), style="red strike")
        if ex.get("after"):
            example.append(" → ")
            example.append(short(ex["after"], 30), style="green")
        if not ex.get("before") and not ex.get("after"):
            example.append(short(ex.get("note"), 60), style="dim")
        cells = [plain(r["rule"]), _num(r["edits"]), _num(r["docs"]), _num(r["rate"]),
                 _num(r.get("chars_removed"))]
        t.add_row(*cells, *([_clean_text(example)] if examples else []))
    return t


def _stages(report: dict[str, Any]) -> Table:
    by_stage = (report.get("edits") or {}).get("by_stage") or {}
    timings = (report.get("timings") or {}).get("stages") or {}
    t = Table(title="stages")
    for name, justify in (("stage", "left"), ("edits", "right"), ("docs edited", "right"),
                          ("seconds", "right"), ("ms/doc", "right")):
        t.add_column(name, justify=justify)
    for s in dict.fromkeys(list(timings) + list(by_stage)):
        t.add_row(plain(s), _num(by_stage.get(s, {}).get("edits", 0)), _num(by_stage.get(s, {}).get("docs", 0)),
                  _num(timings.get(s, {}).get("seconds")), _num(timings.get(s, {}).get("ms_per_doc")))
    steps = (report.get("timings") or {}).get("steps") or {}
    for step, secs in steps.items():
        t.add_row(plain(f"step: {step}"), "", "", _num(secs), "", style="dim")
    return t


def _rejects(report: dict[str, Any]) -> Table | None:
    rows = (report.get("rejects") or {}).get("by_reason") or []
    if not rows:
        return None
    t = Table(title="rejected by reason")
    t.add_column("reason")
    t.add_column("units", justify="right")
    t.add_column("quarantined", justify="right")
    t.add_column("example")
    for r in rows:
        ex = (r.get("examples") or [{}])[0]
        t.add_row(plain(r["reason"]), _num(r["count"]), _num(r.get("quarantine", 0)),
                  plain(short(f"{ex.get('source')}: {ex.get('reason')}", 60)))
    return t


def _languages(report: dict[str, Any]) -> Table | None:
    langs = report.get("languages") or []
    if not langs:
        return None
    t = Table(title="languages (kept)")
    t.add_column("lang")
    t.add_column("docs", justify="right")
    t.add_column("share", justify="right")
    for r in langs[:12]:
        t.add_row(plain(r["lang"]), _num(r["docs"]), f"{100 * r['share']:.1f}%")
    return t


def _drift(report: dict[str, Any]) -> Any:
    d = report.get("drift") or {}
    if not d.get("previous_run"):
        return plain("drift: no previous run to compare with")
    if d.get("note"):
        return plain(f"drift: {d['note']}")
    rows = (d.get("rules") or []) + (d.get("rejects") or [])
    if not rows:
        return plain(f"drift: nothing moved markedly since run {d['previous_run']}")
    sample = " — small sample, read lightly" if d.get("small_sample") else ""
    t = Table(title=f"drift since run {d['previous_run']} (edits or rejects per document){sample}")
    t.add_column("rule / reason")
    t.add_column("before", justify="right")
    t.add_column("now", justify="right")
    t.add_column("")
    for r in rows:
        arrow = Text("▲ up" if r["direction"] == "up" else "▼ down",
                     style="yellow" if r["direction"] == "up" else "cyan")
        t.add_row(plain(r["name"]), _num(r["previous_rate"]), _num(r["rate"]),
                  arrow + plain(f" {r.get('note') or ''}"))
    return t


# ---- newsclean show -------------------------------------------------------------------------

def show_view(found: dict[str, Any], marks: bool = False) -> Group:
    """Every edit for one document, then raw vs clean with removed lines labelled by rule.
    `marks`: also bracket changed words as [-old-]{+new+}, for terminals without colour."""
    edits_rec = found.get("edits") or {}
    corpus, rejected = found.get("corpus"), found.get("rejected")
    some = edits_rec or rejected or corpus or {}
    status = edits_rec.get("status") or ("kept" if corpus else "rejected")
    head = Text()
    head.append(str(some.get("source")), style="bold")
    head.append(f"\nid {some.get('id')}  run {found.get('run_id')}  status ")
    head.append(status, style="green" if status == "kept" else "red")
    title = (corpus or {}).get("title") or edits_rec.get("title")
    if title:
        head.append(f"\ntitle: {title}")
    reasons = (rejected or {}).get("reasons") or edits_rec.get("reasons") or []
    for reason in reasons:
        head.append(f"\nreason: {reason}", style="red")
    if (rejected or {}).get("duplicate_of"):
        head.append(f"\nduplicate of {rejected['duplicate_of']}", style="red")
    parts: list[Any] = [Panel(_clean_text(head), title="newsclean show", expand=False)]
    edits = edits_rec.get("edits") or []
    parts.append(_edits_table(edits, marks) if edits else plain("no edits" if edits_rec else
                                                         "rejected before cleaning: no edit log line"))
    clean_text = (corpus or {}).get("text")
    if clean_text is None and rejected:
        clean_text = rejected.get("text")      # a quarantined article keeps its cleaned text
    if edits_rec.get("raw"):
        parts.append(diff_text(edits_rec["raw"], clean_text, edits, bool(edits_rec.get("raw_truncated")),
                               marks))
    return Group(*parts)


def _clean_text(text: Text) -> Text:
    """Neutralise control characters (ESC above all) in an already styled Text; the mapping is
    one character for one, so the styled spans keep their offsets."""
    text.plain = text.plain.translate(_CONTROL)
    return text


def _edits_table(edits: list[dict[str, Any]], marks: bool = False) -> Table:
    t = Table(title=f"{len(edits)} edits", show_lines=True)
    for name in ("#", "rule", "action", "para", "before → after", "note"):
        t.add_column(name, justify="right" if name in ("#", "para") else "left", overflow="fold")
    for i, e in enumerate(edits, 1):
        change = Text()
        before, after = e.get("before") or "", e.get("after") or ""
        if before and after:
            change = _inline_diff(before, after, marks)
        elif before:
            change.append(f"[-{before}-]" if marks else before, style="red strike")
        elif after:
            change.append(after, style="green")
        t.add_row(str(i), plain(f"{e.get('stage')}.{e.get('rule')}"), plain(e.get("action")),
                  _num(e.get("para")), _clean_text(change), plain(e.get("note")))
    return t


def _inline_diff(before: str, after: str, marks: bool = False) -> Text:
    out = Text()
    for op, piece in word_diff(before, after):
        if marks and op != "eq":
            piece = f"[-{piece}-]" if op == "del" else f"{{+{piece}+}}"
        out.append(piece, style={"eq": "", "del": "red strike", "ins": "bold green"}[op])
    return out


def diff_text(raw: str, clean: str | None, edits: list[dict[str, Any]], truncated: bool = False,
              marks: bool = False) -> Text:
    """Raw vs clean, paragraph by paragraph: "-" removed (with the rule), "+" added, "~" changed
    (words struck/highlighted), " " unchanged (dim)."""
    out = Text()
    out.append("raw vs clean" + (" (raw input truncated in the log)" if truncated else "") + "\n",
               style="bold underline")
    if clean is None:
        out.append("(not in the corpus: raw input below)\n", style="dim")
        for line in raw.splitlines():
            out.append(f"  {line}\n")
        return _clean_text(out)
    removals = removal_rules(edits)
    for kind, r, c in align(raw, clean):
        if kind == "equal":
            out.append(f"  {c}\n", style="dim")
        elif kind == "removed":
            out.append(f"- {r}", style="red")
            rule = rule_for_removed(r or "", removals)
            out.append(f"   [{rule or 'removed'}]\n", style="bold red")
        elif kind == "added":
            out.append(f"+ {c}\n", style="green")
        else:
            out.append("~ ", style="yellow")
            out.append_text(_inline_diff(r or "", c or "", marks))
            out.append("\n")
    return _clean_text(out)


def print_report(report: dict[str, Any], console: Console | None = None, html_path: str | None = None) -> None:
    console = console or Console()
    console.print(report_view(report, html_path, console.width))


def print_show(found: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    console.print(show_view(found, marks=console.color_system is None))


# ---- the two commands (flows/cli.py delegates here) -----------------------------------------

class ViewError(Exception):
    """A one-line message for the user (no such run, no such document...)."""


def report_command(run: str, clean: Path, console: Console) -> None:
    """`newsclean report [RUN|latest] [CLEAN]`; `newsclean report CLEAN` works too."""
    from cleaners.report import load_report, reports_dir

    if clean == Path("clean") and (Path(run) / "reports").is_dir():
        run, clean = "latest", Path(run)         # the only argument given was the output folder
    try:
        rep = load_report(clean, run)
    except FileNotFoundError as exc:
        raise ViewError(str(exc)) from None
    except ValueError as exc:                     # a report.json that is not JSON
        raise ViewError(f"unreadable report for {run!r}: {exc}") from None
    html = reports_dir(clean) / str(rep.get("run_id")) / "report.html"
    print_report(rep, console, str(html) if html.is_file() else None)


def show_command(source: str, clean: Path, console: Console) -> None:
    """`newsclean show SOURCE [CLEAN]`: SOURCE is a unit's source, the tail of its path, or its id."""
    from cleaners.report import find_document

    try:
        found = find_document(clean, source)
    except LookupError as exc:
        raise ViewError(str(exc)) from None
    if found is None:
        raise ViewError(f"no document {source!r} in {clean / 'edits'} or {clean / 'rejected'}")
    print_show(found, console)
