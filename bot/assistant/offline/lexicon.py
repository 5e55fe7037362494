"""The offline router's vocabulary: the words staff use for metrics, partner kinds and intents.

Phrases are written in token form (folded, hyphens joined: "re-engage" -> "reengage",
number words as digits). Weights are how strongly a phrase points at an intent; an intent
with no phrase hit scores nothing, whatever slots the text carries.
"""

from __future__ import annotations

from tools.countries import BY_NAME, NAMES

Phrase = tuple[str, ...]


def _p(*phrases: str) -> tuple[Phrase, ...]:
    return tuple(tuple(p.split()) for p in phrases)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ------------------------------------------------------------------ metrics
# Longest phrases are matched first, so "number of sales" (conversions) wins over "sales"
# (revenue) and "return on ad spend" (roas) over "spend" (payout).
METRIC_PHRASES: dict[str, tuple[Phrase, ...]] = {
    "conversion_rate": _p(
        "conversion rate", "conversion rates", "conv rate", "conversion percent", "cr", "cvr"
    ),
    "reversal_rate": _p(
        "reversal rate", "reversal rates", "refund rate", "refund rates",
        "chargeback rate", "chargeback rates",
    ),
    "epc": _p("epc", "earnings per click"),
    "aov": _p("aov", "average order value", "avg order value", "average order", "basket size"),
    "roas": _p("roas", "return on ad spend", "roi"),
    "conversions": _p(
        "number of sales", "how many sales", "sales count", "count of sales", "no of sales",
        "conversions", "conversion", "convs", "conv", "signups", "sign ups", "orders",
        "installs", "acquisitions",
    ),
    "reversals": _p("reversals", "reversal", "refunds", "refund", "chargebacks", "chargeback"),
    "revenue": _p("revenue", "revenues", "rev", "sales", "turnover", "gmv", "income"),
    "payout": _p(
        "payout", "payouts", "commission", "commissions", "cost", "costs", "spend",
        "paid", "pay",
    ),
    "clicks": _p("clicks", "click", "traffic", "visits"),
    "leads": _p("leads", "lead"),
}  # fmt: skip

PROFILE_PHRASES = _p(
    "commission model", "commission rate", "commission structure", "commission plan",
    "commission terms", "payout terms",
)  # fmt: skip
"""Metric-looking words that ask about a partner's terms (its profile), not its numbers."""
TERMS_QUESTIONS = _p(
    "what the commission", "what is the commission", "what commission", "which commission",
    "what do we pay", "how do we pay", "what rate", "what is the rate", "what the rate",
)  # fmt: skip
"""Questions about terms, when no period is named: "what's the commission for Lumen?" asks
for the deal, "what was the commission for Lumen last month?" for the payout."""

COMMISSION_PHRASES: tuple[tuple[Phrase, str], ...] = tuple(
    (tuple(text.split()), model)
    for text, model in (
        ("cpa", "cpa"), ("revshare", "revshare"), ("rev share", "revshare"),
        ("revenue share", "revshare"), ("revenue sharing", "revshare"), ("cpi", "cpi"),
        ("flat fee", "flat"), ("flat rate", "flat"), ("fixed fee", "flat"), ("hybrid", "hybrid"),
    )
)  # fmt: skip
"""Commission models as people name them ("partners on CPA", "revshare deals")."""

REGION_PHRASES = _p(
    "europe", "european", "emea", "apac", "latam", "nordics", "nordic", "dach", "benelux",
    "asia", "asian", "africa", "african", "north america", "south america", "latin america",
    "middle east", "americas", "scandinavia", "eu",
)  # fmt: skip
"""Regions: not a partner filter (partners carry a country), so said back, not dropped."""

OWNER_LEADS = frozenset({"owned", "managed", "manages", "by", "owner", "manager", "for"})
"""Words before a manager's name: "owned by Maya", "managed by leo"."""
OWNED_NOUNS = frozenset(
    {"partners", "partner", "accounts", "account", "book", "portfolio", "affiliates",
     "influencers", "agencies", "creators", "deals"}
)  # fmt: skip
"""Words after a manager's possessive: "Maya's partners", "Leo's book"."""

EXTREME_WORDS: dict[str, str] = {
    "best": "top", "strongest": "top", "highest": "top", "biggest": "top", "peak": "top",
    "record": "top", "busiest": "top", "top": "top", "worst": "bottom", "weakest": "bottom",
    "lowest": "bottom", "slowest": "bottom", "quietest": "bottom", "poorest": "bottom",
}  # fmt: skip
"""Words that, next to day/week/month, ask for an extreme period ("our weakest month")."""
EXTREME_UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week",
                 "month": "month", "months": "month", "quarter": "quarter",
                 "quarters": "quarter"}  # fmt: skip

SHARE_PHRASES = _p(
    "share of", "what share", "% of", "percent of", "percentage of", "proportion of",
    "portion of", "how much of", "what fraction", "fraction of", "contribution to",
    "contributed", "came from", "come from", "comes from", "what percent",
    "what percentage", "share",
)  # fmt: skip
"""A part of a total ("what % of conversions came from Bronze last month")."""

ATTENTION_PHRASES = _p(
    "need attention", "needs attention", "need my attention", "needs my attention",
    "slipping", "watch list", "watchlist", "red flags", "red flag",
    "worry about", "worried about", "concerns", "problems", "issues", "health check",
    "look at first", "should i look at", "keep an eye on", "attention",
)  # fmt: skip
"""Asks for the partners and goals that need a person now."""

OVERLAP_PHRASES = _p("audience overlap", "overlap", "overlapping", "audience fit")
"""Ranking partners by audience overlap with ours (a profile attribute, not a metric)."""

JOIN_WORDS = frozenset(
    {"joined", "join", "joining", "signed", "onboarded", "onboard", "recruited", "added",
     "new", "newest", "latest", "recent", "recently"}
)  # fmt: skip
"""A period next to these words is when partners joined, not a performance period."""

CHANGE_WORDS = frozenset(
    {"change", "changed", "grow", "grew", "growth", "drop", "dropped", "fell", "fall",
     "went", "move", "moved", "increase", "increased", "decrease", "decreased", "shrink",
     "shrank", "shrunk", "improve", "improved", "decline", "declined"}
)  # fmt: skip
"""'Revenue from Q1 to Q2' with one of these is a comparison of Q2 with Q1, not a range."""

# ------------------------------------------------------------------ partner kinds
TYPE_WORDS: dict[str, str] = {
    "affiliate": "affiliate",
    "affiliates": "affiliate",
    "influencer": "influencer",
    "influencers": "influencer",
    "creator": "influencer",
    "creators": "influencer",
    "brand": "b2b_brand",
    "brands": "b2b_brand",
    "b2b": "b2b_brand",
    "channel": "channel",
    "reseller": "channel",
    "resellers": "channel",
    "var": "channel",
    "vars": "channel",
    "agency": "agency",
    "agencies": "agency",
    "referral": "referral",
    "referrals": "referral",
    "content": "content",
    "publisher": "content",
    "publishers": "content",
}

STATUS_WORDS: dict[str, str] = {
    "active": "active",
    "paused": "paused",
    "churned": "churned",
    "churn": "churned",
    "prospect": "prospect",
    "prospects": "prospect",
    "applied": "applied",
    "approved": "approved",
    "rejected": "rejected",
    "pipeline": "pipeline",
}

PARTNER_NOUNS = frozenset(
    {"partner", "partners", "accounts", "ones", *TYPE_WORDS, "prospects", "prospect"}
)
"""Words that make "how many …" a count of partners rather than of a metric."""

APPLICATION_NOUNS = frozenset(
    {"application", "applications", "applicant", "applicants", "apps", "app"}
)


COUNTRIES: dict[str, str] = {
    **{
        name: code
        for name, code in BY_NAME.items()
        if name.replace(" ", "").isalpha() and name not in {"us", "wales"}
    },
    "the us": "US",
}
"""Country names and aliases as typed -> code (one table, shared with the tools)."""

ISO_CODES = frozenset(NAMES) - {"IN", "IT", "NO", "ID", "IL", "AT", "BE", "US"} | {"US"}
"""Two-letter codes read as countries when typed in capitals ("in the US", "DE partners")."""

MONTHS = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)

UNDERPERFORMING = ("underperforming", "underperformers", "underperformer", "lagging", "laggards",
                   "struggling")  # fmt: skip
"""Words for the weak end of a ranking ("which Gold partners are underperforming?")."""

NEWEST_PHRASES = _p(
    "newest", "new partners", "latest partners", "most recent partners", "recent partners",
    "recently joined", "joined recently", "who joined", "just joined", "recently onboarded",
    "onboarded", "signed recently", "recently signed", "recent signings", "new signings",
)  # fmt: skip
"""A list ordered by join date, newest first ("who are our newest partners?")."""

BREAKDOWN_PHRASES: dict[str, tuple[Phrase, ...]] = {
    "type": _p("by type", "by types", "per type", "each type", "by partner type",
               "per partner type", "by partner types", "partner type breakdown",
               "type breakdown", "by category", "across types", "partner mix"),
    "tier": _p("by tier", "by tiers", "per tier", "each tier", "across tiers",
               "tier breakdown", "tier by tier"),
    "country": _p("by country", "by countries", "per country", "each country", "by market",
                  "per market", "by region", "by geo", "across countries",
                  "country breakdown"),
    "owner": _p("by owner", "per owner", "by manager", "per manager", "by partner manager",
                "whose book", "whose books", "whose portfolio", "by book", "each book",
                "manager books", "managers books",
                "manages the most", "manage the most", "manages most", "owns the most",
                "own the most", "owns most",
                "per partner manager", "by account manager", "each manager",
                "manager breakdown"),
    "status": _p("by status", "per status", "status breakdown"),
    "tag": _p("by tag", "per tag", "by tags", "each tag"),
    "commission_model": _p("by commission model", "per commission model",
                           "by commission type", "by deal type", "by payout model"),
}  # fmt: skip
"""How a request names the dimension of a breakdown ("revenue by partner type")."""

# ------------------------------------------------------------------ intents
INTENT_PHRASES: dict[str, dict[Phrase, int]] = {
    "best_period": {},
    "metric_share": {},
    "needs_attention": {
        **dict.fromkeys(_p("slipping", "attention", "watch list", "red flags"), 6),
    },
    "find_partner": {
        **dict.fromkeys(_p("who is"), 2),
        **dict.fromkeys(_p("tell me about", "tell me more about", "look up", "lookup"), 3),
        **dict.fromkeys(_p("details", "detail", "info", "information", "info on"), 3),
        **dict.fromkeys(_p("what do we know about", "who owns", "who manages"), 4),
        **dict.fromkeys(_p("profile", "contact", "contacts", "owner", "manager", "sponsor"), 4),
        **dict.fromkeys(_p("account manager", "exec sponsor", "website", "email address"), 4),
        **dict.fromkeys(_p("contact email", "contact details", "point of contact"), 6),
        **dict.fromkeys(_p("join", "joined", "based", "country", "where is", "status of"), 3),
        **dict.fromkeys(_p("what tier", "which tier", "when did"), 4),
        **dict.fromkeys(PROFILE_PHRASES, 5),
    },
    "list_partners": {
        **dict.fromkeys(_p("which partners", "what partners", "who are our", "any partners"), 3),
        **dict.fromkeys(_p("all", "list"), 3),
        **dict.fromkeys(_p("list all", "list our", "list of"), 4),
        **dict.fromkeys(_p("joined"), 4),
        **dict.fromkeys(_p("manages the most", "manage the most", "manages most"), 8),
        **dict.fromkeys(_p("owns the most", "own the most", "owns most"), 8),
        **dict.fromkeys(NEWEST_PHRASES, 6),
    },
    "performance": {
        **dict.fromkeys(_p("do", "total", "program", "looking", "looking like"), 1),
        **dict.fromkeys(_p("going", "update"), 2),
        **dict.fromkeys(_p("update on", "how is it going"), 3),
        **dict.fromkeys(_p("how is", "how are", "how has", "how much", "doing", "doin"), 2),
        **dict.fromkeys(_p("how did", "performing", "perform", "numbers", "results"), 3),
        **dict.fromkeys(_p("stats", "kpis", "kpi", "how we doing"), 3),
        **dict.fromkeys(_p("performance", "how are we doing"), 4),
    },
    "leaderboard": {
        **dict.fromkeys(_p("most"), 2),
        **dict.fromkeys(_p("best", "the most", "strongest"), 3),
        **dict.fromkeys(_p("top", "bottom", "worst", "highest", "lowest", "weakest"), 4),
        **dict.fromkeys(_p("best performing", "top performing", "top earners", "least"), 5),
        **dict.fromkeys(_p("rank", "ranking", "ranked", "rankings"), 5),
        **dict.fromkeys(_p("by partner", "per partner", "each partner", "partner by partner"), 4),
        **dict.fromkeys(_p("leaderboard", "league table", *UNDERPERFORMING), 6),
    },
    "compare_partners": {
        **dict.fromkeys(_p("vs", "versus", "against"), 2),
        **dict.fromkeys(_p("compare", "comparison", "compared", "comparing"), 5),
        **dict.fromkeys(_p("side by side", "head to head", "against each other"), 6),
    },
    "performance_breakdown": {
        **dict.fromkeys(_p("split", "mix", "split by", "broken down"), 4),
        **dict.fromkeys(_p("breakdown", "break down", "broken down by"), 5),
        **{p: 7 for phrases in BREAKDOWN_PHRASES.values() for p in phrases},
    },
    "performance_series": {
        **dict.fromkeys(_p("weekly", "daily", "by week", "by day", "per day", "per week"), 4),
        **dict.fromkeys(_p("day by day", "daybyday", "week by week", "each week", "each day"), 4),
        **dict.fromkeys(_p("trend", "trends", "trending", "trended", "chart", "graph"), 5),
        **dict.fromkeys(_p("plot", "over time", "time series", "sparkline"), 5),
    },
    "goal_progress": {
        **dict.fromkeys(_p("behind", "ahead"), 2),
        **dict.fromkeys(_p("progress"), 3),
        **dict.fromkeys(_p("pace", "hit"), 2),
        **dict.fromkeys(_p("target", "targets", "on track", "pacing", "quota"), 5),
        **dict.fromkeys(_p("goal", "goals", "checkpoint", "checkpoints"), 6),
        **dict.fromkeys(_p("going to hit", "gonna hit", "will we hit", "on course"), 6),
    },
    "pending_applications": {
        **dict.fromkeys(_p("waiting"), 2),
        **dict.fromkeys(_p("approval", "approvals"), 3),
        **dict.fromkeys(_p("pending", "application", "applications", "apps", "queue"), 4),
        **dict.fromkeys(_p("applicant", "applied"), 4),
        **dict.fromkeys(_p("applicants", "who applied", "inbound"), 5),
    },
    "application_detail": {},
    "quiet_partners": {
        **dict.fromkeys(_p("dark", "stopped"), 3),
        **dict.fromkeys(_p("silent", "no activity"), 5),
        **dict.fromkeys(_p("quiet", "inactive", "dormant", "no sales", "no conversions"), 6),
        **dict.fromkeys(_p("zero conversions", "not converting", "not converted"), 6),
        **dict.fromkeys(_p("gone quiet", "went quiet", "gone dark", "went dark"), 7),
        **dict.fromkeys(_p("stopped converting", "havent converted", "hasnt converted"), 7),
        **dict.fromkeys(_p("stop converting", "stopped selling", "went silent"), 7),
        **dict.fromkeys(_p("didnt convert", "not selling"), 7),
    },
    "reversal_anomalies": {
        **dict.fromkeys(_p("weird", "odd"), 3),
        **dict.fromkeys(_p("spike", "spikes", "spiking", "unusual", "abnormal"), 5),
        **dict.fromkeys(_p("fraud", "fraudulent", "suspicious", "anomaly", "anomalies"), 6),
        **dict.fromkeys(_p("anomalous", "outliers"), 6),
    },
    "top_movers": {
        **dict.fromkeys(_p("biggest"), 2),
        **dict.fromkeys(_p("growth", "growing", "drop"), 4),
        **dict.fromkeys(_p("grew", "declined", "decline", "declining", "dropped"), 5),
        **dict.fromkeys(_p("drops", "fell", "fallen", "up and who down", "up and down"), 5),
        **dict.fromkeys(_p("biggest change", "biggest changes", "changed the most"), 6),
        **dict.fromkeys(_p("gainers", "losers", "risers", "fallers"), 6),
        **dict.fromkeys(_p("movers", "mover"), 7),
        **dict.fromkeys(_p("shrank", "shrunk", "shrink", "shrinking", "grew the most"), 6),
        **dict.fromkeys(_p("lost the most", "gained the most", "lost most", "gained most"), 7),
        **dict.fromkeys(_p("moved most", "moved the most", "changed most", "swung most"), 7),
        **dict.fromkeys(_p("dropped the most", "fell the most", "grew most", "shrank most"), 7),
    },
    "recruitment_priorities": {
        **dict.fromkeys(_p("should we"), 2),
        **dict.fromkeys(_p("prospect", "prospects", "sign"), 3),
        **dict.fromkeys(_p("priority", "invest"), 4),
        **dict.fromkeys(_p("prioritise", "prioritize", "priorities", "go after", "invest in"), 5),
        **dict.fromkeys(_p("recruit", "recruiting", "should we sign", "we should sign"), 6),
        **dict.fromkeys(_p("recruitment", "to target", "should we target"), 7),
    },
    "qbr_summary": {
        **dict.fromkeys(_p("business review"), 6),
        **dict.fromkeys(_p("qbr", "qbrs", "quarterly review"), 7),
        **dict.fromkeys(_p("quarterly business review"), 8),
    },
    "draft_outreach": {
        **dict.fromkeys(_p("write", "draft", "mail", "message"), 2),
        **dict.fromkeys(_p("email", "e mail", "cobrand", "cobranded", "comarketing"), 3),
        **dict.fromkeys(_p("co branded", "co marketing", "joint campaign"), 3),
        **dict.fromkeys(_p("write to", "send"), 4),
        **dict.fromkeys(_p("invite", "pitch"), 5),
        **dict.fromkeys(_p("outreach", "reach out", "reengage", "reengagement", "re engage"), 6),
        **dict.fromkeys(_p("win back", "win them back", "winback", "nudge", "check in with"), 6),
        **dict.fromkeys(
            _p(
                "draft a note",
                "write a note",
                "a note to",
                "draft a message",
                "write a message",
                "send a note",
                "draft an email",
                "thank you note",
                "congratulate",
                "congratulating",
                "congrats",
            ),
            6,
        ),
    },
    "draft_content": {
        **dict.fromkeys(_p("write", "draft"), 2),
        **dict.fromkeys(_p("posts"), 4),
        **dict.fromkeys(_p("outline", "social", "linkedin", "instagram", "twitter"), 5),
        **dict.fromkeys(_p("tweets", "tiktok"), 5),
        **dict.fromkeys(_p("newsletter"), 6),
        **dict.fromkeys(_p("blog", "blog post", "article"), 7),
        **dict.fromkeys(_p("webinar", "social posts", "blog outline"), 8),
        **dict.fromkeys(_p("webinar plan"), 9),
        **dict.fromkeys(
            _p("cobranded email", "cobranded newsletter", "comarketing newsletter"), 12
        ),
        **dict.fromkeys(_p("co branded email", "joint newsletter", "comarketing email"), 12),
    },
}

PURPOSE_PHRASES: tuple[tuple[str, tuple[Phrase, ...]], ...] = (
    ("qbr_invite", _p("qbr", "qbrs", "quarterly review", "business review")),
    (
        "reengage",
        _p(
            "reengage", "reengagement", "re engage", "win back", "win them back", "winback",
            "nudge", "quiet", "dark", "inactive", "check in with", "reactivate",
        ),
    ),
    (
        "cobrand",
        _p("cobrand", "cobranded", "comarketing", "co branded", "co marketing", "joint campaign"),
    ),
    (
        "recruit",
        _p("recruit", "recruiting", "pitch", "join", "joining", "sign up", "onboard", "invite"),
    ),
)  # fmt: skip

FORMAT_PHRASES: tuple[tuple[str, tuple[Phrase, ...]], ...] = (
    (
        "cobranded_email",
        _p(
            "cobranded email", "cobranded newsletter", "comarketing newsletter",
            "co branded email", "joint newsletter", "comarketing email", "newsletter",
        ),
    ),
    ("webinar_plan", _p("webinar", "webinar plan")),
    ("blog_outline", _p("blog", "blog post", "blog outline", "outline", "article")),
    (
        "social_posts",
        _p("social", "social posts", "posts", "linkedin", "instagram", "twitter", "tweets",
           "tiktok"),
    ),
)  # fmt: skip

GRAIN_PHRASES: dict[str, tuple[Phrase, ...]] = {
    "day": _p("daily", "by day", "per day", "day by day", "daybyday", "each day"),
    "week": _p("weekly", "by week", "per week", "week by week", "each week"),
    "month": _p("monthly", "by month", "per month", "month by month", "each month"),
}

BOTTOM_WORDS = frozenset(
    {"bottom", "worst", "lowest", "least", "weakest", "shrank", "shrunk", "dropped", "fell",
     "declined", "lost", *UNDERPERFORMING}
)  # fmt: skip
RANK_WORDS = frozenset({"top", "bottom", "best", "worst", "first"})

HELP_PHRASES = _p(
    "help", "what can you do", "what you can do", "what can u do", "what do you do",
    "what can i ask", "what kind of questions",
    "what questions", "how do i use", "how does this work", "examples", "commands",
)  # fmt: skip
GREETING_WORDS = frozenset(
    {"hi", "hello", "hey", "hiya", "yo", "thanks", "thank", "thx", "ty", "cheers", "morning",
     "there", "you", "ok", "okay", "great", "cool", "nice", "much", "so", "good", "gm",
     "afternoon", "evening", "all", "team", "bot", "partnerops"}
)  # fmt: skip
"""A message made only of these words is a greeting or thanks."""

# ------------------------------------------------------------------ writes
WRITE_VERBS = frozenset(
    {
        "approve", "reject", "decline", "deny", "accept", "set", "change", "update", "edit",
        "modify", "delete", "remove", "pause", "unpause", "resume", "activate", "reactivate",
        "deactivate", "archive", "move", "upgrade", "downgrade", "promote", "demote",
        "increase", "decrease", "raise", "lower", "cut", "bump", "add", "create", "assign",
        "reassign", "subscribe", "unsubscribe", "disable", "enable", "cancel", "terminate",
        "offboard", "rename", "merge", "import", "pay", "drop", "kick", "ban", "block",
        "whitelist", "blacklist", "mark", "close", "reopen", "grant", "revoke", "schedule",
        "book", "transfer", "switch",
    }
)  # fmt: skip
"""Verbs that change state when they open a request ("pause cashback kings")."""

ALWAYS_WRITE = frozenset({"approve", "approving", "reject", "rejecting", "unsubscribe"})
"""Verbs that are a write request wherever they appear."""

POLITE_LEAD = frozenset(
    {"please", "pls", "plz", "can", "could", "would", "will", "you", "we", "i", "lets", "let",
     "us", "go", "ahead", "and", "just", "now", "ok", "okay", "also", "then", "kindly", "want",
     "to", "wanna", "need", "id", "like", "hey", "hi", "so", "quickly", "quick", "asap",
     "immediately", "yo", "bot"}
)  # fmt: skip

STATE_OBJECTS = frozenset(
    {"commission", "commissions", "tier", "status", "owner", "contact", "rate", "rates",
     "payout", "payouts", "cpa", "revshare"}
)  # fmt: skip
"""Things a "set/change/raise … X" request would modify."""

CHANGE_VERBS = frozenset(
    {"set", "change", "update", "edit", "modify", "increase", "decrease", "raise", "lower",
     "cut", "bump", "double", "halve", "adjust", "reset"}
)  # fmt: skip

# ------------------------------------------------------------------ follow-ups
FOLLOW_UP_LEADS = _p(
    "and", "what about", "how about", "same", "same for", "now", "also", "ok", "okay", "just",
    "only", "then", "but", "what if", "same but", "make it",
)  # fmt: skip
FOLLOW_UP_ANYWHERE = _p("instead", "too", "as well", "same", "same for", "that one", "only")
PRONOUNS = frozenset(
    {"they", "them", "their", "theirs", "it", "its", "that", "those", "these", "both",
     "him", "her", "he", "she", "theyve", "theyre"}
)  # fmt: skip

FILLER_WORDS = _words(
    """
    guys folks team pls plz please thanks btw quick quickly real actually currently
    basically overall roughly approx approximately exactly precisely kinda sorta maybe
    hmm um uh ok okay yeah yep nope hey hi hello mate buddy again also still just
    hows whats whos wheres thats lets theres heres howd whatd whod lmk fyi tbh imo asap
    checkin better worse
    our ours we us figure figures data info number numbers stuff things thing look looking
    see show tell give pull grab fetch check quick glance snapshot rundown summary overview
    brief briefly wondering wonder curious interested would like love need want could
    """
)
"""Words people add that ask for nothing; never reported as not understood."""

# ------------------------------------------------------------------ never a partner name
STOPWORDS = _words(
    """
    a an the of for in on at to from by with and or vs versus is are was were be been do did
    does doing done has have had how what whats which who whom whose why when where this
    that these those it its our my me we us you your i their them they he she any all some
    each every more most much many few please pls plz can could would should will shall may
    might show give get tell find list see look about per over under between since until
    till than then so if not no yes up down out only just also too very really like as into
    onto via last past previous next current same new old other one two three four five six
    seven eight nine ten need want know now okay ok hey hi yo thanks thank lol ty thx there
    here re again still ever yet ago lately recently far
    """
)

TIME_WORDS = _words(
    """
    day days week weeks month months quarter quarters year years today yesterday tomorrow
    weekly daily monthly quarterly yearly annual ytd mtd qtd wtd yoy mom qoq wow q1 q2 q3 q4
    h1 h2 qtr date to-date fortnight weekend
    """
)

EXTRA_GENERIC = _words(
    """
    partner partners program programme team account accounts company companies group network
    media studios studio reviews review co inc ltd llc gmbh business quarterly deck notes
    summary prep status campaign email emails number count figures metrics numbers tier
    tiers gold silver bronze ones digest channel report reports breakdown split compare
    comparison versus vs against relative compared
    """
)


def _all_words() -> frozenset[str]:
    words: set[str] = set()
    for phrases in METRIC_PHRASES.values():
        for phrase in phrases:
            words.update(phrase)
    for table in INTENT_PHRASES.values():
        for phrase in table:
            words.update(phrase)
    for _, phrases in (*PURPOSE_PHRASES, *FORMAT_PHRASES):
        for phrase in phrases:
            words.update(phrase)
    for phrases in (*GRAIN_PHRASES.values(), *BREAKDOWN_PHRASES.values(), NEWEST_PHRASES):
        for phrase in phrases:
            words.update(phrase)
    for phrase in HELP_PHRASES:
        words.update(phrase)
    for name in COUNTRIES:
        words.update(name.split())
    words.update(TYPE_WORDS, STATUS_WORDS, MONTHS, WRITE_VERBS, ALWAYS_WRITE, GREETING_WORDS)
    words.update(BOTTOM_WORDS, RANK_WORDS, APPLICATION_NOUNS, PARTNER_NOUNS)
    words.update(STOPWORDS, TIME_WORDS, EXTRA_GENERIC, FILLER_WORDS, JOIN_WORDS, CHANGE_WORDS)
    words.update(EXTREME_WORDS, EXTREME_UNITS, OWNER_LEADS, OWNED_NOUNS)
    for phrases in (SHARE_PHRASES, ATTENTION_PHRASES, OVERLAP_PHRASES, REGION_PHRASES):
        for phrase in phrases:
            words.update(phrase)
    for phrase, _ in COMMISSION_PHRASES:
        words.update(phrase)
    words.update(code.casefold() for code in ISO_CODES)
    return frozenset(w for w in words if w.isalpha() or w.isalnum())


KNOWN_WORDS = _all_words()
"""Every word the router reads as vocabulary; such a word alone never names a partner."""
