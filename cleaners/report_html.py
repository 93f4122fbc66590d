"""report.html: one self-contained page a person can read from file://, with no network.

Article text is data. Every value goes through `esc` (html.escape with quotes), nothing is
ever inserted as markup, and a strict Content-Security-Policy allows only this page's own
stylesheet and script, pinned by their SHA-256: an injected <script>, an onerror= attribute
or an inline style in an article could not run even if escaping failed somewhere. The one
script (filters) uses addEventListener, never inline handler attributes.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from typing import Any, Iterable

from cleaners.report import align, removal_rules, rule_for_removed, word_diff

CSS = """
:root{--fg:#1d2329;--mut:#5b6670;--line:#d9dee3;--bg:#f6f7f9;--acc:#2f6fb1;--del:#fde2e1;--delfg:#8c1d18;--ins:#dcf5e3;--insfg:#135c2b}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0}
header,main{max-width:1400px;margin:0 auto;padding:12px 20px}
header{background:#fff;border-bottom:1px solid var(--line);max-width:none}
h1{font-size:20px;margin:4px 0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:14px;margin:12px 0 6px}
.mut{color:var(--mut)}.small{font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:22px}.card span{color:var(--mut);font-size:12px}
.warn{background:#fff5d6;border:1px solid #e8c96a;border-radius:6px;padding:8px 12px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef1f4;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
del{background:var(--del);color:var(--delfg)}ins{background:var(--ins);color:var(--insfg);text-decoration:none}
.filters{position:sticky;top:0;z-index:2;background:var(--bg);padding:8px 0;display:flex;gap:12px;align-items:center;flex-wrap:wrap;border-bottom:1px solid var(--line)}
.filters input,.filters select{font:inherit;padding:3px 6px}
details{background:#fff;border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:4px 10px}
summary{cursor:pointer}
details.ex{border:0;padding:0;margin:0;background:none}details.ex summary{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#rules td.exs{width:42%;max-width:0}#rules td.act{white-space:nowrap}
details.ex[open] summary{white-space:normal}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;background:#e4e9ee}
.badge.kept{background:#dcf5e3}.badge.rejected,.badge.quarantine,.badge.duplicate{background:#fde2e1}
.pairs{display:grid;grid-template-columns:1fr 1fr;border:1px solid var(--line);margin:8px 0}
.pairs>div{padding:3px 8px;border-bottom:1px solid #eef0f2;white-space:pre-wrap;overflow-wrap:anywhere}
.pairs>div:nth-child(odd){border-right:1px solid var(--line)}
.pairs .hd{background:#eef1f4;font-weight:600}
.pairs .removed{background:#fff6f6}.pairs .added{background:#f4fcf6}.pairs .changed{background:#fffdf1}
.tag{font-size:11px;color:var(--mut);margin-left:6px;font-family:ui-monospace,monospace}
.charts{display:flex;flex-wrap:wrap;gap:14px}
.chart{background:#fff;border:1px solid var(--line);border-radius:6px;padding:6px}
.cluster{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(260px,1fr);gap:8px;overflow-x:auto}
.cluster>div{background:#fff;border:1px solid var(--line);padding:6px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:360px;overflow-y:auto}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid var(--line);padding:8px;max-height:420px;overflow:auto}
[hidden]{display:none!important}
"""

JS = """
(function () {
  "use strict";
  var d = document;
  var src = d.getElementById("f-source"), rule = d.getElementById("f-rule");
  var reason = d.getElementById("f-reason"), shown = d.getElementById("f-shown");
  function has(list, item) { return (" " + list + " ").indexOf(" " + item + " ") >= 0; }
  function apply() {
    var s = src.value.trim().toLowerCase(), r = rule.value, why = reason.value;
    var items = d.querySelectorAll("[data-filter]"), n = 0, total = 0;
    for (var i = 0; i < items.length; i++) {
      var el = items[i], ds = el.dataset, ok = true;
      if (s && ds.source !== undefined) { ok = ds.source.toLowerCase().indexOf(s) >= 0; }
      if (ok && r && ds.rules !== undefined) { ok = has(ds.rules, r); }
      if (ok && why && ds.reasons !== undefined) { ok = has(ds.reasons, why); }
      el.hidden = !ok;
      if (el.classList.contains("doc")) { total++; if (ok) { n++; } }
    }
    shown.textContent = n + " of " + total + " embedded documents shown";
  }
  // filters live in the address too (#source=..&rule=..&reason=..): a view can be linked
  function fromHash() {
    var q = new URLSearchParams(location.hash.slice(1));
    src.value = q.get("source") || "";
    [[rule, q.get("rule")], [reason, q.get("reason")]].forEach(function (pair) {
      var ok = false;
      for (var i = 0; i < pair[0].options.length; i++) { ok = ok || pair[0].options[i].value === pair[1]; }
      pair[0].value = ok ? pair[1] : "";
    });
  }
  function toHash() {
    var q = new URLSearchParams();
    if (src.value) { q.set("source", src.value); }
    if (rule.value) { q.set("rule", rule.value); }
    if (reason.value) { q.set("reason", reason.value); }
    try { history.replaceState(null, "", "#" + q.toString()); } catch (e) { /* some file:// setups */ }
  }
  function changed() { toHash(); apply(); }
  src.addEventListener("input", changed);
  rule.addEventListener("change", changed);
  reason.addEventListener("change", changed);
  window.addEventListener("hashchange", function () { fromHash(); apply(); });
  fromHash();
  apply();
  d.documentElement.setAttribute("data-js", "ready");
})();
"""


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


CSP = ("default-src 'none'; "
       f"script-src '{_sha256(JS)}'; style-src '{_sha256(CSS)}'; "
       "img-src 'none'; font-src 'none'; connect-src 'none'; object-src 'none'; "
       "base-uri 'none'; form-action 'none'")


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def token(value: Any) -> str:
    """A filter token for data-* lists: no spaces (rule ids never contain any; be safe)."""
    return "_".join(str(value).split())


def fmt(x: Any, digits: int = 3) -> str:
    if isinstance(x, bool) or x is None:
        return esc(x if x is not None else "–")
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.{digits}g}"
    return esc(x)


# ---- inline SVG charts ----------------------------------------------------------------------

def bar_chart(title: str, items: Iterable[tuple[str, float]], width: int = 420) -> str:
    """Horizontal bars with labels; text escaped, geometry from numbers only."""
    items = [(str(k), float(v)) for k, v in items][:25]
    if not items:
        return ""
    row, label_w = 18, 150
    top = max(v for _, v in items) or 1.0
    height = row * len(items) + 24
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{esc(title)}</title>",
             f'<text x="4" y="14" font-size="12" font-weight="600">{esc(title)}</text>']
    for i, (label, v) in enumerate(items):
        y = 22 + i * row
        w = (width - label_w - 60) * v / top
        parts.append(f'<text x="{label_w - 4}" y="{y + 12}" font-size="11" text-anchor="end">'
                     f"{esc(label[:24])}</text>")
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" fill="#2f6fb1"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 12}" font-size="11">{fmt(v)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(name: str, dist: dict[str, Any], width: int = 300, height: int = 142) -> str:
    bins = dist.get("bins") or []
    if not bins:
        return ""
    top = max(b["count"] for b in bins) or 1
    plot_h, base = height - 58, height - 38
    bw = (width - 20) / len(bins)
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{esc(name)}</title>",
             f'<text x="4" y="13" font-size="12" font-weight="600">{esc(name)}</text>']
    for i, b in enumerate(bins):
        h = plot_h * b["count"] / top
        parts.append(f'<rect x="{10 + i * bw:.1f}" y="{base - h:.1f}" width="{max(bw - 1, 1):.1f}" '
                     f'height="{h:.1f}" fill="#2f6fb1"><title>{fmt(b["lo"])}–{fmt(b["hi"])}: '
                     f'{b["count"]}</title></rect>')
    parts.append(f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#888"/>')
    parts += _threshold_marks(dist, width, base, plot_h)
    parts.append(f'<text x="10" y="{base + 14}" font-size="10">{fmt(dist.get("min"))}</text>')
    parts.append(f'<text x="{width - 10}" y="{base + 14}" font-size="10" text-anchor="end">'
                 f'{fmt(dist.get("max"))}</text>')
    parts.append(f'<text x="{width / 2}" y="{base + 24}" font-size="10" text-anchor="middle">'
                 f'n={dist.get("count")} median={fmt(dist.get("p50"))} mean={fmt(dist.get("mean"))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _threshold_marks(dist: dict[str, Any], width: int, base: float, plot_h: float) -> list[str]:
    """A dashed red line per quality cut-off inside the plotted range; the rest as a note."""
    lo, hi = float(dist.get("min") or 0), float(dist.get("max") or 0)
    marks, outside = [], []
    for cut in dist.get("thresholds") or []:
        t = float(cut["threshold"])
        label = f'{cut.get("action")} if {cut.get("op")} {fmt(t)}'
        if hi > lo and lo <= t <= hi:
            x = 10 + (t - lo) / (hi - lo) * (width - 20)
            marks.append(f'<line x1="{x:.1f}" y1="{base - plot_h:.1f}" x2="{x:.1f}" y2="{base}" '
                         f'stroke="#c0392b" stroke-dasharray="3,2"><title>{esc(cut.get("rule"))}: '
                         f'{esc(label)}</title></line>')
        else:
            outside.append(label)
    if outside:
        marks.append(f'<text x="{width / 2}" y="{base + 35}" font-size="10" fill="#c0392b" '
                     f'text-anchor="middle">outside the range: {esc("; ".join(outside))}</text>')
    return marks


# ---- sections -------------------------------------------------------------------------------

def _overview(report: dict[str, Any]) -> str:
    by_stage = (report.get("edits") or {}).get("by_stage") or {}
    reasons = (report.get("rejects") or {}).get("by_reason") or []
    charts = bar_chart("edits per stage", [(s, v.get("edits", 0)) for s, v in by_stage.items()])
    charts += bar_chart("rejected units by reason", [(r["reason"], r["count"]) for r in reasons])
    return _cards(report) + (f'<div class="charts">{charts}</div>' if charts else "")


def _cards(report: dict[str, Any]) -> str:
    units, out, edits = report.get("units") or {}, report.get("outputs") or {}, report.get("edits") or {}
    figures = [(k, units.get(k)) for k in ("seen", "new", "unchanged", "kept", "rejected", "duplicates")
               if k in units]
    figures += [("corpus records", out.get("corpus_records")), ("rejected records", out.get("rejected_records")),
                ("edits", edits.get("total")), ("documents edited", edits.get("docs_with_edits"))]
    return '<div class="cards" id="overview">' + "".join(
        f'<div class="card" data-figure="{esc(token(k))}"><b>{fmt(v)}</b><span>{esc(k)}</span></div>'
        for k, v in figures) + "</div>"


def _drift(report: dict[str, Any]) -> str:
    d = report.get("drift") or {}
    if not d.get("previous_run"):
        return '<p class="mut">No previous run in this output folder: no drift to show.</p>'
    rows = (d.get("rules") or []) + (d.get("rejects") or [])
    head = (f'<p>Compared with run <code>{esc(d["previous_run"])}</code> '
            f'(started {esc(d.get("previous_started"))}); a rate is edits (or rejects) per processed '
            f'document, shown when it moved by ≥ {fmt(d["threshold"]["min_abs"])} and by a factor '
            f'≥ {fmt(d["threshold"]["min_ratio"])}.</p>')
    if d.get("note"):
        return head + f'<p>{esc(d["note"])}.</p>'
    if d.get("small_sample"):
        head += '<p class="mut">Few documents on one side: rates are noisy, read them lightly.</p>'
    if not rows:
        return head + "<p>No rule moved markedly.</p>"
    body = "".join(f'<tr data-filter data-rules="{esc(token(r["name"]))}"><td><code>{esc(r["name"])}</code></td>'
                   f'<td class="n">{fmt(r["previous_rate"])}</td><td class="n">{fmt(r["rate"])}</td>'
                   f'<td>{"▲" if r["direction"] == "up" else "▼"} {esc(r.get("note"))}</td></tr>'
                   for r in rows)
    return (head + '<div class="warn">' + f"{len(rows)} rule(s) moved markedly.</div>"
            "<table><tr><th>rule / reason</th><th>previous rate</th><th>rate</th><th></th></tr>"
            + body + "</table>")


def _rules(report: dict[str, Any]) -> str:
    rows = (report.get("edits") or {}).get("by_rule") or []
    if not rows:
        return "<p>No edits in this run.</p>"
    top = max(r["edits"] for r in rows) or 1
    out = ["<table id=\"rules\"><tr><th>rule</th><th>edits</th><th>documents</th><th>edits/doc</th>"
           "<th>chars removed</th><th>actions</th><th></th><th>examples (before → after)</th></tr>"]
    for r in rows:
        w = 120 * r["edits"] / top
        bar = (f'<svg width="124" height="12" role="img" xmlns="http://www.w3.org/2000/svg">'
               f'<rect width="{w:.1f}" height="10" y="1" fill="#2f6fb1"/></svg>')
        actions = ", ".join(f"{esc(k)} {v}" for k, v in sorted(r.get("actions", {}).items()))
        out.append(f'<tr data-filter data-rules="{esc(token(r["rule"]))}"><td><code>{esc(r["rule"])}</code></td>'
                   f'<td class="n">{fmt(r["edits"])}</td><td class="n">{fmt(r["docs"])}</td>'
                   f'<td class="n">{fmt(r["rate"])}</td><td class="n">{fmt(r["chars_removed"])}</td>'
                   f'<td class="small act">{actions}</td><td>{bar}</td><td class="exs">{_examples(r)}</td></tr>')
    out.append("</table>")
    return "".join(out)


def _examples(rule_row: dict[str, Any]) -> str:
    items = []
    for ex in rule_row.get("examples") or []:
        change = f"<del>{esc(ex.get('before'))}</del>" if ex.get("before") else ""
        if ex.get("after"):
            change += f" → <ins>{esc(ex['after'])}</ins>"
        note = f' <span class="mut">({esc(ex["note"])})</span>' if ex.get("note") else ""
        items.append(f'<li data-filter data-source="{esc(ex.get("source"))}">'
                     f'<span class="mono">{esc(ex.get("source"))}</span> · {esc(ex.get("action"))}: '
                     f"{change or '<span class=mut>(no text)</span>'}{note}</li>")
    if not items:
        return ""
    first = rule_row["examples"][0]
    before, after = first.get("before") or "", first.get("after") or ""
    preview = (f"{before[:40]} → {after[:40]}" if before and after
               else before or first.get("note") or after or "")
    preview = preview if len(preview) <= 90 else preview[:89] + "…"
    return (f'<details class="ex"><summary><span class="mut">{len(items)}×</span> {esc(preview)}</summary>'
            f"<ul>{''.join(items)}</ul></details>")


def _stages(report: dict[str, Any]) -> str:
    by_stage = (report.get("edits") or {}).get("by_stage") or {}
    timings = report.get("timings") or {}
    stages = timings.get("stages") or {}
    names = list(dict.fromkeys(list(stages) + list(by_stage)))
    rows = "".join(f"<tr><td><code>{esc(s)}</code></td><td class=\"n\">{fmt(by_stage.get(s, {}).get('edits', 0))}</td>"
                   f"<td class=\"n\">{fmt(by_stage.get(s, {}).get('docs', 0))}</td>"
                   f"<td class=\"n\">{fmt(stages.get(s, {}).get('seconds'))}</td>"
                   f"<td class=\"n\">{fmt(stages.get(s, {}).get('ms_per_doc'))}</td></tr>" for s in names)
    table = ("<table><tr><th>stage</th><th>edits</th><th>documents edited</th><th>seconds (sum)</th>"
             f"<th>ms/doc</th></tr>{rows}</table>")
    steps = timings.get("steps") or {}
    charts = bar_chart("seconds per stage (all documents)", [(s, v.get("seconds") or 0) for s, v in stages.items()])
    charts += bar_chart("seconds per step", [(k, v) for k, v in steps.items() if isinstance(v, (int, float))])
    return table + f'<div class="charts">{charts}</div>'


def _rejects(report: dict[str, Any]) -> str:
    rows = (report.get("rejects") or {}).get("by_reason") or []
    if not rows:
        return "<p>Nothing was rejected.</p>"
    out = ["<table id=\"rejects\"><tr><th>reason</th><th>units</th><th>quarantined</th><th>examples</th></tr>"]
    for r in rows:
        ex = "".join(f'<li data-filter data-source="{esc(e.get("source"))}"><span class="mono">'
                     f'{esc(e.get("source"))}</span>: {esc(e.get("reason"))}'
                     + (f' (duplicate of <span class="mono">{esc(e["duplicate_of"])}</span>)'
                        if e.get("duplicate_of") else "") + "</li>"
                     for e in r.get("examples") or [])
        out.append(f'<tr data-filter data-reasons="{esc(token(r["reason"]))}"><td><code>{esc(r["reason"])}</code></td>'
                   f'<td class="n">{fmt(r["count"])}</td><td class="n">{fmt(r.get("quarantine", 0))}</td>'
                   f"<td><ul>{ex}</ul></td></tr>")
    out.append("</table>")
    return "".join(out)


def _distributions(report: dict[str, Any]) -> str:
    langs = report.get("languages") or []
    charts = bar_chart("languages (kept articles)", [(r["lang"], r["docs"]) for r in langs])
    charts += "".join(histogram(name, dist) for name, dist in (report.get("distributions") or {}).items())
    return f'<div class="charts">{charts}</div>' if charts else "<p>No kept articles.</p>"


def _clusters(report: dict[str, Any]) -> str:
    dup = report.get("duplicates") or {}
    items = dup.get("list") or []
    if not items:
        return "<p>No duplicate clusters.</p>"
    out = [f"<p>{fmt(dup.get('clusters'))} cluster(s) holding {fmt(dup.get('units'))} duplicate unit(s); "
           f"the {fmt(dup.get('shown'))} largest are shown side by side.</p>"]
    for c in items:
        texts = c.get("texts")
        if texts is None:
            continue
        members = [("keeper", c["keeper"])] + [(m.get("status") or "duplicate", m)
                                               for m in c.get("members", [])[:3]]
        cols = []
        for role, m in members:
            t = texts.get(str(m.get("id"))) or {}
            sim = "" if role == "keeper" else (f' · {esc(m.get("kind") or "")} · jaccard {fmt(m.get("jaccard"))}'
                                               f' · containment {fmt(m.get("containment"))}')
            missing = ("(in the corpus from an earlier run)" if m.get("stored") else "(text not available)")
            body = t.get("text") or t.get("raw") or missing
            cols.append(f'<div><b>{esc(role)}</b> <span class="mono">{esc(m.get("source") or m.get("id"))}</span>'
                        f'<span class="mut small">{sim}</span>\n{esc(body)}</div>')
        sources = " ".join(esc(m.get("source") or "") for _, m in members)
        out.append(f'<details data-filter data-source="{sources}"><summary>{esc(c.get("size"))} units · '
                   f'{esc(c.get("why"))}</summary><div class="cluster">{"".join(cols)}</div></details>')
    return "".join(out)


def _templates(report: dict[str, Any]) -> str:
    t = report.get("templates") or {}
    if not t:
        return "<p>No site templates learned in this run.</p>"
    rows = "".join(f'<details data-filter data-source="{esc(site)}"><summary><code>{esc(site)}</code></summary>'
                   f"<pre>{esc(json.dumps(v, ensure_ascii=False, indent=1))}</pre></details>"
                   for site, v in t.items())
    return f"<p>{len(t)} site(s).</p>{rows}"


# ---- per-document view ----------------------------------------------------------------------

def _diff_html(pieces: list[tuple[str, str]], keep: str) -> str:
    out = []
    for op, text in pieces:
        if op == "eq":
            out.append(esc(text))
        elif op == keep:
            tag = "del" if op == "del" else "ins"
            out.append(f"<{tag}>{esc(text)}</{tag}>")
    return "".join(out)


def doc_pairs(view: dict[str, Any]) -> str:
    """Raw beside clean, row by row: removed paragraphs struck through with the rule that
    removed them, changed words highlighted on both sides."""
    raw, clean = view.get("raw") or "", view.get("clean")
    removals = removal_rules(view.get("edits") or [])
    cells = ['<div class="hd">raw input' + (" (truncated)" if view.get("raw_truncated") else "") + "</div>",
             '<div class="hd">clean text' + (" (truncated)" if view.get("clean_truncated") else "") + "</div>"]
    if clean is None:
        why = "; ".join(view.get("reasons") or []) or "no clean text"
        cells += [f"<div>{esc(raw) or '(input not logged)'}</div>",
                  f'<div class="mut">not in the corpus: {esc(why)}</div>']
        return f'<div class="pairs">{"".join(cells)}</div>'
    for kind, r, c in align(raw, clean):
        if kind == "equal":
            cells += [f"<div>{esc(r)}</div>", f"<div>{esc(c)}</div>"]
        elif kind == "removed":
            rule = rule_for_removed(r, removals)
            tag = f'<span class="tag">{esc(rule)}</span>' if rule else ""
            cells += [f'<div class="removed"><del>{esc(r)}</del>{tag}</div>', '<div class="removed"></div>']
        elif kind == "added":
            cells += ['<div class="added"></div>', f'<div class="added"><ins>{esc(c)}</ins></div>']
        else:
            pieces = word_diff(r, c)
            cells += [f'<div class="changed">{_diff_html(pieces, "del")}</div>',
                      f'<div class="changed">{_diff_html(pieces, "ins")}</div>']
    return f'<div class="pairs">{"".join(cells)}</div>'


def _before_after(e: dict[str, Any]) -> str:
    """Two cells; a replacement shows only the words it changed, struck and highlighted."""
    before, after = e.get("before") or "", e.get("after") or ""
    if before and after:
        pieces = word_diff(before, after)
        return f"<td>{_diff_html(pieces, 'del')}</td><td>{_diff_html(pieces, 'ins')}</td>"
    return (f"<td>{'<del>' + esc(before) + '</del>' if before else ''}</td>"
            f"<td>{'<ins>' + esc(after) + '</ins>' if after else ''}</td>")


def _edit_rows(view: dict[str, Any]) -> str:
    edits = view.get("edits") or []
    if not edits:
        return '<p class="mut">No edits.</p>'
    rows = "".join(
        f"<tr><td><code>{esc(e.get('stage'))}.{esc(e.get('rule'))}</code></td><td>{esc(e.get('action'))}</td>"
        f"<td class=\"n\">{esc(e.get('para'))}</td>{_before_after(e)}"
        f"<td class=\"small\">{esc(e.get('note'))}</td></tr>"
        for e in edits)
    more = view.get("edits_total", len(edits)) - len(edits)
    tail = f'<p class="mut">… and {more} more edits not embedded.</p>' if more > 0 else ""
    return ("<table><tr><th>rule</th><th>action</th><th>para</th><th>before</th><th>after</th>"
            f"<th>note</th></tr>{rows}</table>{tail}")


def doc_section(view: dict[str, Any]) -> str:
    rules = sorted({f"{e.get('stage')}.{e.get('rule')}" for e in view.get("edits") or []})
    reasons = sorted({r.split(":", 1)[0].strip() for r in view.get("reasons") or []})
    status = view.get("status") or "kept"
    dup = (f' · duplicate of <span class="mono">{esc(view["duplicate_of"])}</span>'
           if view.get("duplicate_of") else "")
    reason_text = f' · <span class="mut">{esc("; ".join(view.get("reasons") or []))}</span>' if view.get("reasons") else ""
    return (f'<details class="doc" data-filter data-source="{esc(view.get("source"))}" '
            f'data-rules="{esc(" ".join(token(r) for r in rules))}" '
            f'data-reasons="{esc(" ".join(token(r) for r in reasons))}">'
            f'<summary><span class="badge {esc(token(status))}">{esc(status)}</span> '
            f'<span class="mono">{esc(view.get("source"))}</span> · {fmt(view.get("edits_total", 0))} edits'
            f' · <b>{esc(view.get("title") or "(no title)")}</b>{dup}{reason_text}</summary>'
            f"{doc_pairs(view)}<h3>Edits</h3>{_edit_rows(view)}</details>")


def _documents(report: dict[str, Any]) -> str:
    docs = report.get("documents") or {}
    items = docs.get("items") or []
    note = (f"<p>Embedded here: {fmt(len(items))} documents — {esc(docs.get('selection'))}."
            + (f" {fmt(docs['rejected_not_shown'])} rejected units are not embedded (see rejected/)."
               if docs.get("rejected_not_shown") else "")
            + " Every document is in the edit log (<code>edits/</code>); "
              "<code>newsclean show SOURCE</code> prints any one of them.</p>")
    return note + "".join(doc_section(v) for v in items)


def _filters(report: dict[str, Any]) -> str:
    rules = [r["rule"] for r in (report.get("edits") or {}).get("by_rule") or []]
    reasons = [r["reason"] for r in (report.get("rejects") or {}).get("by_reason") or []]
    opt = lambda vals: "".join(f'<option value="{esc(token(v))}">{esc(v)}</option>' for v in vals)  # noqa: E731
    return ('<div class="filters"><label>source <input id="f-source" type="search" '
            'placeholder="part of a source path"></label>'
            f'<label>rule <select id="f-rule"><option value="">all rules</option>{opt(rules)}</select></label>'
            f'<label>reason <select id="f-reason"><option value="">all reasons</option>{opt(reasons)}'
            '</select></label><span id="f-shown" class="mut"></span></div>')


def render_html(report: dict[str, Any]) -> str:
    run = esc(report.get("run_id"))
    meta = (f'started {esc(report.get("started"))} · ended {esc(report.get("ended"))} · '
            f'{fmt(report.get("duration_seconds"))} s · <span class="mono">{esc(report.get("raw_dir"))}</span> → '
            f'<span class="mono">{esc(report.get("clean_dir"))}</span> · runner {esc(report.get("runner"))}')
    config = json.dumps({"params": report.get("params"), "config": report.get("config")},
                        ensure_ascii=False, indent=1, default=str)
    sections = [
        ("Overview", _overview(report)),
        ("Drift since the previous run", _drift(report)),
        ("Rules: what was removed or changed", _rules(report)),
        ("Stages and timings", _stages(report)),
        ("Rejected units by reason", _rejects(report)),
        ("Languages and quality distributions", _distributions(report)),
        ("Duplicate clusters", _clusters(report)),
        ("Site templates learned", _templates(report)),
        ("Documents: raw beside clean", _documents(report)),
        ("Parameters and configuration", f"<details><summary>show</summary><pre>{esc(config)}</pre></details>"),
    ]
    body = "".join(f'<section id="s{i}"><h2>{esc(title)}</h2>{content}</section>'
                   for i, (title, content) in enumerate(sections))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>newsclean report {run}</title><style>{CSS}</style></head><body>"
        f"<header><h1>newsclean report · run <code>{run}</code></h1><div class=\"mut small\">{meta}</div></header>"
        f"<main>{_filters(report)}{body}</main><script>{JS}</script></body></html>\n")
