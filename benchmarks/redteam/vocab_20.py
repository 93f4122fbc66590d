"""Red-team wording, round 20: the dev families as other CMSs, blog themes and English-language
outlets in other countries phrase them (Drupal, Ghost, Joomla, Blogger, Newspaper/JNews themes;
South Asian, African, Gulf and Pacific portals)."""
VOCAB = {
    "sites": ["The Coastal Chronicle", "Lagos Dispatch", "Gulf Observer Online", "Kiwi Wire", "Deccan Daybreak"],
    "nav": [
        "Menu ≡ Latest · National · Regional · Sport · Opinion · E-Paper",
        "Main navigation: Front Page » Nation » Metro » Features",
        "Jump to main content",
        "☰ Sections | Live TV | Podcasts | Subscribe | Sign in",
        "Toggle navigation",
    ],
    "breadcrumb": [
        "You are here: Home › Nation › {title}",
        "Written by Staff Reporter",
        "In: Regional Affairs | Responses Off on {title}",
        "By Web Desk | 3 min read",
        "Filed by News Desk · Comments (0)",
    ],
    "share": [
        "Spread the word: Facebook | X | LinkedIn | Telegram | Email",
        "Share on WhatsApp",
        "Pin it",
        "Share via Email  Print this article",
        "Copy link",
    ],
    "ad": ["- Advertisement -", "Promoted Content", "Paid Partner Content", "AD", "Story continues below advertisement"],
    "inline_related": [
        "RELATED: {other}",
        "Don't miss: {other}",
        "Recommended: {other}",
        "ALSO SEE: {other}",
        "Continue reading after this: {other}",
    ],
    "caption": [
        "(Photo: AFP via Getty Images)",
        "File photo | PTI",
        "Picture courtesy: Supplied",
        "{other} (Photo Credit: Staff Photographer/Flickr)",
        "Representational image. Photo: Shutterstock",
    ],
    "comments": [
        "Join the conversation",
        "Post a Comment",
        "Be the first to comment",
        "Have your say",
        "Comments are closed.",
    ],
    "related_head": [
        "You May Also Like",
        "More Stories",
        "Trending Now",
        "Don't Miss",
        "Editor's Picks",
    ],
    "clickbait": [
        "“Doctors Are Stunned by This Simple Morning Habit”",
        "“10 Hidden Beaches Locals Don’t Want You to Know About”",
        "“She Sold Her House for a Boat — Here’s What Happened Next”",
        "“The One Kitchen Trick Every Grandmother Swears By”",
        "“What Happens to Your Body When You Stop Eating Sugar for 30 Days”",
    ],
    "newsletter": [
        "Get the {site} daily briefing in your inbox",
        "Your email address:",
        "Sign up for our free morning bulletin",
        "Stay informed. Join our mailing list",
        "Subscribe — it's free",
    ],
    "copyright": [
        "© {site} 2025",
        "© 2022 {site} Media Ltd. All Rights Reserved. Reproduction without permission is prohibited.",
        "All content © {site}. Unauthorised reproduction is prohibited.",
        "Copyright {site} 2019–2025 | Privacy Policy | Terms of Use",
    ],
    "about": [
        "{site} is an independent digital newsroom covering politics, business and culture across the region. For tips and press releases, write to {site} at newsdesk@example.net",
        "About us: {site} has been publishing trusted local journalism since 1998. To advertise with {site}, email sales@example.net",
    ],
    "backtop": ["Scroll to top", "↑ Top", "Return to top of page", "Go up"],
    "sources": [
        "References:\n\n– Al Jazeera: [https://www.aljazeera.com/](https://www.aljazeera.com/)",
        "Source(s):\n\n– The Guardian: [https://www.theguardian.com/](https://www.theguardian.com/)",
        "Further reading:\n\n– Associated Press: [https://apnews.com/](https://apnews.com/)",
    ],
    "ai_summary": [
        "In summary, the piece underscores the stakes involved and the need for swift action from all parties.",
        "To sum up, the report sheds light on the key developments and what they could mean going forward.",
        "In conclusion, this article emphasizes the complexity of the situation and the importance of dialogue.",
    ],
    "faq": [
        "FAQs\n\nWhat happened?\n\nThe events outlined in this report took place recently and are still developing.\n\nWho is affected?\n\nResidents and businesses in the area are the most directly affected.",
        "People Also Ask\n\nWhen did this start?\n\nIt began earlier this year, according to the details given above.\n\nWhat happens next?\n\nFurther updates are expected in the coming weeks.",
    ],
    "date_prefix": [" date: {date} ", "date {date} | ", "Published {date}", "Last updated: {date}"],
}
