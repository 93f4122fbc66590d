"""Red-team wording, round 16: paywall and account prompts, live-blog furniture, video-player
chrome, accessibility toolbars, "most popular" heads, translation notes, AI-content labels,
print-edition and correction notes, and hyperlocal (Patch-style) US site furniture."""
VOCAB = {
    "sites": ["Millbrook Dispatch", "Cedar Valley Now", "The Harbor Weekly Review", "La Voz del Condado"],
    # nav and the first copyright entry are also filled with format(site=...) only
    "nav": [
        "Sign In | Subscribe | My Account",
        "☰ Sections   Search   Log in",
        "Text size A A A | Print this page | Listen",
        "Subscribe for $1 a week ›",
        "Local News • Police & Fire • Schools • Real Estate • Obituaries • Events",
    ],
    "breadcrumb": [
        "Key events",
        "Show key events only",
        "Listen to this article · 6 min",
        "Leer en español",
        "Versión en español | Read in English",
        "Neighbor News › Millbrook",
    ],
    "share": [
        "Gift this article",
        "Share full article",
        "🔗 Copy link  ✉ Email  🖨 Print",
        "Save · Share · 14 Comments",
    ],
    "cookie": [
        "You have 2 free articles left this month. Subscribe now for unlimited access.",
        "Please turn on JavaScript in your browser to see the latest updates.",
        "This is your last free story this month. Create a free account to keep reading.",
        "We noticed you're using an ad blocker. Please consider disabling it or subscribing to support local journalism.",
    ],
    "ad": [
        "Video Ad Feedback",
        "Now Playing",
        "Up next ▸",
        "AUTOPLAY: ON",
        "The video player is currently playing an ad. You can skip the ad in 5 sec with a mouse or keyboard",
        "Story continues below this ad",
    ],
    "inline_related": [
        "MOST POPULAR: {other}",
        "Trending › {other}",
        "▶ WATCH: {other}",
        "Live updates — {other}",
        "En español: {other}",
    ],
    "caption": [
        "(Courtesy photo)",
        "Photo illustration by {site}; source images via Getty",
        "{other} (Patch Graphic)",
        "Video: {site} newsroom",
    ],
    "comments": [
        "Join the conversation",
        "View comments (14)",
        "Commenting is available to subscribers only. Subscribe or log in to join the discussion.",
        "Show Comments ▾",
    ],
    "related_head": [
        "Most Popular",
        "TRENDING NOW",
        "Most Read This Week",
        "More From {site}",
    ],
    "clickbait": [
        "Police Blotter: Catalytic Converter Thefts, Shoplifting Arrest",
        "Home Of The Week: Updated Colonial With Pool Listed For $1.2M",
        "These 9 Local Restaurants Closed This Year: See The List",
        "Weekend Weather: Here's When The Rain Finally Stops",
    ],
    "newsletter": [
        "Get more local news delivered straight to your inbox. Sign up for free {site} newsletters and alerts.",
        "Thank you for reading {site}. Subscribe to continue reading.",
        "This content is for subscribers only. Already a subscriber? Log in",
        "Sign up for The Morning Rundown ›",
        "SUBSCRIBE TO CONTINUE READING — Already have an account? Sign in",
    ],
    "copyright": [
        "© {site} 2025 | Terms of Use | Privacy Policy",
        "Copyright {site} LLC. Material may not be published, broadcast, rewritten or redistributed.",
        "© 2025 {site}, a member of the Riverbend Media Group.",
    ],
    "about": [
        "{site} is a nonprofit newsroom covering the towns of the Cedar Valley. Support local journalism: become a member today.",
        "{site} is reader-supported. When you give, you help keep our reporting free for everyone.",
    ],
    "backtop": ["▲ Top", "Return to top of page", "Scroll to top", "TOP ↑"],
    "sources": [
        "A version of this article appears in print on {date}, Section A, Page 14 with the headline: {title}. Order Reprints | Today’s Paper | Subscribe",
        "Published in the print edition of the March 2024 issue.",
        "This article was translated from Spanish by the {site} staff.",
        "Correction: An earlier version of this story misstated the day of the meeting. This article has been updated.",
        "Editor’s note: This story has been corrected to fix a misspelled name.",
    ],
    "wp_footer": [
        "Powered by BLOX Content Management System from TownNews.com.",
        "Accessibility Statement | Do Not Sell or Share My Personal Information | Terms of Service",
        "Site by Newspack · Privacy · Contact Us",
    ],
    "tags": [
        "Topics: City Council, Zoning, Housing",
        "More on: Elections 2024 · Transit · Taxes",
        "Explore more — Police & Fire, Schools",
    ],
    "follow": [
        "Turn on notifications 🔔 to get breaking news alerts.",
        "Follow {site} on Facebook and Instagram for more local news.",
        "Watch {site} live on our free streaming channel.",
    ],
    "ai_summary": [
        "This article was produced with the help of AI tools and reviewed by an editor.",
        "AI-generated summary. This summary was created with artificial intelligence and may contain errors.",
        "✨ Summary by AI — Was this summary helpful? Yes | No",
    ],
    "faq": [
        "People Also Ask\n\nWhen did this happen?\n\nThe details are set out in the story above.\n\nWhere can I find more updates?\n\nCheck back with {site} for the latest.",
        "Key events\n\nShow key events only\n\nPlease turn on JavaScript in your browser to get the best experience.\n\nRefresh",
    ],
    "date_prefix": ["Published {date} ", "Last updated: {date}", "{date} · 5 min read"],
}
