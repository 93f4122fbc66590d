"""Boilerplate families: each with a line it must remove and real content it must keep.

The articles are invented for these tests: a small-town news story of five prose paragraphs
that boilerplate lines are put around (header), inside (body) or after (footer).
"""
from __future__ import annotations

import pytest

from cleaners import boilerplate, metadata, templates
from cleaners.config import Config, from_dict
from cleaners.document import Document, Origin, Paragraph
from cleaners.pipeline import Context

TITLE = "Harbour town votes to rebuild storm-damaged pier by next summer"
BODY = [
    "HARBOURSIDE — The town council voted 7-2 on Tuesday to rebuild the pier that was torn "
    "apart by January's storm, approving a plan that will cost about £3.2 million and reopen "
    "the landing stage to fishing boats before the summer season.",
    "The old pier, built in 1911, lost two thirds of its decking when waves driven by gale-force "
    "winds broke over the harbour wall. Engineers said the iron supports were sound but that "
    "the timber would have to be replaced along its whole length.",
    "Most of the money will come from a regional recovery fund, with the rest borrowed against "
    "the harbour's mooring fees. Councillors who voted against the plan said the town could not "
    "afford the repayments if the fishing fleet kept shrinking.",
    "Fishermen who use the landing stage have been unloading at a neighbouring port since the "
    "storm, adding an hour to every trip. “We lose a tide every day we go round,” said one "
    "skipper, who has fished from the town for 30 years.",
    "Work is expected to start in March. The council said the pier would stay closed to walkers "
    "until the new decking had been tested, which could take until late June.",
]
OTHER_TITLES = [
    "Ferry operator adds winter sailings to the northern islands",
    "School meals contract goes to local bakery after long campaign",
    "Lighthouse keepers' cottages to become holiday lets",
]


def make_doc(paragraphs: list[str], title: str | None = None, site: str = "gazette.example",
             kinds: list[str] | None = None) -> Document:
    kinds = kinds or ["p"] * len(paragraphs)
    doc = Document.new(f"{site}/{abs(hash(tuple(paragraphs)))}.txt",
                       Origin("x.txt", site=site, host=site),
                       paragraphs=[Paragraph(t, k) for t, k in zip(paragraphs, kinds)])
    doc.title = title
    return doc


def clean(paragraphs: list[str], cfg: Config | None = None, learned: dict | None = None,
          **kw) -> Document:
    doc = make_doc(paragraphs, **kw)
    ctx = Context(config=cfg or Config(), templates=learned or {})
    metadata.apply(doc, ctx)
    boilerplate.apply(doc, ctx)
    return doc


def article(head=(), mid=(), foot=(), at=2) -> list[str]:
    body = list(BODY)
    body[at:at] = list(mid)
    return [TITLE, *head, *body, *foot]


def removed(doc: Document) -> dict[str, str]:
    """Removed line -> rule id."""
    return {e.before: e.rule_id for e in doc.edits if e.stage == "boilerplate"}


def kept(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs]


def assert_body_intact(doc: Document) -> None:
    for para in BODY:
        assert para in kept(doc), f"body paragraph lost: {para[:50]}"


# ---- positives: each family removes its line where it stands -------------------------
POSITIVE = [
    # family, where, line
    ("nav", "head", "Skip to main content"),
    ("nav", "head", "Zum Inhalt springen"),
    ("nav", "head", "Aller au contenu principal"),
    ("breadcrumb", "head", "Posted in Local News by Staff Reporter"),
    ("breadcrumb", "head", "Local, Politics 3 Comments on Harbour town votes to rebuild"),
    ("byline", "head", "5 min read"),
    ("byline", "head", "Lesezeit: 4 Minuten"),
    ("share", "head", "Share this article"),
    ("share", "head", "Partager sur Facebook"),
    ("cookie", "head", "We use cookies to give you the best experience on our website. "
                       "By continuing you agree to our cookie policy."),
    ("cookie", "head", "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten."),
    ("cookie", "head", "We value your privacy. We and our partners store and access information "
                       "on your device to measure audiences."),
    ("cookie", "head", "Cookies help us run this site. Tap OK to agree, or change your choices "
                       "in the privacy centre."),
    ("ad_label", "mid", "Story continues below advertisement"),
    ("ad_label", "mid", "Anzeige"),
    ("ad_label", "mid", "Publicidad"),
    ("ad_label", "mid", "Continue reading the main story"),
    ("inline_related", "mid", "Read more: Ferry fares to rise in spring"),
    ("inline_related", "mid", "READ ALSO: Council leader steps down after budget row"),
    ("inline_related", "mid", "Leggi anche: Il porto riapre dopo la tempesta"),
    ("inline_related", "mid", "Leia também: Pescadores pedem apoio ao governo"),
    ("inline_related", "mid", "Lees ook: Gemeente stemt in met nieuwe pier"),
    ("inline_related", "mid", "WATCH: Moment the old pier gave way in the storm"),
    ("inline_related", "mid", "→ Ferry fares to rise in spring"),
    ("caption", "mid", "(Photo: Jan Berg/Reuters)"),
    ("caption", "mid", "Photograph: Harbour Gazette archive"),
    ("caption", "mid", "The pier after the storm in January. (Image Credit: Coastguard)"),
    ("caption", "mid", "Fishing boats in the harbour after the storm Photo: Jan Berg/Reuters"),
    ("caption", "mid", "A view of the harbour wall. AFP"),
    ("comments", "foot", "Leave a Reply"),
    ("comments", "foot", "Laisser un commentaire"),
    ("comments", "foot", "Your email address will not be published. Required fields are marked *"),
    ("related", "foot", "Trending Now"),
    ("related", "foot", "Artículos relacionados"),
    ("related", "foot", "Das könnte Sie auch interessieren"),
    ("newsletter", "foot", "Sign up for our weekly newsletter"),
    ("newsletter", "foot", "Enter your email address:"),
    ("newsletter", "foot", "Iscriviti alla nostra newsletter"),
    ("post_appeared", "foot", f"The post {TITLE} appeared first on Harbour Gazette."),
    ("post_appeared", "foot", f"Der Beitrag {TITLE} erschien zuerst auf Hafenblatt."),
    ("tags", "foot", "Filed under: Transport, Local"),
    ("tags", "foot", "Schlagwörter: Hafen, Sturm"),
    ("follow", "foot", "Follow us on Instagram"),
    ("follow", "foot", "Volg ons op Facebook"),
    ("sources", "foot", "Sources:"),
    ("copyright", "foot", "© 2025 Harbour Gazette. All rights reserved."),
    ("copyright", "foot", "Tous droits réservés"),
    ("about", "foot", "Harbour Gazette is an independent news outlet serving the west coast "
                      "since 1998. Contact the newsroom at news@gazette.example."),
    ("backtop", "foot", "Back to top ↑"),
    ("backtop", "foot", "Nach oben"),
    ("faq", "foot", "Frequently Asked Questions"),
    ("ai_summary", "foot", "Overall, the article highlights the challenges facing small harbour "
                           "towns and the importance of regional funding."),
    ("ai_summary", "foot", "Insgesamt zeigt der Artikel, wie wichtig der Hafen für die Stadt ist."),
    ("cookie", "head", "Diese Webseite nutzt technisch notwendige Cookies. Wenn Sie weiter surfen, "
                       "stimmen Sie der Nutzung zu."),
    ("post_appeared", "foot", "This story originally ran in the Harbour Gazette. Reprinted with "
                              "kind permission."),
    ("post_appeared", "foot", "Dieser Text erschien ursprünglich bei Hafenblatt."),
    ("post_appeared", "foot", "Cet article a été initialement publié sur Le Port Libre."),
    ("post_appeared", "foot", "Este artículo fue publicado originalmente en Diario del Puerto."),
    ("post_appeared", "foot", "This article is republished from Coastal Notes under a Creative "
                              "Commons licence."),
    ("support", "foot", "For 40 years the Gazette has covered the west coast. Please support local "
                        "journalism by becoming a member."),
    ("support", "foot", "Unterstützen Sie unabhängigen Journalismus mit einem Abo."),
    ("support", "foot", "Make a one-off contribution to the Gazette from as little as £1."),
    ("credit", "foot", "Additional reporting by Jan Berg in Portkennet."),
    ("credit", "foot", "Gazette reporter Ann Lee contributed to this report."),
    ("credit", "foot", "(Reporting by Jan Berg; Editing by Ann Lee)"),
    ("credit", "foot", "Con información de la agencia local."),
    ("ai_summary", "foot", "In conclusion, this story serves as a reminder of how fragile coastal "
                           "towns have become."),
    ("newsletter", "foot", "Want the harbour news before your first coffee? Sign up for our "
                           "free morning newsletter."),
    ("ad_label", "mid", "ADVERTISEMENT | STORY CONTINUES BELOW"),
    ("ad_label", "mid", "La suite après cette publicité"),
    ("follow", "foot", "Keep up to date with the Gazette by following us on Google News."),
    ("follow", "foot", "Stay in the loop: follow us on WhatsApp and Telegram."),
    ("comments", "foot", "Have your say in the comments below."),
    ("comments", "foot", "Let us know what you think in the comments."),
    ("markup", "mid", "<script>document.write('x')</script> Ferry times change on Monday."),
    ("markup", "mid", "<img src=pier.jpg onload=track()> The pier before the storm."),
    ("caption", "mid", "(Photo courtesy of the harbour board)"),
    ("newsletter", "foot", "Turn on breaking news alerts for your phone. Download our free app."),
    ("newsletter", "foot", "Download the Harbour Gazette app"),
    ("ai_summary", "foot", "In short, this report illustrates how one storm can change a town."),
    ("nav", "head", "Go to main content"),
    ("ad_label", "mid", "Advertising feature"),
    ("comments", "foot", "Comments have been switched off for this story."),
    ("ad_label", "mid", "— Advertisement —"),
    ("ad_label", "mid", "Advertisement – article continues below"),
    ("caption", "mid", "Image caption, Fishing boats sheltering in the harbour during the storm"),
    ("caption", "mid", "Image source, Getty Images"),
    ("caption", "mid", "Supplied image."),
    ("ai_summary", "foot", "Taken together, these developments point to a difficult year for "
                           "the harbour."),
    ("faq", "foot", "Your questions answered"),
    ("support", "foot", "Our journalism is funded by readers like you."),
    ("inline_related", "mid", "More on this: Ferry fares rise again on island routes"),
    ("caption", "mid", "Pictured: the damaged decking at low tide"),
    ("caption", "mid", "The damaged bridge. Photograph: Ann Lee for the Gazette"),
    ("caption", "mid", "The harbour at dusk. ©Ann Lee"),
    ("ad_label", "mid", "Keep reading the story below"),
    ("comments", "foot", "You need to be signed in to comment."),
    ("credit", "foot", "Associated Press contributed."),
    ("post_appeared", "foot", "Read the original article on Coastal Notes."),
    ("support", "foot", "If you value our reporting, please consider becoming a subscriber."),
    ("support", "foot", "Thanks for reading!"),
    ("about", "foot", "About the Harbour Gazette: independent news for the west coast since 1887."),
    ("menu", "head", "News | Sport | Weather | Travel"),
    ("share_row", "head", "Facebook Twitter Email"),
    ("title_repeat", "head", TITLE),
    ("header_zone", "head", "Local Edition"),
    ("link_line", "foot", "https://gazette.example/harbour/pier"),
    ("symbol_line", "mid", "* * *"),
    ("caption", "mid", "File photo / EPA"),
    ("caption", "mid", "Handout picture via Reuters"),
    ("caption", "mid", "The rebuilt landing stage as drawn by the architects | Photo courtesy of the council"),
    ("digest", "foot", "Key takeaways: the pier will be rebuilt, work starts in March, and the "
                       "fleet unloads elsewhere until June."),
    ("digest", "foot", "TL;DR: the town is rebuilding its pier."),
    ("copyright", "foot", "All content © 2022 Harbour Gazette Media. Reproduction prohibited."),
    ("ad_label", "mid", "Ad Feedback"),
    ("ad_label", "mid", "AdChoices"),
    ("ad_label", "mid", "MESSAGE FROM OUR SPONSOR"),
    ("powered_by", "foot", "Proudly powered by WordPress | Theme: Newsup by Themeansar."),
    ("powered_by", "foot", "Theme by ThemeGrill. Powered by WordPress."),
    ("powered_by", "foot", "Newsphere by AF themes."),
    ("newsletter", "foot", "Enter your email address to subscribe to this blog and receive "
                           "notifications of new posts by email."),
    ("caption", "mid", "[Photo: AFP]"),
    ("caption", "mid", "📷 Reuters"),
    ("ad_label", "mid", "This space is available for advertising"),
    ("comments", "foot", "Read our community guidelines before commenting."),
    ("support", "foot", "We are a small team of journalists funded by our readers."),
    ("inline_related", "mid", "👉 Ferry fares to rise in spring"),
    ("caption", "mid", "Photo by Staff/Harbour Gazette"),
    ("inline_related", "mid", "Previously on Harbour Gazette: Ferry fares to rise in spring"),
    ("inline_related", "mid", "Read more from Harbour Gazette: Council leader steps down"),
    ("ad_label", "mid", "Sponsor message"),
    ("ad_label", "mid", "Harbour Gazette is supported by advertisers"),
    ("copyright", "foot", "Content copyright Harbour Gazette. Do not reproduce."),
    ("about", "foot", "Harbour Gazette is part of the West Coast Media Network."),
    ("caption", "mid", "Photographer: Tom Hale/Bloomberg"),
    ("comments", "foot", "Comments are moderated and may take time to appear."),
    ("ui_prompt", "mid", "Tap to view gallery"),
    ("ui_prompt", "mid", "Click to enlarge"),
    ("ui_prompt", "mid", "Swipe for more photos"),
    ("ui_prompt", "head", "Listen to this article"),
    ("ui_prompt", "mid", "Watch the video above"),
    ("ui_prompt", "mid", "Klicken Sie hier zum Vergrößern"),
    ("ai_summary", "foot", "Stay tuned for further updates as this story unfolds."),
    ("ai_summary", "foot", "Whatever happens next, one thing is clear: the debate is far from over."),
    ("ai_summary", "foot", "Only time will tell what the future holds for the harbour."),
    ("credit", "foot", "With input from agencies"),
    ("nav", "head", "≡ Menu"),
    ("nav", "head", "Sections ▾"),
    ("menu", "head", "Sections ▾  Search  Subscribe"),
    ("menu", "head", "Accessibility links"),
    ("inline_related", "mid", "[Read: Ferry fares to rise in spring]"),
    ("inline_related", "mid", "(See also: Council leader steps down after budget row)"),
    ("caption", "mid", "Image via Flickr"),
    ("ai_summary", "foot", "As the situation continues to develop, it remains to be seen how the "
                           "harbour board will respond."),
    ("ai_summary", "foot", "This article was generated with the help of AI and reviewed by our "
                           "editorial team."),
    ("ai_summary", "foot", "Ultimately, only time will tell how these events will unfold in the "
                           "coming months."),
    ("ai_summary", "foot", "All things considered, this is a story worth watching closely as it "
                           "continues to evolve."),
    ("ai_summary", "foot", "In this article, we explored the key details, what they mean and what "
                           "could happen next."),
    ("inline_related", "mid", "[READ] Ferry fares to rise in spring"),
    ("inline_related", "mid", "(WATCH) Moment the old pier gave way in the storm"),
    ("share", "foot", "Share this story, choose your platform!"),
    ("caption", "mid", "Image for representational purposes only."),
    ("caption", "mid", "Featured image via Canva"),
    ("disclosure", "mid", "This post may contain affiliate links. If you buy through them, we may "
                          "earn a small commission at no extra cost to you."),
    ("disclosure", "foot", "Disclaimer: This content is for informational purposes only and should "
                           "not be considered financial, legal or medical advice."),
    ("disclosure", "mid", "Dieser Artikel enthält Affiliate-Links."),
    ("tip_line", "foot", "Got a story tip? Email news@harbourgazette.example or WhatsApp us on "
                         "+44 7700 900000"),
    ("post_appeared", "foot", "This story has not been edited by Harbour Gazette staff and is "
                              "auto-generated from a syndicated feed."),
    ("newsletter", "foot", "Want more stories like this? Subscribe to the Harbour Gazette morning "
                           "email."),
    ("newsletter", "foot", "Download the Harbour Gazette app for breaking news alerts. Available on "
                           "the App Store and Google Play."),
    ("newsletter", "foot", "Zapisz się do newslettera"),
    ("follow", "foot", "Listen to our daily news podcast on Apple Podcasts, Spotify or wherever "
                       "you get your podcasts."),
    ("follow", "foot", "Folgen Sie Hafenblatt auf Instagram, Facebook und TikTok."),
    ("follow", "foot", "Följ oss på Facebook och Instagram"),
    ("ad_label", "mid", "AD  LOADING..."),
    ("ad_label", "mid", "Reklama"),
    ("ad_label", "mid", "– Artikel wird unterhalb fortgesetzt –"),
    ("caption", "mid", "FILE PHOTO: The harbour office is seen in Portsmouth. REUTERS/Jan Berg/File "
                       "Photo"),
    ("caption", "mid", "(Photo by Jan Berg/Getty Images) | Expand"),
    ("caption", "mid", "PHOTO: Supporters gathered outside the courthouse. (ABC News: Jan Berg)"),
    ("caption", "mid", "Bildquelle: picture alliance/dpa | Jan Berg"),
    ("comments", "foot", "Comments are moderated and must follow our community guidelines. We "
                         "reserve the right to remove any comment."),
    ("comments", "foot", "Reageer op dit artikel"),
    ("credit", "foot", "With inputs from agencies"),
    ("caption", "mid", "Zdroj: ČTK"),
    ("ad_label", "mid", "Advertisement ▼"),
    ("ad_label", "mid", "Our partners"),
    ("about", "foot", "Sull'autore: Giulia Ferri è una giornalista con sede a Bologna."),
    ("powered_by", "foot", "Blog at WordPress.com."),
    ("powered_by", "foot", "Tecnologia do Blogger."),
    ("share", "foot", "Like Loading..."),
    ("data_credit", "foot", "Odds and lines provided by ScoreBet. Please gamble responsibly. 18+ | "
                            "T&Cs apply."),
    ("data_credit", "foot", "Quotes delayed at least 15 minutes. Market data provided by "
                            "Interactive Data."),
    ("tip_line", "foot", "Send obituaries to obits@harbourgazette.example or call 555-0142."),
    ("ai_summary", "foot", "In summary, the situation remains fluid and it will be important to "
                           "watch how events unfold in the coming weeks."),
    ("post_appeared", "foot", "This story has been published from a wire agency feed without "
                              "modifications to the text."),
    ("byline", "head", "Updated 3 hours ago"),
    ("comments", "foot", "Have your say: Log in or register to comment."),
    ("about", "foot", "Our Standards: The Thomson Reuters Trust Principles."),
    ("newsletter", "foot", "By signing up, you agree to our Privacy Policy and Terms of Use."),
    ("follow", "foot", "Watch Harbour TV News live weeknights at 5, 6 and 11."),
    ("paywall", "mid", "You have 2 free articles left this month. Subscribe now for unlimited "
                       "access."),
    ("paywall", "mid", "We noticed you're using an ad blocker. Please consider disabling it or "
                       "subscribing to support local journalism."),
    ("paywall", "foot", "Commenting is available to subscribers only. Subscribe or log in to join "
                        "the discussion."),
    ("paywall", "foot", "Thank you for reading Harbour Gazette. Subscribe to continue reading."),
    ("paywall", "head", "Subscribe for $1 a week ›"),
    ("page_notice", "mid", "Please turn on JavaScript in your browser to see the latest updates."),
    ("page_notice", "mid", "The video player is currently playing an ad. You can skip the ad in 5 "
                           "sec with a mouse or keyboard"),
    ("page_notice", "mid", "Show key events only"),
    ("editorial_note", "foot", "Editor’s note: This story has been corrected to fix a misspelled "
                               "name."),
    ("editorial_note", "foot", "This article was translated from Spanish by the Harbour Gazette "
                               "staff."),
    ("editorial_note", "foot", "Published in the print edition of the March 2024 issue."),
    ("support", "foot", "Harbour Gazette is reader-supported. When you give, you help keep our "
                        "reporting free for everyone."),
    ("ai_summary", "foot", "Hopefully through this article, readers have more useful information. "
                           "Wish you a nice day!"),
    ("ai_summary", "foot", "Above is the information about this issue, hope it will be helpful to "
                           "you. Thank you for reading!"),
    ("ai_summary", "foot", "AI-generated summary. This summary was created with artificial "
                           "intelligence and may contain errors."),
    ("inline_related", "mid", "LEE TAMBIÉN ▶ Ferry fares to rise in spring"),
    ("caption", "mid", "Illustration photo. (Source: Internet)"),
    ("caption", "mid", "Video: Harbour Gazette newsroom"),
    ("tags", "foot", "Trending tags: #Harbour #Ferry #Budget"),
    ("copyright", "foot", "Hak Cipta © 2025 Harbour Gazette. Seluruh hak cipta dilindungi."),
    ("ui_prompt", "head", "Text size A A A | Print this page | Listen"),
    ("nav", "head", "Skip to recipe ↓"),
    ("paywall", "head", "Sign in with Google"),
    ("paywall", "mid", "Sign in with Google to keep reading — it's free"),
    ("paywall", "mid", "You've been signed out. Sign back in to continue."),
    ("paywall", "foot", "Kia ora, local journalism matters. Register for free to keep reading "
                        "Harbour Gazette."),
    ("page_notice", "mid", "Open in the Harbour Gazette app for a better experience ›"),
    ("page_notice", "mid", "Get the full experience: OPEN APP"),
    ("page_notice", "foot", "Was this article helpful? Yes No"),
    ("page_notice", "foot", "Spotted a mistake? Let us know via the report form."),
    ("press_release", "foot", "Media Contact:"),
    ("press_release", "foot", "This press release contains forward-looking statements within the "
                              "meaning of the Private Securities Litigation Reform Act of 1995."),
    ("press_release", "foot", "Copyright Harbour Gazette. Distributed by Harbour Newswire. All "
                              "trademarks are the property of their respective owners."),
    ("caption", "mid", "(PRNewsfoto/Harbour Gazette)"),
    ("caption", "mid", "High-resolution images are available for download in the Harbour Gazette "
                       "media kit."),
    ("caption", "mid", "Image used for representational purpose only. (Pixabay)"),
    ("newsletter", "foot", "🔔 Turn on notifications to get the latest from Harbour Gazette "
                           "delivered straight to your browser."),
    ("post_appeared", "foot", "(Except for the headline, this story has not been edited by Harbour "
                              "Gazette staff and is published from a syndicated feed.)"),
    ("follow", "foot", "Catch all the Business News, Market News, Breaking News Events and Latest "
                       "News Updates on Harbour Gazette."),
    ("follow", "foot", "Want to see more of Harbour Gazette in your Google search results? Add us "
                       "as a preferred source."),
    ("disclosure", "foot", "As an Amazon Associate Harbour Gazette earns from qualifying purchases."),
    ("disclosure", "foot", "Investments in securities market are subject to market risks. Read all "
                           "the related documents carefully before investing."),
    ("inline_related", "mid", "You may also like • Ferry fares to rise in spring"),
    ("ad_label", "mid", "Check price on Amazon"),
    ("ad_label", "mid", "ADVT"),
    ("ai_summary", "foot", "For more such entertainment news, keep watching this space!"),
    ("comments", "foot", "Have your say: comments are closed on this story."),
    ("ai_summary", "foot", "To sum up, the report sheds light on the key developments and what "
                           "they could mean going forward."),
    ("caption", "mid", "Picture courtesy: Supplied"),
    ("ad_label", "mid", "Paid Partner Content"),
    ("ad_label", "mid", "Sponsored Content:"),
    ("inline_related", "mid", "[ALSO SEE] Ferry fares to rise in spring"),
    ("caption", "mid", "📷 PHOTO | AFP"),
    ("caption", "mid", "Pic: PA Wire"),
    ("ai_summary", "foot", "To sum up, the developments outlined above reflect the complex "
                           "challenges facing the community."),
    ("about", "foot", "The Harbour Gazette has been serving the coast for over "
                      "100 years. Contact the newsroom at news@harbourgazette.example."),
]


@pytest.mark.parametrize("family,where,line", POSITIVE)
def test_family_removes_its_line(family, where, line):
    parts = {"head": {}, "mid": {}, "foot": {}}
    parts[where] = [line]
    doc = clean(article(head=parts["head"] or (), mid=parts["mid"] or (), foot=parts["foot"] or ()))
    assert removed(doc).get(line) == f"boilerplate.{family}", removed(doc)
    assert_body_intact(doc)


# ---- negatives: real content that looks like the family survives ----------------------
NEGATIVE = [
    # family it resembles, body lines put in the middle of the article
    ("nav", ["Screen readers usually announce one line first:", "“Skip to main content”"]),
    ("menu", ["A working trail is read aloud as text, for example:",
              "Home > Bins and recycling > Report a missed collection"]),
    ("ad_label", ["The regulator said labels should be clear, such as:", "“Advertisement”",
                  "“Paid promotion”"]),
    ("cookie", ["Investigators said the banner read:",
                "“We use cookies to improve your experience. By continuing to browse, you agree "
                "to our use of cookies.”"]),
    ("copyright", ["The line under each picture, according to court filings, read:",
                   "“Copyright © 2021 Northlight Images. All rights reserved.”"]),
    ("newsletter", ["Subscribe to our newsletter",
                    "That prompt appeared beside every disputed picture on the site, which the "
                    "agency cited as evidence that the site profited from the images."]),
    ("comments", ["Leave a comment",
                  "That was the label on a box beneath every review, which investigators said "
                  "collected e-mail addresses for marketing without clear consent."]),
    ("byline", ["By Tuesday the water had gone down in most streets near the harbour, and "
                "shops began to reopen."]),
    ("share", ["Share prices in the ferry company fell 3% on Monday after the announcement."]),
    ("breadcrumb", ["Posted in the town hall window, the notice listed the dates of the works "
                    "and the detours for traffic."]),
    ("about", ["Harbourside Rowing Club is an amateur club with 80 members, and its boathouse "
               "sits at the foot of the damaged pier."]),
    ("post_appeared", ["The post office appeared first on the list of closures drawn up last "
                       "year, but it was reprieved."]),
    ("follow", ["Follow the money, one councillor said, and the trail leads to the harbour board."]),
    ("related", ["Related costs, including a new crane, will be met by the harbour board."]),
    ("inline_related", ["Read more about the works on the council's website, officials said, "
                        "where the full report has been published."]),
    ("caption", ["A photo credit line in the old guidebook still names the pier's first "
                 "engineer, who died in 1930."]),
    ("ai_summary", ["Overall, the report found that harbour fees had risen by 40% in a decade, "
                    "well ahead of inflation."]),
    ("cookie", ["A data protection regulator fined a retailer whose website made it far easier "
                "to accept tracking cookies than to refuse them."]),
    ("caption", ["The figures on the fleet's decline were first reported by AFP."]),
    ("caption", ["He described the photo: a man standing in the rain outside the harbour office."]),
    ("tags", ["Topics discussed at the meeting included parking, the ferry timetable and the "
              "pier."]),
    ("link_line", ["The plans can be read at https://gazette.example/plans until the end of the "
                   "month."]),
    ("bare_headline", ["The skipper will face the harbour board on Friday."]),
    ("bare_headline", ["No injuries were reported."]),
    ("inline_related", ["FULL TIME: Rovers 2 United 1"]),
    ("inline_related", ["Also — and this matters to the fleet — the council agreed to pay for a crane."]),
    ("ad_label", ["Harbour Rovers 2 Millbrook United 1", "Attendance: 18,412"]),
    ("caption", ["He keeps a photo courtesy of his late brother, the pier's last keeper, on the "
                 "wall of the harbour office."]),
    ("caption", ["File photos show the pier before the storm, when it was still open to walkers."]),
    ("caption", ["Stock: shares in the ferry company rose 3% on the news."]),
    ("digest", ["Key takeaways from the budget were debated for three hours by councillors."]),
    ("digest", ["The takeaway for boat owners is simple: book a mooring early."]),
    ("digest", ["Key points: the pier reopens in June, and fares stay the same."]),
    ("inline_related", ["(Read the full statement on the council's website, where it was posted "
                        "on Tuesday.)"]),
    ("caption", ["Photos via social media show the flooded quay at high tide."]),
    ("caption", ["The © sign on the old boathouse was painted over by its new owners."]),
    ("copyright", ["The harbour board said reproduction of the old pier plans was prohibited."]),
    ("ad_label", ["Ad feedback from readers was mixed, the editor of the harbour paper said."]),
    ("caption", ["The photographer: a dock worker who never missed a launch at the harbour."]),
    ("caption", ["📷 The picture of the pier at dawn was shared 40,000 times, the council said."]),
    ("ad_label", ["The old boathouse space is available for rent in winter, the harbour board said."]),
    ("support", ["“We are a small team, and we are funded by the harbour board,” the skipper said."]),
    ("powered_by", ["Powered by volunteers, the harbour festival returns next summer."]),
    ("powered_by", ["Theme: the harbour at night, painted by children from the town's schools."]),
    ("inline_related", ["Also on the agenda: the ferry timetable, the new crane and the pier."]),
    ("inline_related", ["Previously in the series: the harbour master on the cost of the storm."]),
    ("ad_label", ["The regatta is supported by sponsors and by dozens of volunteers every year."]),
    ("about", ["The rowing club is part of the Harbour Sports Network, which runs the summer "
               "races."]),
    ("comments", ["Comments from residents were mostly positive, the harbour board said."]),
    ("ui_prompt", ["Tap water was declared safe to drink again on Monday, the utility said."]),
    ("ui_prompt", ["Press freedom groups condemned the arrest of the two harbour reporters."]),
    ("ui_prompt", ["Watch the skies tonight, astronomers told residents of the harbour."]),
    ("ai_summary", ["Fans were told to stay tuned for an announcement about the pier's reopening."]),
    ("ai_summary", ["The report was written by a committee using data from the harbour board."]),
    ("ai_summary", ["As the investigation continues, the harbour police have asked witnesses to "
                    "come forward."]),
    ("ai_summary", ["Ultimately, only time will tell whether the new sea wall holds."]),
    ("ai_summary", ["In this article the paper's readers' editor answers complaints about the "
                    "pier coverage."]),
    ("inline_related", ["[Read] the full ruling below, the court said in its statement."]),
    ("share", ["Share this story with a friend who needs it, the charity's director said."]),
    ("caption", ["The featured image of the festival poster shows a heron over the harbour."]),
    ("disclosure", ["The regulator fined the site over hidden affiliate links in its reviews."]),
    ("disclosure", ["“We may earn less this year,” the ferry company's chief executive warned."]),
    ("tip_line", ["Have a tip for first-time boat buyers? Start saving early, the club says."]),
    ("post_appeared", ["The story had not been edited by senior staff, the inquiry heard."]),
    ("post_appeared", ["The story was taken from a wire service, the harbour inquiry heard."]),
    ("post_appeared", ["The story was published from a news agency feed by mistake, the editor "
                       "said."]),
    ("data_credit", ["The data was provided by the harbour board, which keeps a record of every "
                     "crossing."]),
    ("data_credit", ["Prices are delayed by 15 minutes on the old ticker, traders complained."]),
    ("tip_line", ["Send your letters to the council before Friday, the mayor urged residents."]),
    ("ai_summary", ["In summary, the situation remains difficult for the fishermen, who have lost "
                    "half their catch."]),
    ("follow", ["Listen to the podcast episode where the mayor explains her plan for the pier."]),
    ("share", ["Like this one, most of the ferries on the crossing are more than forty years old."]),
    ("about", ["Keller ist Redakteur im Ressort Wirtschaft, sagte die Sprecherin des Verlags."]),
    ("ad_label", ["Our partners in the harbour trust have paid for the new crane, the council said."]),
    ("caption", ["Quelle der Zahlen ist das Hafenamt, das jede Überfahrt zählt."]),
    ("press_release", ["Media contact with the family was limited, the police said on Monday."]),
    ("ad_label", ["Check the price of fuel before you travel, the motoring association said."]),
    ("page_notice", ["Open in the morning, the harbour café serves fishermen and ferry crews."]),
    ("disclosure", ["Investments in the harbour are subject to a vote, the council said."]),
    ("ui_prompt", ["Print and email versions of the timetable are available from the harbour office."]),
    ("sources", ["Sources close to the harbour board said the pier would reopen in June."]),
    ("backtop", ["Back to the top of the agenda came the ferry timetable, the chair said."]),
    ("faq", ["Frequently asked questions about the ferry were answered at the public meeting."]),
    ("paywall", ["Most readers who hit a paywall simply leave, a study of 60 newspapers found."]),
    ("editorial_note", ["The council said an earlier version of the plan misstated the cost of "
                        "the pier."]),
    ("ai_summary", ["We hope readers will find the new timetable useful, the operator said."]),
    ("page_notice", ["Refresh the page if the map does not load, the council advised residents."]),
    ("byline", ["Two hours ago the pier was still open to walkers and anglers, the coastguard said."]),
    ("follow", ["Watch Harbour TV live every day, the council said, to see the new crane at work."]),
    ("newsletter", ["By signing up, you agree to give the club first refusal on moorings, the "
                    "secretary said."]),
]


@pytest.mark.parametrize("family,lines", NEGATIVE)
def test_lookalike_content_survives(family, lines):
    doc = clean(article(mid=lines))
    for line in lines:
        assert line in kept(doc), f"{family} look-alike removed: {removed(doc)}"
    assert_body_intact(doc)


CLOSING_LOOKALIKES = [
    # family it resembles, a real last paragraph of the story
    ("support", "Fishermen said they would support the plan if mooring fees were frozen, and "
                "several said they would become members of the new harbour co-operative."),
    ("credit", "Dozens of skippers contributed to the report, which the council published in May."),
    ("ai_summary", "Overall, the study shows that harbour fees rose by 40% in a decade, well "
                   "ahead of inflation."),
    ("post_appeared", "This story first appeared in print in 1911, when the pier opened."),
    ("follow", "Keep up to date with the works on the council website, residents were told."),
    ("footer_zone", "Readers can sign up for the harbour newsletter at the town hall."),
    ("footer_zone", "Copyright in the photographs remains with the family."),
    ("ai_summary", "In short, the report illustrates the scale of the repairs, the engineer said."),
    ("newsletter", "Fishermen get storm alerts on their phones from the coastguard."),
    ("markup", "The flaw let a comment holding a <script> element run code in other readers' "
               "browsers, and the harbour board's site fixed it within a day."),
    ("footer_zone", "Support for the rebuilt pier has grown, a poll suggests."),
    ("footer_zone", "Contact between the two boards has been limited."),
    ("about", "The Harbour Trust is an independent charity that restores piers."),
    ("comments", "Comments at the meeting were closed after an hour, the chair said."),
    ("ai_summary", "Taken together, the figures point to a slowdown in the fishing trade."),
    ("follow", "Stay informed about the closures by reading the notices at the harbour office."),
    ("follow", "Investors have been following us on this for years, the harbour master said."),
    ("comments", "Have your say, the mayor told residents, before the plans are finalised."),
    ("post_appeared", "The article was first published in Harbour Gazette in 1911 as a letter to "
                      "the editor and is quoted in the council's report."),
]


@pytest.mark.parametrize("family,line", CLOSING_LOOKALIKES)
def test_lookalike_closing_paragraph_survives(family, line):
    doc = clean(article(foot=[line]))
    assert line in kept(doc), f"{family} look-alike removed: {removed(doc)}"


def test_short_closing_sentence_after_body_survives():
    closing = "The pier reopens in June."
    doc = clean(article(foot=[closing]))
    assert closing in kept(doc)


def test_closing_quote_too_short_for_prose_survives():
    closing = "“We will be back on the water by June.”"
    doc = clean(article(foot=[closing]))
    assert closing in kept(doc)
    assert_body_intact(doc)


def test_closing_quote_with_a_stray_quote_mark_survives_for_the_artifacts_stage():
    closing = "“Nobody came to help us that night,” he said. ”"
    doc = clean(article(foot=[closing]))
    assert closing in kept(doc)


def test_label_with_a_stray_quote_mark_after_body_goes():
    line = "Harbour Gazette Weekend ”"
    doc = clean(article(foot=[line]))
    assert removed(doc).get(line) == "boilerplate.footer_zone"


def test_quoted_headline_after_body_goes():
    # a teaser headline in quotes, not a sentence of the story
    line = "“The Harbour Secret Nobody Wants You To Know About!”"
    doc = clean(article(foot=[line]))
    assert removed(doc).get(line) == "boilerplate.footer_zone"


def test_closing_quote_after_an_ad_label_survives():
    closing = "“We will be back on the water by June.”"
    doc = clean(article(foot=["Advertisement", closing]))
    assert closing in kept(doc)
    assert removed(doc).get("Advertisement") == "boilerplate.ad_label"


def test_results_under_a_short_intro_at_the_end_survive():
    foot = ["Final scores:", "Harbour Rovers 2 Millbrook United 1", "Portkennet 0 Wanderers 3"]
    doc = clean(article(foot=foot))
    assert kept(doc) == BODY + foot


def test_results_with_an_ad_label_among_them_survive():
    foot = ["Final scores:", "Harbour Rovers 2 Millbrook United 1", "Advertisement",
            "Portkennet 0 Wanderers 3"]
    doc = clean(article(foot=foot))
    assert kept(doc) == BODY + [foot[0], foot[1], foot[3]]


def test_teaser_headlines_under_a_short_intro_at_the_end_go():
    foot = ["Read next:", "10 Things Nobody Tells You About Piers", "Harbour Gazette Weekend"]
    doc = clean(article(foot=foot))
    assert kept(doc) == BODY


def test_other_articles_question_headline_after_the_body_goes():
    line = "Recommended reading — " + OTHER_TITLES[0] + "?"
    learned = learned_from([[t + "?"] + BODY[:2] for t in OTHER_TITLES])
    doc = clean(article(foot=[line]), learned=learned)
    assert removed(doc).get(line) == "boilerplate.inline_related"


def test_publisher_blurb_naming_a_daily_after_the_footer_goes():
    blurb = "Harbour Gazette is the west coast's oldest independent daily, with offices in three towns."
    doc = clean(article(foot=["Share this article", blurb]))
    assert removed(doc).get(blurb) == "boilerplate.about"


def test_blurb_about_the_site_itself_goes_even_right_after_the_body():
    blurb = "Harbour Gazette is an independent newsroom covering the west coast and its islands."
    doc = clean(article(foot=[blurb, "© 2025 Harbour Gazette"]))
    assert removed(doc).get(blurb) == "boilerplate.about"


def test_blurb_about_the_site_named_by_its_host_goes():
    blurb = "Gazette Example is an independent newsroom covering the west coast and its islands."
    doc = clean(article(foot=[blurb]))          # the test documents come from gazette.example
    assert removed(doc).get(blurb) == "boilerplate.about"


def test_blurb_about_the_site_its_file_names_name_goes():
    # a flat folder's "031_harbourgaz.txt": the site is the file name's start of the name
    blurb = "Harbour Gazette Digital is a news website covering the west coast and its islands."
    doc = clean(article(foot=[blurb]), site="harbourgaz")
    assert removed(doc).get(blurb) == "boilerplate.about"
    other = clean(article(foot=[blurb]), site="pulsedaily")
    assert blurb in kept(other)        # another site's name: a closing background paragraph


def test_founding_clause_before_a_blurb_after_the_footer():
    blurb = "Founded in 1887, Harbour Gazette is the west coast's most-read news website."
    doc = clean(article(foot=["© 2025 Harbour Gazette", blurb]))
    assert removed(doc).get(blurb) == "boilerplate.about"


def test_related_heading_over_the_last_paragraph_does_not_end_the_story():
    # a widget's label the page set before the story's short last paragraph
    paras = [TITLE, *BODY[:4], "Promoted Stories", BODY[4]]
    doc = clean(paras)
    assert kept(doc) == BODY


def test_related_heading_and_its_list_over_the_last_paragraph_do_not_end_the_story():
    paras = [TITLE, *BODY[:4], "Promoted Stories", f"Read the latest: {OTHER_TITLES[0]}", BODY[4],
             "© 2025 Harbour Gazette"]
    doc = clean(paras)
    assert kept(doc) == BODY
    assert removed(doc)["Promoted Stories"] == "boilerplate.related"


def test_history_blurb_after_a_related_list_goes_and_a_closing_history_line_stays():
    blurb = "Harbour Gazette has been telling the stories of the west coast since 1887."
    doc = clean(article(foot=["Related Posts", OTHER_TITLES[0], blurb]))
    assert kept(doc) == BODY
    closing = "The rowing club has been racing on the harbour every summer since 1921."
    assert closing in kept(clean(article(foot=[closing])))


def test_a_line_ending_in_a_full_stop_is_no_entry_of_a_related_list():
    paras = [TITLE, *BODY[:3], "Promoted Stories", "Attendance: 4,812.", *BODY[3:]]
    doc = clean(paras)
    assert "Attendance: 4,812." in kept(doc)


def test_story_paragraphs_with_footer_words_after_a_list_heading_stay():
    # a story about paywalls speaks of readers, subscriptions and newsletters
    tail = ["The share of readers paying for local news online remains small, and most of those "
            "who subscribe pay for a national title rather than a local one.",
            "Media analysts said publishers need subscription revenue to survive but also depend "
            "on being seen as a public service, which a paywall on safety news undermines."]
    doc = clean([TITLE, *BODY, "Promoted Stories", *tail])
    assert kept(doc) == [*BODY, *tail]


def test_membership_blurb_after_the_footer_goes():
    blurb = "Harbour Gazette is a member of the Independent Press Association."
    doc = clean(article(foot=["© 2025 Harbour Gazette", blurb]))
    assert removed(doc).get(blurb) == "boilerplate.about"


def test_blurb_whose_name_starts_with_an_article_names_the_file_names_site():
    blurb = "El Puerto Hoy es un periódico independiente de la costa."
    doc = clean(article(foot=[blurb]), site="elpuertoho")
    assert removed(doc).get(blurb) == "boilerplate.about"


def test_blurb_of_a_site_whose_name_holds_a_slash_goes():
    blurb = "NEWS24/7 è un quotidiano indipendente."
    doc = clean(article(foot=["© 2026 NEWS24/7", blurb]))
    assert removed(doc).get(blurb) == "boilerplate.about"


def test_german_compound_blurb_after_the_footer_goes():
    blurb = "Harbour Gazette ist eine unabhängige Regionalzeitung mit Sitz in Köln."
    doc = clean(article(foot=["© 2025 Harbour Gazette", blurb]))
    assert removed(doc).get(blurb) == "boilerplate.about"


def test_footer_line_before_an_unknown_blurb_starts_the_footer():
    blurb = ("Harbour Gazette now publishes online only, with a printed digest for readers "
             "on the islands.")
    doc = clean(article(foot=["Sign up for our weekly newsletter", blurb]))
    assert kept(doc) == BODY
    assert removed(doc)[blurb] == "boilerplate.footer_zone"


def test_share_row_before_an_unknown_blurb_starts_the_footer():
    blurb = ("Harbour Gazette now publishes online only, with a printed digest for readers "
             "on the islands.")
    doc = clean(article(foot=["Facebook Twitter Email", blurb]))
    assert kept(doc) == BODY


def test_footer_line_inside_the_body_with_article_text_after_it_stays_body():
    mid = ["Sign up for the harbour newsletter"]
    doc = clean(article(mid=mid, at=3))
    assert_body_intact(doc)


def test_list_under_a_short_intro_at_the_end_survives():
    foot = ["Key dates in the plan:", "- Public consultation in March", "- Work starts in June"]
    doc = clean(article(foot=foot))
    assert kept(doc) == BODY + foot


def test_short_sentence_after_footer_lines_goes():
    line = "The Weekend Harbour: the week's stories, every Saturday."
    doc = clean(article(foot=["Share this article", line, "© 2025 Harbour Gazette"]))
    assert removed(doc).get(line) == "boilerplate.footer_zone"
    assert kept(doc) == BODY


def test_closing_sentence_after_an_inline_ad_survives_footer_lines_after_it():
    closing = "The pier reopens in June."
    doc = clean(article(foot=["Advertisement", closing, "Share this article",
                              "© 2025 Harbour Gazette"]))
    assert kept(doc) == BODY + [closing]


def test_closing_background_paragraph_like_a_blurb_survives():
    line = ("The Harbour Trust is an independent charity that has restored three Victorian "
            "piers on the west coast since it was founded in 1990.")
    doc = clean(article(foot=[line]))
    assert line in kept(doc)


def test_publisher_blurb_after_the_footer_goes():
    blurb = ("Harbour Gazette is an independent news outlet covering the west coast. To reach "
             "the newsroom, contact news@gazette.example.")
    doc = clean(article(foot=["© 2025 Harbour Gazette", blurb]))
    assert removed(doc).get(blurb) == "boilerplate.about"


@pytest.mark.parametrize("last", [
    "It remains to be seen whether the council can afford the repayments if the fleet shrinks.",
    "Only time will tell whether the gamble pays off, the harbour master said.",
    "Only time will tell whether the new decking can take the weight of the winter storms.",
    "As the works go on, the harbour board will publish a weekly update for boat owners.",
])
def test_ordinary_closing_paragraph_survives(last):
    doc = clean(article(foot=[last]))
    assert kept(doc) == [*BODY, last]


@pytest.mark.parametrize("inserted,family", [("Image via Flickr", "caption"),
                                              ("PUBLICIDAD", "ad_label"),
                                              ("- Advertisement -", "ad_label"),
                                              ("© AFP", "caption")])
def test_page_insert_between_an_intro_and_its_example_goes_and_the_example_stays(inserted, family):
    mid = ["The council's web page names the route in a single line, for example:",
           inserted, "Home > Harbour > Pier works > Closures"]
    doc = clean(article(mid=mid))
    assert removed(doc).get(inserted) == f"boilerplate.{family}"
    assert mid[0] in kept(doc) and mid[2] in kept(doc)
    assert_body_intact(doc)


def test_captions_introduced_as_examples_stay_and_a_link_after_them_goes():
    mid = ["Each picture keeps the label its photographer wrote, such as:", "Sponsored",
           "Photo: the night shift, winter 1979", "Photo: the new crane, 1983",
           "Read more: Ferry fares to rise in spring"]
    doc = clean(article(mid=mid))
    assert mid[2] in kept(doc) and mid[3] in kept(doc)       # the examples' shape: two of them
    assert removed(doc).get("Sponsored") == "boilerplate.ad_label"
    assert removed(doc).get(mid[4]) == "boilerplate.inline_related"


def test_labels_introduced_as_examples_stay_when_nothing_else_follows():
    mid = ["The regulator said the labels it accepts are plain ones, such as:", "Advertisement",
           "Sponsored"]
    doc = clean(article(mid=mid))
    assert all(x in kept(doc) for x in mid)


def test_agency_credit_before_the_last_paragraph_does_not_end_the_article():
    # the last paragraph is short and holds footer words ("follow", "contact"): after a
    # copyright line it would pass for a footer blurb, but "© AFP" credits a picture
    last = "Fishermen said they would follow the works closely and contact the council weekly."
    doc = clean([TITLE, *BODY, "© AFP", last])
    assert kept(doc) == [*BODY, last]
    assert removed(doc).get("© AFP") == "boilerplate.caption"


def test_site_copyright_at_the_end_still_goes():
    doc = clean(article(foot=["© Harbour Gazette"]))
    assert kept(doc) == BODY


def test_agency_credit_between_body_paragraphs_goes_as_a_caption():
    doc = clean(article(mid=["© AFP"]))
    assert removed(doc).get("© AFP") == "boilerplate.caption"
    assert kept(doc) == BODY


def test_takeaways_box_before_the_body_survives():
    # some sites open an article with its key points: they are the site's own content
    line = "Key takeaways: the pier will be rebuilt, and work is expected to start in March."
    doc = clean([TITLE, line, *BODY])
    assert line in kept(doc)
    assert_body_intact(doc)


def test_ai_summary_inside_the_body_survives():
    line = ("Overall, the article highlights how the council weighed the cost against the "
            "fishing fleet's future.")
    doc = clean(article(mid=[line]))
    assert line in kept(doc)


# ---- structure: terminators, lists, FAQ, captions --------------------------------------
def test_terminator_takes_the_related_list_and_the_rest_of_the_footer():
    foot = ["Related Posts", "Ferry operator adds winter sailings",
            "“You Won’t Believe What This Harbour Looks Like Now”",
            "Harbour Gazette Weekend", "Some closing words."]
    doc = clean(article(foot=foot))
    assert kept(doc) == BODY
    assert removed(doc)["Related Posts"] == "boilerplate.related"


def test_related_heading_inside_body_takes_only_its_list():
    mid = ["You may also like", "Ferry operator adds winter sailings", "School meals go local"]
    doc = clean(article(mid=mid))
    assert kept(doc) == BODY
    assert {removed(doc)[x] for x in mid} == {"boilerplate.related"}


def test_faq_block_appended_after_the_article_goes():
    faq = ["Frequently Asked Questions (FAQ)", "What happened to the pier?",
           "It was damaged by a storm in January.", "When will it reopen?",
           "The council expects it to reopen in June, after the new decking is tested."]
    doc = clean(article(foot=faq))
    assert kept(doc) == BODY
    assert {removed(doc)[x] for x in faq} == {"boilerplate.faq"}


def test_faq_under_a_quick_questions_heading_goes():
    faq = ["Quick questions", "Who decided?", "The council did, by a vote.", "When does it start?",
           "Work starts in March."]
    doc = clean(article(foot=faq))
    assert kept(doc) == BODY


def test_faq_after_an_article_with_a_question_shaped_link_goes():
    link = "Read more: Why are ferry fares rising again?"
    faq = ["Frequently asked questions", "What happened?", "The pier was damaged.",
           "Who pays?", "A regional fund pays most of the cost."]
    doc = clean(article(mid=[link], foot=faq))
    assert kept(doc) == BODY
    assert {removed(doc)[x] for x in faq} == {"boilerplate.faq"}


def test_faq_heading_after_an_intro_with_a_colon_goes():
    faq = ["Frequently asked questions", "What happened to the pier?",
           "It was damaged by a storm in January.", "When will it reopen?",
           "The council expects it to reopen in June, after the new decking is tested."]
    intro = "Below are answers to the questions readers ask most often about the pier:"
    doc = clean(article(foot=[intro, *faq]))
    assert kept(doc) == BODY          # the intro announces the FAQ: it goes with it


def test_quoted_faq_heading_after_an_intro_stays_an_example():
    mid = ["Every page of the site ends with a box headed:", "“Frequently asked questions”"]
    doc = clean(article(mid=mid))
    assert all(x in kept(doc) for x in mid)
    assert_body_intact(doc)


EXPLAINER = [TITLE, BODY[0], "What is changing?", BODY[1], "Who pays for it?", BODY[2]]
FAQ_PAIR = ["Will the pier close again?",
            "Only for safety checks, which the council says will be announced in advance to "
            "boat owners."]


def test_explainer_written_as_questions_loses_an_faq_named_as_one():
    doc = clean(EXPLAINER + ["Frequently asked questions", *FAQ_PAIR])
    assert kept(doc) == EXPLAINER[1:]


def test_explainer_written_as_questions_keeps_its_questions_under_an_unnamed_heading():
    article_ = EXPLAINER + ["The next steps", *FAQ_PAIR, "And the fares?", BODY[0]]
    assert kept(clean(article_)) == article_[1:]


UNNAMED_FAQ = ["Everything You Need to Know", "What does this mean for boat owners?",
               "In short, moorings may cost more next year, as explained above, and the waiting "
               "list may grow.",
               "Is there an official response?", "The harbour board has been asked for comment "
               "and is expected to publish its own figures later this week."]


def test_faq_under_a_heading_no_pattern_knows_is_an_faq():
    doc = clean(article(foot=UNNAMED_FAQ))
    assert kept(doc) == BODY
    assert removed(doc)[UNNAMED_FAQ[0]] == "boilerplate.faq"


def test_unnamed_heading_with_one_question_or_article_text_after_stays():
    one_pair = UNNAMED_FAQ[:3]
    assert kept(clean(article(foot=one_pair + [BODY[0]]))) == BODY + one_pair + [BODY[0]]
    # the questions are the article's own when it asked some before
    asking = [TITLE, BODY[0], "Why now?", BODY[1], *UNNAMED_FAQ]
    assert kept(clean(asking)) == asking[1:]


def test_interview_in_questions_keeps_its_title_and_questions():
    interview = [TITLE, "Why did you take the job?", "Because the harbour needed someone who "
                 "knew the boats and the people who work them, she said.",
                 "What comes first?", "The pier, and then the ferry timetable, which has not "
                 "changed in twenty years despite the new estates up the hill."]
    doc = clean(interview)
    assert kept(doc) == interview[1:] and doc.title == TITLE


def test_takeaways_heading_after_the_story_takes_its_bullets():
    foot = ["Key Takeaways", "• The situation is still developing.",
            "• Authorities are expected to release more details soon."]
    doc = clean(article(foot=foot))
    assert kept(doc) == BODY
    assert removed(doc)["Key Takeaways"] == "boilerplate.digest"


def test_takeaways_box_inside_the_story_and_a_closing_section_stay():
    mid = ["Key takeaways", "• The pier reopens in June.", "• Fares stay the same."]
    assert kept(clean(article(mid=mid))) == article(mid=mid)[1:]
    foot = ["Conclusion", "The council will decide on the second phase in the spring, after the "
            "consultation closes."]
    assert kept(clean(article(foot=foot))) == BODY + foot


def test_a_removed_list_heading_does_not_take_the_line_introducing_an_example():
    intro = ("Each picture is shown with its own label, copied from the sleeve. Visitors will "
             "find captions such as:")
    doc = clean(article(mid=["Promoted Stories", intro, "Photo: the night shift, winter 1979"]))
    assert intro in kept(doc) and "Promoted Stories" not in kept(doc)


def test_author_box_heading_and_bio_after_the_story_go():
    foot = ["Über den Autor", "Jonas Keller ist Redakteur im Ressort Wirtschaft und lebt in Hamburg."]
    doc = clean(article(foot=foot))
    assert kept(doc) == BODY and removed(doc)[foot[1]] == "boilerplate.about"


def test_sources_heading_takes_its_link_list():
    foot = ["Sources:", "– Council minutes: [https://gazette.example/m](https://gazette.example/m)"]
    doc = clean(article(foot=foot))
    assert kept(doc) == BODY


def test_caption_heading_goes_with_its_caption():
    mid = ["Storm damage at the harbour pier",
           "Storm damage at the harbour pier seen from the harbour wall in January, when waves "
           "broke over it. (Image Credit: Coastguard)"]
    doc = clean(article(mid=mid))
    assert kept(doc) == BODY


def test_caption_kind_paragraph_goes_inside_body():
    paras = article(mid=["The rebuilt pier as planned, seen from the sea"])
    kinds = ["p"] * len(paras)
    kinds[paras.index("The rebuilt pier as planned, seen from the sea")] = "caption"
    doc = clean(paras, kinds=kinds)
    assert kept(doc) == BODY


def test_ad_label_between_an_intro_and_its_list_goes():
    items = ["- Walkers can use the north end of the pier from March 1 while the decking is "
             "replaced.",
             "- Boats can land at the south steps at high tide, with a harbour hand on duty."]
    mid = ["Here is what changes for pier users in March:", "Sponsored content", *items]
    doc = clean(article(mid=mid))
    assert removed(doc).get("Sponsored content") == "boilerplate.ad_label"
    assert all(x in kept(doc) for x in items)
    assert_body_intact(doc)


def test_bare_pasted_headlines_between_paragraphs_go():
    first = "Islanders are protesting ferry cuts in Harbourside."
    second = "Harbour board backs crane depot in Portkennet."
    paras = article(mid=[first])
    paras.insert(5, second)
    doc = clean(paras)
    assert removed(doc).get(first) == "boilerplate.bare_headline"
    assert removed(doc).get(second) == "boilerplate.bare_headline"
    assert_body_intact(doc)


def test_lone_headline_shaped_paragraph_survives():
    # one short present-tense line naming two places is as likely a real paragraph
    line = "Roads between Harbourside and Portkennet remain closed."
    doc = clean(article(mid=[line]))
    assert line in kept(doc)
    assert_body_intact(doc)


def test_labelled_link_does_not_vouch_for_a_headline_shaped_paragraph():
    line = "Roads between Harbourside and Portkennet remain closed."
    paras = article(mid=[line])
    paras.insert(5, "Recommended reading — " + OTHER_TITLES[0])
    learned = learned_from([[t] + BODY[:2] for t in OTHER_TITLES])
    doc = clean(paras, learned=learned)
    assert line in kept(doc)


def test_lone_headline_shaped_paragraph_goes_beside_a_known_headline():
    line = "Islanders are protesting ferry cuts in Harbourside."
    paras = article(mid=[line])
    paras.insert(5, OTHER_TITLES[0])
    learned = learned_from([[t] + BODY[:2] for t in OTHER_TITLES])
    doc = clean(paras, learned=learned)
    assert removed(doc).get(line) == "boilerplate.bare_headline"


def test_short_call_to_action_after_body_goes():
    line = "Want more? Get our free morning briefing by email."
    doc = clean(article(foot=[line]))
    assert removed(doc).get(line) == "boilerplate.newsletter"
    # one no family names: it speaks to the reader, with footer words
    line = "Got a story about the harbour? Email the newsroom."
    doc = clean(article(foot=[line]))
    assert removed(doc).get(line) == "boilerplate.footer_zone"


def test_footer_zone_removes_unknown_short_lines_after_body():
    doc = clean(article(foot=["Harbour Gazette Weekend"]))
    assert removed(doc).get("Harbour Gazette Weekend") == "boilerplate.footer_zone"


def test_document_without_prose_keeps_unknown_lines():
    lines = ["Tide times", "High water 06:14", "Low water 12:30", "Advertisement"]
    doc = clean(lines)
    assert "High water 06:14" in kept(doc) and "Advertisement" not in kept(doc)


# ---- cross-document evidence -------------------------------------------------------------
def learned_from(docs_paragraphs: list[list[str]], cfg: Config | None = None) -> dict:
    cfg = cfg or Config()
    docs = [make_doc(p) for p in docs_paragraphs]
    return templates.learn(templates.scan(docs), None, cfg.boilerplate)


def other_story(title: str, extra: list[str] = (), after: list[str] = ()) -> list[str]:
    return [title, *extra,
            f"A long paragraph about {title.lower()} that is written as prose, with enough "
            "words to be the body of an article and to end with a full stop.", *after]


def test_other_articles_headline_with_any_label_goes():
    learned = learned_from([other_story(t) for t in OTHER_TITLES] + [article()])
    mid = [OTHER_TITLES[0], f"WORTH A LOOK » {OTHER_TITLES[1]}", f"{OTHER_TITLES[2]} (Pic: Jo Ray)"]
    doc = clean(article(mid=mid), learned=learned)
    assert kept(doc) == BODY
    assert removed(doc)[OTHER_TITLES[0]] == "boilerplate.other_headline"


def test_pasted_headline_between_an_intro_and_its_example_goes_and_the_example_stays():
    learned = learned_from([other_story(t) for t in OTHER_TITLES] + [article()])
    mid = ["The leaflet handed out on the ferry tells passengers simply:",
           f"ALSO ON Harbour Gazette: {OTHER_TITLES[0]}", "Tap to pay", "Tap again to check"]
    doc = clean(article(mid=mid), learned=learned)
    assert "Tap to pay" in kept(doc) and mid[0] in kept(doc)
    assert mid[1] in removed(doc)
    assert_body_intact(doc)


def test_other_headline_behind_a_label_with_a_hyphenated_name_goes():
    learned = learned_from([other_story(t) for t in OTHER_TITLES] + [article()])
    line = f"From the Harbour-Gazette archive: {OTHER_TITLES[1]}"
    doc = clean(article(mid=[line]), learned=learned)
    assert kept(doc) == BODY and line in removed(doc)


def test_other_headline_inside_a_sentence_survives():
    learned = learned_from([other_story(t) for t in OTHER_TITLES])
    line = (f"Last month the paper reported that “{OTHER_TITLES[0]}”, a story that drew more "
            "letters than any other this year.")
    doc = clean(article(mid=[line]), learned=learned)
    assert line in kept(doc)


def test_site_template_line_goes_everywhere_on_that_site():
    label = "Harbour Gazette — news for the west coast"
    stories = [other_story(t, after=[label]) for t in OTHER_TITLES]
    learned = learned_from(stories + [other_story("A fourth story about the ferry")])
    doc = clean(article(mid=[label]), learned=learned)
    assert removed(doc).get(label) == "boilerplate.template"
    other_site = clean(article(mid=[label]), learned=learned, site="other.example")
    assert label in kept(other_site)


def test_syndicated_copies_do_not_make_their_lines_template():
    quote = "“We lose a tide every day we go round.”"
    copies = [[TITLE, quote, BODY[0]] for _ in range(4)]      # one story, four copies
    learned = learned_from(copies)
    assert not templates.template_lines(learned, "gazette.example")


def test_recurring_quote_in_two_articles_is_not_template():
    quote = "“We will not be moved.”"
    learned = learned_from([other_story(t, [quote]) for t in OTHER_TITLES[:2]])
    doc = clean(article(mid=[quote]), learned=learned)
    assert quote in kept(doc)


def test_site_phrases_from_config():
    cfg = from_dict({"boilerplate": {"site_phrases": {"gazette.example": ["Harbour Radio live"]}}})
    doc = clean(article(mid=["Harbour Radio live"]), cfg=cfg)
    assert removed(doc).get("Harbour Radio live") == "boilerplate.site_phrase"
    doc = clean(article(mid=["Harbour Radio live"]), cfg=cfg, site="other.example")
    assert "Harbour Radio live" in kept(doc)


# ---- configuration -------------------------------------------------------------------------
def test_disabled_family_keeps_its_lines():
    cfg = from_dict({"boilerplate": {"disabled_families": ["ad_label"]}})
    doc = clean(article(mid=["Advertisement"]), cfg=cfg)
    assert "Advertisement" in kept(doc)


def test_unknown_family_name_is_a_config_error():
    with pytest.raises(ValueError, match="unknown boilerplate families"):
        from_dict({"boilerplate": {"disabled_families": ["adverts"]}})


def test_stage_switched_off_changes_nothing():
    cfg = from_dict({"boilerplate": {"enabled": False}})
    doc = make_doc(article(mid=["Advertisement"]))
    boilerplate.apply(doc, Context(config=cfg))
    assert "Advertisement" in kept(doc) and not doc.edits


def test_every_removal_is_logged_with_its_rule():
    doc = clean(article(head=["Skip to content"], mid=["Advertisement"], foot=["Leave a comment"]))
    rules = sorted(e.rule_id for e in doc.edits if e.stage == "boilerplate")
    assert rules == ["boilerplate.ad_label", "boilerplate.comments", "boilerplate.nav"]
    assert all(e.action == "remove" and e.before for e in doc.edits if e.stage == "boilerplate")


def test_catalogue_families_have_patterns_and_notes():
    for fam in boilerplate.catalogue():
        assert fam.regexes and fam.note and fam.max_words > 0


def test_every_family_has_a_positive_and_a_negative_example():
    with_positive = {family for family, _, _ in POSITIVE}
    with_negative = {family for family, _ in NEGATIVE} | {family for family, _ in CLOSING_LOOKALIKES}
    names = {fam.name for fam in boilerplate.catalogue()}
    assert names - with_positive == set() and names - with_negative == set()


# ---- fast paths agree with the plain matching rule ------------------------------------------
def slow_family(text: str, words: int, disabled=frozenset()) -> str | None:
    """The family rule as patterns/boilerplate.toml states it, with none of the fast paths:
    every family in order, `requires` as one regex alternation, no cache."""
    import re
    folded = boilerplate.fold(text)
    low = folded.casefold()
    for fam in boilerplate.catalogue():
        if fam.name in disabled or words > fam.max_words:
            continue
        if fam.requires and not re.search("|".join(map(re.escape, fam.requires)), low):
            continue
        if any(r.fullmatch(folded) for r in fam.regexes) or (
                fam.end is not None and fam.end.search(folded)):
            return fam.name
    shape = boilerplate.shape_family(folded, words)
    return shape if shape not in disabled else None


TRICKY_LINES = [
    "Skip to content", "Photo: Jane Smith", "The harbour at dusk. ©Ann Lee",
    "Home | News | Sport | Weather | Opinion", "Share on Facebook", "Leave a comment",
    "ﬁle photo",                          # a ligature: casefold() says "file", re.I does not
    "ADVERTISEMENT", "Read more: Ferry operator adds winter sailings to the islands",
    "By Maria Lindqvist", "It`s  a   spaced ‘line’", BODY[0], BODY[3],
    "Top stories from the left and right of the harbour, above and below the pier, "
    "filed in the archive by a pool reporter" + " and more" * 20 + ".",
    "We use cookies " + "x" * 1300,            # longer than the cache keeps
]


@pytest.mark.parametrize("text", TRICKY_LINES)
@pytest.mark.parametrize("disabled", [frozenset(), frozenset({"nav", "caption", "menu"}), {"cookie"}])
def test_match_family_agrees_with_the_plain_rule(text, disabled):
    words = boilerplate.count_words(text)
    expected = slow_family(text, words, disabled)
    assert boilerplate.match_family(text, words, disabled) == expected
    assert boilerplate.match_family(text, words, disabled) == expected     # cached answer
    # a line longer than a family's max_words never matches it
    assert boilerplate.match_family(text, 200, disabled) == slow_family(text, 200, disabled)


def test_match_family_fast_path_examples():
    assert boilerplate.match_family("Skip to content", 3) == "nav"
    assert boilerplate.match_family("Skip to content", 3, frozenset({"nav"})) == "menu"  # nav row
    assert boilerplate.match_family("Skip to content", 3, frozenset({"nav", "menu"})) is None
    assert boilerplate.match_family("Photo: Jane Smith", 3, frozenset({"caption"})) is None
    assert boilerplate.match_family("Skip to content", 9, frozenset({"menu"})) is None  # > 8 words
    assert boilerplate.match_family("The harbour at dusk. ©Ann Lee", 6) == "caption"
    assert boilerplate.match_family(BODY[0], boilerplate.count_words(BODY[0])) is None
    assert boilerplate.match_family("We use cookies " + "x" * 1300, 4) == "cookie"


def test_families_for_is_the_catalogue_filtered_by_words_and_switches():
    off = frozenset({"nav", "about"})
    for words in range(0, 130):
        expected = tuple(f for f in boilerplate.catalogue()
                         if f.max_words >= words and f.name not in off)
        assert boilerplate.families_for(words, off) == expected
    assert boilerplate.families_for(5000) == ()


@pytest.mark.parametrize("text, key", [
    ("Top 10 Stories.", "top 00 stories"),
    ("“Quoted” ‘headline’  «here» 2024.", '"quoted" \'headline\' "here" 0000'),
    ("It`s  OK", "it`s ok"),                      # a backtick is no quote in a key ...
    ("Rank ٣ of ۱۲", "rank 0 of 00"),             # ... and any decimal digit is a digit
    ("Ends with a period .", "ends with a period"),
])
def test_line_key_examples(text, key):
    assert boilerplate.line_key(text) == key
    assert boilerplate.line_key(text) == boilerplate._line_key(text)


def test_line_key_of_a_long_line_is_not_cached_but_the_same():
    text = "Word “quoted” 12 " * 100
    assert len(text) > boilerplate.KEY_CACHE_CHARS
    assert boilerplate.line_key(text) == boilerplate._line_key(text) == (
        'word "quoted" 00 ' * 100).strip()


def test_fold_straightens_apostrophes_in_ascii_and_unicode_text():
    assert boilerplate.fold("It`s  here") == "It's here"           # ASCII text
    assert boilerplate.fold("It’s ´here´ ‘now’") == "It's 'here' 'now'"


@pytest.mark.parametrize("text, expected", [
    ("He left.", True), ("“He left.”", True), ("He said: “stay.” ”", True), ('He left. "', True),
    ("He left .", True), ("Really?!", True), ("(He left.)", True), ("Wait…", True),
    ("He left", False), ("He left. x", False), ("He left.  ”", False),   # two spaces: no
    ("”", False), ("", False), ("   ", False), ("Ends with a quote”", False),
    ("He left.\u00a0”", True), ("He left.\n", True),
])
def test_is_sentence_examples(text, expected):
    assert boilerplate.is_sentence(text) is expected
    assert bool(boilerplate._TERMINAL.search(text.rstrip())) is expected


def test_is_sentence_agrees_with_its_pattern_on_random_endings():
    import random
    rng = random.Random(7)
    alphabet = ["a", "Z", "1", " ", "\u00a0", "\t", "\n", "\u2003", ".", "!", "?", "…", "。",
                "！", "？", ",", ";", ":", "'", '"', "”", "’", "»", ")", "]", "“", "(", "«", "-"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        assert boilerplate.is_sentence(text) == bool(boilerplate._TERMINAL.search(text.rstrip())), text


def test_line_key_ascii_path_agrees_with_the_general_one():
    import random
    rng = random.Random(11)
    alphabet = list("aZq09 5.\t'\"`-") + ["  "]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        general = " ".join(boilerplate._DIGITS.sub("0", text.casefold()).split())
        general = general[:-1].rstrip() if general.endswith(".") else general
        assert boilerplate._line_key(text) == general, text


@pytest.mark.parametrize("text", [
    "Menu Search Sign in", "Share | Facebook | Twitter", "Facebook Twitter", "Share this",
    "Share on WhatsApp (opens in new window)", "Home · World · Sport", "We use cookies to help",
    BODY[0], "Menu " * 13, "Facebook " * 14,
])
def test_shape_family_agrees_with_the_shape_predicates(text):
    words = boilerplate.count_words(text)
    if words <= 30 and boilerplate.is_menu(text):
        expected = "menu"
    elif words <= 12 and boilerplate.is_nav_row(text):
        expected = "menu"
    elif words <= 14 and boilerplate.is_share_row(text):
        expected = "share_row"
    elif words <= boilerplate.lexicon()["cookie"]["max_words"] and boilerplate.is_cookie_banner(text):
        expected = "cookie"
    else:
        expected = None
    assert boilerplate.shape_family(text, words) == expected


def test_line_caches_stay_bounded_and_skip_long_lines():
    for i in range(boilerplate.MATCH_CACHE_SIZE + 500):
        boilerplate.match_family(f"Line number {i} of a long run", 6)
        boilerplate.line_key(f"Line number {i} of a long run")
    assert boilerplate._match_line_cached.cache_info().currsize <= boilerplate.MATCH_CACHE_SIZE
    assert boilerplate._line_key_cached.cache_info().currsize <= boilerplate.KEY_CACHE_SIZE
    before = boilerplate._match_line_cached.cache_info()
    long_line = "word " * 300
    boilerplate.match_family(long_line, 300)
    after = boilerplate._match_line_cached.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)    # not looked up


def test_match_family_gives_the_same_answers_from_many_threads():
    from concurrent.futures import ThreadPoolExecutor
    lines = TRICKY_LINES * 20
    expected = [slow_family(t, boilerplate.count_words(t)) for t in lines]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda t: boilerplate.match_family(t, boilerplate.count_words(t)), lines))
    assert got == expected
