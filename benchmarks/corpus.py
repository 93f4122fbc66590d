"""Synthetic news corpora for the benchmarks: invented articles with boilerplate and artifacts.

    .venv/bin/python -m benchmarks.corpus OUT --docs 10000 [--html] [--seed 1]

Article i is rebuilt from (seed, i) alone, so a corpus streams to disk in constant memory and a
10,000- and a 50,000-document corpus share their first 10,000 articles. Sentences come from
slot patterns filled from the word lists in benchmarks/wordbank.toml (English, with a few
German and French articles); nothing is taken from real articles.

What each text article carries, as scraped news does:
  * site chrome from its site's own template (site name, menu, breadcrumb, byline, share row,
    footer), so the same lines recur across a site's articles;
  * in-body chrome on some articles (advertisement labels, "Read more:" links, newsletter
    prompts) and a related-headlines list or copyright lines after the text;
  * artifacts on some articles: mojibake (UTF-8 read as cp1252), HTML entities, a doubled
    word, a glued sentence end, no-break and zero-width spaces;
  * a few junk pages (menus only) that the quality stage should drop.
`--html` writes the same articles as HTML pages with header, nav, aside and footer instead.
"""
from __future__ import annotations

import argparse
import random
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path

WORDBANK = Path(__file__).with_name("wordbank.toml")
N_SITES = 40
BODY_CHARS = (1700, 2400)          # body text per article; chrome brings it to ~2.5 KB
LANG_SHARE = {"de": 0.02, "fr": 0.02}
JUNK_SHARE = 0.02
# share of articles with each artifact
ARTIFACTS = {"mojibake": 0.08, "entities": 0.04, "doubled": 0.05, "glued": 0.04, "spaces": 0.03}


@lru_cache(maxsize=1)
def bank() -> dict:
    return tomllib.loads(WORDBANK.read_text(encoding="utf-8"))


@dataclass
class Article:
    index: int
    site: str
    lang: str
    title: str
    byline: str
    paragraphs: list[str]
    header: list[str] = field(default_factory=list)     # chrome before the text
    inserts: dict[int, str] = field(default_factory=dict)  # paragraph index -> chrome line before it
    footer: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    junk: bool = False
    artifacts: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        words = "".join(c if c.isalnum() else " " for c in self.title.lower()).split()
        return "-".join(words[:6]) + f"-{self.index:06d}"


class Generator:
    """Article i of a corpus: `Generator(seed).article(i)`; same seed and i, same article."""

    def __init__(self, seed: int = 1):
        self.seed = seed
        rng = random.Random(f"sites:{seed}")
        self.sites = [self._site(rng, k) for k in range(N_SITES)]

    # ---- sites -------------------------------------------------------------------------
    def _site(self, rng: random.Random, k: int) -> dict:
        chrome = bank()["chrome"]
        name = f"The {self._place(rng)} {rng.choice(bank()['syllables']['site_word'])}"
        return {
            "key": name.lower().replace("the ", "", 1).replace(" ", "-") + f"-{k}",
            "name": name,
            "nav": rng.sample(chrome["nav"], rng.randint(1, 3)),
            "breadcrumb": rng.choice(chrome["breadcrumb"]) if rng.random() < 0.6 else None,
            "byline": rng.choice(chrome["byline"]),
            "share": rng.choice(chrome["share"]) if rng.random() < 0.7 else None,
            "in_body": rng.sample(chrome["in_body"], 2),
            "footer_head": rng.choice(chrome["footer_head"]),
            "footer": rng.sample(chrome["footer"], rng.randint(1, 3)),
            "place": self._place(rng),
            "div_soup": rng.random() < 0.4,      # HTML without <article>/<main>
        }

    @staticmethod
    def _place(rng: random.Random) -> str:
        s = bank()["syllables"]
        return (rng.choice(s["onset"]) + rng.choice(s["vowel"]) + rng.choice(s["place_end"])).capitalize()

    def _person(self, rng: random.Random, lang: str) -> str:
        s = bank()["syllables"]
        last = rng.choice(s["onset"]) + rng.choice(s["vowel"]) + rng.choice(s["surname_end"])
        return f"{rng.choice(bank()[lang]['first_names'])} {last.capitalize()}"

    # ---- text ----------------------------------------------------------------------------
    def fill(self, rng: random.Random, pattern: str, lang: str, site: dict) -> str:
        """Fill every {slot} of a pattern from the language's word lists."""
        out, rest = [], pattern
        while "{" in rest:
            head, _, tail = rest.partition("{")
            slot, _, rest = tail.partition("}")
            out.append(head)
            out.append(self._slot(rng, slot, lang, site))
        out.append(rest)
        text = "".join(out)
        return text[0].upper() + text[1:] if text and text[0].islower() else text

    def _slot(self, rng: random.Random, slot: str, lang: str, site: dict) -> str:
        b = bank()[lang]
        key = slot.lower()
        if key in ("noun", "nouns"):
            sing, plural = rng.choice(b["nouns"]).split("|")
            word = plural if key == "nouns" else sing
        elif key in ("vbase", "vpast", "vpp"):
            word = rng.choice(b["verbs"]).split("|")[("vbase", "vpast", "vpp").index(key)]
        elif key == "adj":
            word = rng.choice(b["adjectives"])
        elif key == "adv":
            word = rng.choice(b["adverbs"])
        elif key == "place":
            word = site["place"] if rng.random() < 0.3 else self._place(rng)
        elif key == "person":
            word = self._person(rng, lang)
        elif key == "role":
            word = self.fill(rng, rng.choice(b["roles"]), lang, site)
            return word[0].lower() + word[1:] if word.split()[0] in ("The", "A", "An") else word
        elif key in ("org", "org_cap"):
            word = rng.choice(b["orgs"])
        elif key == "time":
            word = rng.choice(b["times"])
        elif key == "prep":
            word = rng.choice(b["preps"])
        elif key == "det":
            word = rng.choice(b["dets"])
        elif key == "pron":
            word = rng.choice(b["prons"])
        elif key == "num":
            word = str(rng.choice([2, 3, 4, 5, 7, 9, 12, 15, 20, 24, 40, 60, 120, 300, 1500]))
        elif key == "year":
            word = str(rng.randint(1990, 2024))
        elif key == "day":
            word = rng.choice(["Easter", "the summer", "the autumn", "Christmas", "the new year"])
        else:
            raise KeyError(f"unknown slot {{{slot}}}")
        if slot[0].isupper():
            word = " ".join(w.capitalize() for w in word.split()) if key == "org_cap" else word[:1].upper() + word[1:]
        return word

    def headline(self, rng: random.Random, lang: str, site: dict) -> str:
        return self.fill(rng, rng.choice(bank()[lang]["headlines"]), lang, site)

    def _body(self, rng: random.Random, lang: str, site: dict) -> list[str]:
        target = rng.randint(*BODY_CHARS)
        deck: list[str] = []      # each sentence shape once before any comes back
        paragraphs, size = [], 0
        while size < target:
            sentences = []
            for _ in range(rng.randint(2, 4)):
                if not deck:
                    deck = rng.sample(bank()[lang]["sentences"], len(bank()[lang]["sentences"]))
                sentences.append(self.fill(rng, deck.pop(), lang, site))
            para = " ".join(sentences)
            paragraphs.append(para)
            size += len(para) + 2
        return paragraphs

    # ---- one article ---------------------------------------------------------------------
    def article(self, i: int) -> Article:
        rng = random.Random(f"article:{self.seed}:{i}")
        site = self.sites[rng.randrange(N_SITES)]
        roll = rng.random()
        lang = "de" if roll < LANG_SHARE["de"] else "fr" if roll < LANG_SHARE["de"] + LANG_SHARE["fr"] else "en"
        date = f"{rng.randint(1, 28)} {rng.choice(['March', 'April', 'May', 'June'])} 2025"
        person = self._person(rng, lang)
        byline = site["byline"].format(person=person, date=date, n=rng.randint(2, 9))
        art = Article(i, site["key"], lang, self.headline(rng, lang, site), byline, [])
        if rng.random() < JUNK_SHARE:
            art.junk = True
            art.paragraphs = rng.sample(bank()["chrome"]["junk_lines"], 8)
            return art
        art.paragraphs = self._body(rng, lang, site)
        self._chrome(rng, art, site)
        art.artifacts = [name for name, share in ARTIFACTS.items() if rng.random() < share]
        return art

    def _chrome(self, rng: random.Random, art: Article, site: dict) -> None:
        fmt = dict(site=site["name"], place=site["place"], n=rng.randint(1, 80), year=2025,
                   headline=self.headline(rng, "en", site))
        art.header = [site["name"], *site["nav"]]
        if site["breadcrumb"]:
            art.header.append(site["breadcrumb"].format(**fmt))
        if rng.random() < 0.5 and len(art.paragraphs) > 3:
            where = rng.randint(2, len(art.paragraphs) - 1)
            art.inserts[where] = rng.choice(site["in_body"]).format(**fmt)
        if rng.random() < 0.5:
            art.related = [self.headline(rng, "en", site) for _ in range(3)]
        art.footer = [line.format(**fmt) for line in site["footer"]]


# ---- rendering -----------------------------------------------------------------------------
def render_text(art: Article, site: dict) -> str:
    """The .txt a scraper would save: title line, then blank-line separated blocks."""
    if art.junk:
        return "\n\n".join([art.title, *art.paragraphs]) + "\n"
    blocks = [art.title, *art.header, art.byline]
    if site["share"]:
        blocks.append(site["share"])
    for k, para in enumerate(art.paragraphs):
        if k in art.inserts:
            blocks.append(art.inserts[k])
        blocks.append(para)
    if art.related:
        blocks += [site["footer_head"].format(site=site["name"]), *art.related]
    blocks += art.footer
    return apply_artifacts("\n\n".join(blocks) + "\n", art)


def apply_artifacts(text: str, art: Article) -> str:
    rng = random.Random(f"artifacts:{art.index}")
    if "doubled" in art.artifacts:
        text = text.replace(" the ", " the the ", 1)
    if "glued" in art.artifacts:
        text = text.replace(". ", ".", 1)
    if "spaces" in art.artifacts:
        text = text.replace(" ", "\u00a0", 3).replace(" of ", " of\u200b ", 1)
    if "entities" in art.artifacts:
        text = text.replace("’", "&#8217;").replace("'", "&#39;").replace(" & ", " &amp; ")
    if "mojibake" in art.artifacts:
        # the whole file decoded as cp1252 once, as a misconfigured scraper does
        text = text.encode("utf-8").decode("cp1252", errors="replace")
    if rng.random() < 0.05:
        text = text.replace("\n", "\r\n")
    return text


def render_html(art: Article, site: dict) -> str:
    """The page a crawler would save: chrome in header/nav/aside/footer, scripts, the text."""
    e = escape
    nav = "".join(f'<li><a href="/{e(w.strip().lower())}">{e(w.strip())}</a></li>'
                  for line in site["nav"] for w in line.replace("·", "|").split("|"))
    paras = []
    for k, para in enumerate(art.paragraphs):
        if k in art.inserts:
            paras.append(f'<div class="ad-slot"><span>{e(art.inserts[k])}</span></div>')
        paras.append(f"<p>{e(para)}</p>")
    related = "".join(f'<li><a href="/news/{k}">{e(h)}</a></li>' for k, h in enumerate(art.related))
    footer = "".join(f"<p>{e(line)}</p>" for line in art.footer)
    body_open, body_close = (('<div class="container"><div class="col-main" id="story">', "</div></div>")
                             if site["div_soup"] else ("<main><article>", "</article></main>"))
    return f"""<!DOCTYPE html>
<html lang="{art.lang}"><head><meta charset="utf-8"><title>{e(art.title)} | {e(site['name'])}</title>
<meta property="og:title" content="{e(art.title)}">
<link rel="stylesheet" href="/static/site.css">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());</script>
<style>.ad-slot{{min-height:250px}} nav li{{display:inline}}</style>
</head><body>
<header class="site-header"><a class="logo" href="/">{e(site['name'])}</a>
<nav class="main-nav"><ul>{nav}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search"></form></header>
{body_open}
<h1 class="headline">{e(art.title)}</h1>
<div class="byline"><span class="author">{e(art.byline)}</span></div>
<div class="share-tools"><a href="#">Share</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
<figure><img src="/img/{art.index}.jpg" alt=""><figcaption>Photo: {e(site['name'])} archive</figcaption></figure>
{''.join(paras)}
{body_close}
<aside class="related"><h2>{e(site['footer_head'].format(site=site['name']))}</h2><ul>{related}</ul></aside>
<section class="comments"><h3>Comments</h3><p>Log in to join the discussion.</p></section>
<footer class="site-footer">{footer}<ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li></ul></footer>
<script src="/static/app.js"></script>
</body></html>
"""


def write_corpus(out: Path, docs: int, seed: int = 1, html: bool = False, start: int = 0) -> int:
    """Write articles [start, start+docs) under OUT/<site>/2025/<slug>.txt|.html; returns bytes."""
    gen = Generator(seed)
    site_of = {s["key"]: s for s in gen.sites}
    total = 0
    for i in range(start, start + docs):
        art = gen.article(i)
        site = site_of[art.site]
        text = render_html(art, site) if html else render_text(art, site)
        path = Path(out) / art.site / "2025" / f"{art.slug}.{'html' if html else 'txt'}"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        total += len(data)
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.corpus", description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--html", action="store_true")
    args = ap.parse_args(argv)
    size = write_corpus(args.out, args.docs, args.seed, args.html)
    print(f"{args.docs} articles, {size / args.docs / 1024:.2f} KB each, in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
