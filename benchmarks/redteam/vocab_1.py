"""Red-team wording, round 1: the dev families phrased the way other sites do."""
VOCAB = {
    "sites": ["The Coastal Observer", "NordPress", "Valley Tribune Online", "GlobalWire24"],
    "nav": [
        "Menu  Search  Sign in",
        "News › Local › Courts",
        "Jump to main content",
        "World | Sport | Culture | Opinion | Video",
    ],
    "breadcrumb": [
        "Filed under: Politics, Top Stories",
        "By Staff Writer | Updated {date}",
        "Posted in Regional | 3 Comments",
    ],
    "share": [
        "Share on Facebook · Share on X · Email",
        "Copy link",
        "Share article",
        "Pin it  WhatsApp  LinkedIn",
    ],
    "ad": ["- Advertisement -", "Story continues below advertisement", "PARTNER CONTENT", "Ad"],
    "inline_related": ["RELATED: {other}", "See also: {other}", "MORE: {other}"],
    "caption": [
        "Photo: Getty Images",
        "(Photo by John Moore/Getty Images)",
        "{other} | Photo courtesy of the city council",
        "File photo / EPA",
    ],
    "comments": ["Join the conversation", "Comments are closed.", "Add your comment", "Show comments (12)"],
    "related_head": ["You may also like", "More from {site}", "Recommended for you"],
    "clickbait": [
        "Doctors Stunned: This One Trick Melts Belly Fat Overnight",
        "She Was Told She Would Never Walk Again. What Happened Next Is Incredible",
        "20 Celebrities Who Look Completely Different Today",
    ],
    "newsletter": [
        "Get the morning briefing in your inbox",
        "Sign up for our daily newsletter",
        "Your email address",
        "Don't miss a story: subscribe to {site} alerts",
    ],
    "copyright": [
        "© {site} 2025",
        "All content © 2022 {site} Media Group. Reproduction prohibited.",
        "(c) 2024 {site} – all rights reserved",
    ],
    "about": [
        "{site} is an independent, reader-funded newsroom covering the coast since 1998. Send tips to news@example.net",
        "About {site}: we publish investigative reporting on energy and the environment.",
    ],
    "backtop": ["Scroll to top", "↑ Top", "Return to top of page"],
    "sources": [
        "References:\n\n1. Associated Press, https://apnews.com/",
        "Source: Agence France-Presse (https://www.afp.com/)",
    ],
    "ai_summary": [
        "In conclusion, the situation underscores the complex challenges facing the region and the need for continued dialogue.",
        "In summary, this development reflects broader trends and highlights the importance of staying informed.",
        "Key takeaways: the dispute is unresolved, talks continue, and further developments are expected.",
    ],
    "faq": [
        "FAQs\n\nWhen did this happen?\n\nThe events took place earlier this month, according to officials.\n\nWho is affected?\n\nResidents of the area and local businesses are most affected.",
        "People also ask\n\nWhat happens next?\n\nOfficials say a decision is expected in the coming weeks.",
    ],
    "date_prefix": ["Published {date} ", "{date} — "],
}
