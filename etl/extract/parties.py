"""Find the parties of a deal: the company, its investors, the acquirer, the valuation.

A headline (or a body sentence) is read by locating its deal verb or deal
keyword ("raises", "acquires", "is acquired by", "backs", "IPO", "fund") and
taking the noun phrases around it:

* the subject of a raise verb is the company ("Paris-based fintech Acme
  raises $5M" -> Acme): place and backer descriptors ("Paris-based",
  "YC-backed"), descriptor nouns ("AI startup", "payments company") and a
  country possessive ("Sweden's") are stripped;
* the object of an acquisition verb is the company, its subject the acquirer;
  passive forms ("X is acquired by Y") swap them;
* investor-first verbs ("Nvidia backs X", "GV leads $40M round in X") give
  the company as object and the investors as subject;
* an appositive ("Acme, a payments startup, raises") or a coordinated verb
  ("Acme goes independent and raises") takes the clause's first name.

Capitalisation is used in sentence-case text (names are capitalised words);
in Title Case headlines names are cut at verbs and prepositions instead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from etl.extract.amounts import Money, find_amounts
from etl.extract.stages import find_stage
from etl.extract.textscan import Triggers, ci, fold

logger = logging.getLogger(__name__)

__all__ = [
    "Span", "find_company", "find_investors", "find_acquirer", "find_valuation",
    "parse_deal", "DealParse", "is_title_case", "body_sentences",
]


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of text: a name and where it was read."""

    text: str
    start: int
    end: int
    source: str = "title"


@dataclass(slots=True)
class DealParse:
    """What one headline or sentence says about a deal."""

    kind: str | None  # funding_round | vc_fund | acquisition | ipo | layoffs_shutdown | None
    anchor: int  # where the deal verb or keyword starts
    company: Span | None = None
    acquirer: Span | None = None
    investors: list[Span] = field(default_factory=list)  # investor-first subjects (lead first)
    backers: list[Span] = field(default_factory=list)  # "YC-backed" descriptors of the company
    needs_title_subject: bool = False  # the subject was a pronoun ("it raised")


# --- word lists -------------------------------------------------------------

_HEADS = frozenset(["startup", "start-up", "company", "firm", "maker", "platform", "provider", "app", "service", "giant", "unicorn", "developer", "operator", "retailer", "marketplace", "specialist", "pioneer", "outfit", "upstart", "brand", "lab", "engine", "site", "website", "community", "manufacturer", "producer", "creator", "designer", "builder", "vendor", "supplier", "spinout", "spin-off", "spinoff", "subsidiary", "arm", "chain", "chipmaker", "automaker", "carmaker", "drugmaker", "insurer", "lender", "neobank", "exchange", "broker", "network", "fintech", "edtech", "healthtech", "proptech", "insurtech", "biotech", "medtech", "agtech", "foodtech", "cleantech", "legaltech", "regtech", "adtech", "martech", "challenger", "rival", "competitor", "alternative", "clone", "darling", "player", "tool", "business", "studio", "agency", "consultancy", "portal", "aggregator", "operator", "startup's", "neighbor", "neighbour", "peer", "parent", "unit", "division", "affiliate", "bank", "fund", "vc"])
# A phrase ending in one of these with no name after it describes an unnamed company ("a Hangzhou start-up").
_UNIT_HEADS = frozenset(["arm", "unit", "division", "subsidiary", "affiliate", "venture", "fund", "vc", "group",
                         "team", "project", "initiative", "effort", "spinout", "spin-off", "spinoff"])
_UNNAMED_HEADS = _HEADS | frozenset(["vc", "group", "investor", "fund", "firm", "arm", "consortium", "team", "venture",
                                     "project", "initiative", "effort"])
_PERSON_HEADS = frozenset(["ceo", "cto", "cfo", "coo", "founder", "co-founder", "cofounder", "chief", "chairman", "chairwoman", "president", "executive", "billionaire", "entrepreneur", "investor", "investors", "owner", "veteran", "alum", "alumnus", "rapper", "singer", "actor", "star", "influencer", "backer", "backers", "star", "youtuber"])
_DESCRIPTOR_SUFFIXES = ("-based", "-backed", "-owned", "-funded", "-headquartered", "-born", "-listed", "-registered",
                        "-incorporated", "-founded", "-led", "-focused")
_DESCRIPTOR_WORDS = frozenset(["based", "backed", "owned", "funded", "headquartered", "listed"])
_LEAD_JUNK = frozenset(["if", "when", "as", "why", "how", "now", "so", "and", "but", "then", "exclusive", "breaking", "update", "report", "watch", "meet", "inside", "the", "a", "an", "also", "report:", "scoop"])
_AUX = frozenset(["is", "are", "was", "were", "has", "have", "had", "will", "would", "may", "might", "could", "should", "can", "just", "reportedly", "officially", "finally", "quietly", "now", "also", "already", "still", "to", "plans", "planning", "set", "looks", "looking", "seeks", "seeking", "aims", "aiming", "wants", "hopes", "said", "says", "reported", "be", "been", "being", "in", "talks", "again", "today", "newly", "formally", "confirms", "confirmed", "announces", "announced", "completes", "completed", "closes", "closed", "agrees", "agreed", "finalizes", "finalises", "finalized", "finalised", "seals", "sealed", "makes", "made", "expected", "likely", "about", "set", "poised", "ready", "gets", "got", "tuesday", "monday", "wednesday", "thursday", "friday", "saturday", "sunday", "on", "yesterday", "recently", "successfully", "reportedly,", "its", "their"])
_PRONOUNS = frozenset(["it", "they", "he", "she", "we", "its", "itself"])
_GENERIC_NP = frozenset(["company", "startup", "firm", "business", "group", "team", "platform", "app", "service", "outfit", "maker", "the", "it", "they", "investors", "investor", "backers", "startups", "companies", "firms", "businesses", "founders", "entrepreneurs", "others", "vcs", "users", "customers"])
_GENERIC_LAST = frozenset(["investors", "investor", "backers", "backer", "vcs", "vc", "angels", "carriers", "telcos", "operators", "others", "banks", "firms", "funds", "companies", "corporates", "executives", "founders", "celebrities", "athletes", "insiders", "individuals", "shareholders", "institutions", "offices", "members", "startups", "businesses", "entrepreneurs", "customers", "users", "assets", "stake", "shares", "spectrum", "licence", "license", "licences", "licenses", "rights", "land", "property", "building", "buildings", "patents", "domain", "domains", "portfolio", "employees", "staff", "people", "team", "teams", "players", "fans", "partners'", "friends", "family", "families", "months", "years", "weeks", "days", "quarter", "quarters", "decade"])
_GENERIC_TARGETS = frozenset(["startups", "companies", "firms", "businesses", "ventures", "founders", "entrepreneurs", "projects", "teams"])
_FUND_MANAGER_END = re.compile(
    r"(?i)\b(?:ventures|capital|partners|vc|investments|fund|management|advisors|advisers|equity)$"
)
_VERB_STOP = frozenset(["is", "are", "was", "were", "has", "have", "had", "will", "would", "may", "might", "could", "should", "can", "to", "of", "in", "at", "on", "for", "from", "with", "by", "as", "after", "into", "over", "via", "opens", "closes", "raises", "raising", "raised", "launches", "files", "gets", "confirms", "announces", "says", "said", "reportedly", "plans", "embraces", "makes", "takes", "buys", "acquires", "acquired", "sells", "sold", "hires", "names", "appoints", "debuts", "rolls", "adds", "boosts", "cuts", "lays", "reports", "posts", "hits", "tops", "reaches", "doubles", "triples", "jumps", "soars", "falls", "drops", "slumps", "rises", "surges", "spends", "invests", "backs", "leads", "partners", "teams", "joins", "lands", "secures", "nabs", "snags", "bags", "scores", "rakes", "closes", "extends", "inks", "wins", "eyes", "explores", "considers", "mulls", "weighs", "nears", "agrees", "signs", "strikes", "seals", "sees", "shows", "reveals", "unveils", "expands", "enters", "continues", "lives", "picks", "pulls", "grabs", "nets", "snares", "receives", "merges", "merge", "goes", "looks", "seeks", "aims", "wants", "is", "gets", "starts", "shuts", "winds", "completes", "finalizes", "launched", "puts", "shares", "stock", "stocks", "soar", "soars", "jump", "jumps", "pop", "pops", "fall", "falls", "rise", "rises", "price", "prices", "climbs", "slides", "sinks", "tumbles", "open", "debuts", "floats", "lists", "trades", "postpones", "delays", "files", "takes", "pledges"])
_NAME_CONNECTORS = frozenset(["de", "la", "le", "von", "van", "der", "du", "da", "del", "&", "y"])
# Inside a subject ("Rent the Runway raises", "Managed by Q lands") small words join names.
_SUBJECT_CONNECTORS = _NAME_CONNECTORS | frozenset(["the", "of", "by", "on", "for", "a", "in", "i’m", "i'm"])
_SMALL_WORDS = frozenset(["with", "from", "into", "for", "that", "this", "than", "over", "about", "after", "under", "their", "your", "what", "when", "where", "will", "have", "been", "them", "they", "onto", "upon", "amid", "just", "more", "most", "also", "only", "like", "into"])
_QUOTES = "\"'“”‘’«»()[]"

# --- regexes ----------------------------------------------------------------

_TOK_RE = re.compile(r"\S+")
_MONEY_TOKEN_RE = re.compile(r"(?:[A-Z]{1,3})?[$€£¥₹₩₪]|Rs\.?$|[\d.,]+(?:%|[kKmMbB]|bn|mn)[,.]?$|\d.*%")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’.-]*")
_LEGAL_SUFFIX_RE = re.compile(r",?\s+(?:Inc|Corp|Ltd|Limited|LLC|GmbH|plc|PLC|AG|SA|S\.A|NV|N\.V|BV|SE"
                              r"|Pte|Pty|Co)\.?(?:\s+Ltd\.?)?$")
_COMMA_RE = re.compile(r",(?!\d)")
_APPOSITIVE_RE = re.compile(r",\s+(?:the|a|an)\s")
_HARD_RE = re.compile(r"[;:|—–]|\s-\s|\(|\)|\?|!")


def _w(words: str) -> str:
    """A word alternation guarded against hyphenated and glued neighbours."""
    return r"(?<![\w'’-])(?:" + words + r")(?![\w'’-])"


_SOFT_RE = ci(r",(?!\d)|" + _w(r"as|after|while|and|but|because|when|since|so|amid|despite|though|although"
                                 r"|if|once|where|whereas"))
_SOFT_LIST_RE = ci(_w(r"as|after|while|but|because|when|since|so|amid|despite|though|although|if|once"
                              r"|where|whereas"))
_SEP_RE = ci(
    r"[,;:|—–()?!]|\s-\s|\.(?=\s|$)|" + _w(
        r"for|in|to|from|as|at|with|and|after|amid|that|which|who|on|over|into|while|via|following|worth"
        r"|led|but|because|despite|reportedly|under|than|will|is|has|in\s+a|its|his|her|their|this|says"
        r"|said|plans|amid|ahead|by|before|since|said|could|would|may|might|valued|valuing|at|alongside"
        r"|marking|bringing|taking|making|giving|adding|raising|its|after"))
_SEP_NO_AND_RE = ci(r"[;|—–()?!]|\s-\s|\.(?=\s|$)|" + _w(r"for|in\s+a|as|amid|after|while|which|who"))
_LIST_END_RE = ci(
    r"[;:|—–()\[\]?!]|\s-\s|(?<!\b[A-Z])\.(?=\s|$)|" + _w(
        r"to|for|in|at|as|on|that|which|who|after|amid|while|according|said|says|bringing|taking|valuing"
        r"|with|among|who|will|is|has|have|had|was|were|led|the\s+company|the\s+startup|it|this|through"
        r"|via|from|into|than|raising|marking|giving|at"))
_LIST_SPLIT_RE = ci(r"\s*,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+(?:and|as\s+well\s+as|along\s+with|plus)\s+")

_RAISE = (r"raises|raised|raising|raise|secures|secured|securing|secure|nabs|nabbed|snags|snagged|bags|bagged"
          r"|rakes\s+in|raked\s+in|lands|landed|scores|scored|grabs|grabbed|nets|netted|snares|snared"
          r"|hauls\s+in|hauled\s+in|pulls\s+in|pulled\s+in|brings\s+in|picks\s+out|sops\s+up|soaks\s+up"
          r"|mops\s+up|reels\s+in|banks|banked|pockets|pocketed|collects|collected|garners|garnered|attracts"
          r"|attracted|receives|received|gets|got|wins|won|closes|closed|closing|adds|added|extends|extended"
          r"|tops\s+up|topped\s+up|inks|inked|announces|announced|completes|completed|seals|sealed|books"
          r"|locks\s+up|draws|takes\s+in|seeks|eyes|obtains|obtained|nears|finalizes|finalises|takes|took"
          r"|(?:emerges|emerged|comes|came|exits|exited)\s+(?:out\s+)?(?:of|from)\s+stealth\s+with")
_EXCHANGES = (r"NYSE|Nasdaq|LSE|TSX|TSXV|ASX|HKEX|SGX|AIM|Mothers|Shanghai|Shenzhen|STAR|Hong\s+Kong|New\s+York"
              r"|London|Toronto|Tokyo|Mumbai|Bombay|BSE|NSE|Euronext|Frankfurt|Stockholm|Paris|Amsterdam|Seoul"
              r"|KOSDAQ|Tel\s+Aviv|Singapore|Sydney|Australian|Indian|Wall\s+Street|public-market|IPO")
_LAUNCH = r"launches|launched|launching|unveils|unveiled|debuts|debuted|starts|started|opens|opened|forms|formed"
_DEAL_RE = ci(
    r"(?:"
    r"(?P<passive>(?:acquired|bought|snapped\s+up|purchased|taken\s+over|scooped\s+up|swallowed)\s+by)"
    r"|(?P<acqof>(?:acquisition|purchase|takeover|buyout)\s+of)"
    r"|(?P<talks>(?:acquisition|merger|takeover|buyout|sale)\s+talks\s+with)"
    r"|(?P<mergewith>merg(?:es|ed|ing|e)\s+with)"
    r"|(?P<merge>merg(?:es|ed|ing|e))"
    r"|(?P<saleof>sale\s+of)"
    r"|(?P<soldto>(?:sold|sells\s+itself|sell\s+itself|selling\s+itself)\s+to)"
    r"|(?P<sells>sells|sell|selling|sold)"
    r"|(?P<acqis>(?:acquisition|purchase)\s+is)"
    r"|(?P<makesacq>mak(?:es|ing|e)\s+(?:its\s+|a\s+|an\s+|their\s+)?(?:[\w-]+\s+)?(?:acquisition|purchase))"
    r"|(?P<acq>acquires|acquired|acquire|acquiring|buys|bought|buy|buying|snaps\s+up|snapped\s+up|takes\s+over"
    r"|took\s+over|take\s+over|taking\s+over|takes\s+control\s+of|take\s+control\s+of|took\s+control\s+of|swallows|gobbles\s+up|purchases|absorbs|scoops\s+up|picks\s+up|picked\s+up|scooped\s+up)"
    r"|(?P<investin>(?:investment|stake|bet|investments)\s+in)"
    r"|(?P<inv>co-leads|co-led|leads|lead|backs|back|invests|invest|invested|investing|bets\s+on|bet\s+on"
    r"|bets\s+big\s+on|doubles\s+down\s+on|pours|poured|injects|injected|participates\s+in|puts|put"
    r"|bankrolls?|pledges?|commits?|ploughs|plows)"
    r"|(?P<raise>" + _RAISE + r")"
    r"|(?P<valued>valued\s+at|valuation\s+(?:more\s+than\s+)?(?:doubles|triples|jumps|soars|rises|climbs|hits|tops))"
    r"|(?P<launch>" + _LAUNCH + r")"
    r"|(?P<ipo>IPO|IPOs|initial\s+public\s+offering|go(?:es|ing)?\s+public|went\s+public|direct\s+listing"
    r"|(?:public|market|trading|stock\s+market|exchange|first-day|" + _EXCHANGES + r")\s+(?:debut|listing)"
    r"|debuts?\s+on|SPAC|lists?\s+on|(?<=to\s)list|listing\s+on|first\s+day\s+of\s+trading"
    r"|(?<=on\s)first\s+day|(?<=on\sits\s)first\s+day"
    r"|floats?\s+(?:on|in)|flotation)"
    r"|(?P<layoff>lay(?:s|ing)?\s+off|laid\s+off|layoffs?|job\s+cuts|shut(?:s|ting)?\s+down|winds?\s+down"
    r"|bankruptcy)"
    r"|(?P<acqn>acquisition)"
    r"|(?P<fundn>(?:micro-?)?funds?)"
    r"|(?P<fundingn>investment|investments|investing|investors|funding|financing|round|crowdfunding"
    r"|crowdfund|kickstarter|indiegogo|backing)"
    r")(?![\w'’-])")
_DEAL_TRIGGERS = Triggers(
    """
acquired bought snapped purchased taken scooped swallowed acquisition purchase takeover buyout merger sale merges
merged merging merge sold sells sell selling makes making make acquires acquire acquiring buys buy buying snaps takes
took take taking swallows gobbles purchases absorbs scoops picks picked investment stake bet investments co-leads
co-led leads lead backs back invests invest invested investing bets doubles pours poured injects injected participates
puts put bankroll bankrolls pledge pledges commit commits ploughs plows raises raised raising raise secures secured
securing secure nabs nabbed snags snagged bags bagged rakes raked lands landed scores scored grabs grabbed nets netted
snares snared hauls hauled pulls pulled brings sops soaks mops reels banks banked pockets pocketed collects collected
garners garnered attracts attracted receives received gets got wins won closes closed closing adds added extends
extended tops topped inks inked announces announced completes completed seals sealed books locks draws seeks eyes
obtains obtained nears finalizes finalises emerges emerged comes came exits exited valued valuation launches launched
launching unveils unveiled debuts debuted starts started opens opened forms formed ipo ipos initial go goes going went
direct public market trading stock exchange first-day first debut spac list lists listing floats float flotation lay
lays laying laid layoff layoffs job shut shuts shutting wind winds bankruptcy micro-fund micro-funds microfund
microfunds micro fund funds financing funding round crowdfunding crowdfund kickstarter indiegogo backing investors
nyse nasdaq lse tsx tsxv asx hkex sgx aim mothers shanghai shenzhen star hong new london toronto tokyo mumbai bombay
bse nse euronext frankfurt stockholm paris amsterdam seoul kosdaq tel singapore sydney australian indian wall
public-market
""".split()  # noqa: SIM905 - a word list reads better as text
)
_FALLBACK_KINDS = frozenset(["acqn", "fundn", "fundingn"])
_FALLBACK_ORDER = {"acqn": 0, "fundn": 1, "fundingn": 2}
_FUNDING_NOUNS = frozenset(["investment", "investments", "investing", "investors", "funding", "financing", "round",
                            "backing"])

_MONEY_WORDS = (r"series|seed|pre-seed|angel|round|funding|financing|cash|capital|money|investment|investments"
                r"|backing|loan|loans|grant|debt|stake|funds?|micro-?funds?|million|billion|crore|lakh|couple|half"
                r"|venture|equity|credit|bridge|growth")
_MONEY_OBJ_RE = ci(
    r"\s+(?:(?:[\w.-]+[’']s|\w+est|at|a|an|the|its|their|his|her|another|new|fresh|further|more|additional|first|second|third|fourth"
    r"|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th)|latest|next|debut|hefty|whopping|massive"
    r"|huge|big|small|undisclosed|up\s+to|over|more\s+than|nearly|almost|about|around|roughly|some|at\s+least"
    r"|reportedly|just|initial|early|strategic|follow-on|extension|micro|bridge|secondary|equity|fresh"
    r"|oversubscribed|record|mammoth|mega|\w+-led|\w+-stage|\w+-dollar|US|U\.S\.)\s+)*"
    r"(?=[$€£¥₹₩₪₦₱₽₺₫฿￥]|\d|[A-Z]{1,3}\$|(?:USD|EUR|GBP|INR|CNY|RMB|JPY|CHF|SEK|NOK|DKK|CAD|AUD|NZD|SGD|HKD"
    r"|KRW|ILS|NIS|BRL|ZAR|MXN|TWD|NGN|AED|Rs\.?|Rp\.?|kr\.?|RM)\s?\d"
    r"|(?:" + _MONEY_WORDS + r"|a\s+million|a\s+billion|half\s+a)(?![\w-]))")
_INVESTOR_CUE_RE = ci(r"(?i)(?<![\w-])(?:led\s+by|from|backed\s+by|with|including|alongside|joined\s+by"
                              r"|participation)(?![\w-])")
_AGAIN_RE = ci(r"(?i)\s+(?:again|anew|more)\b")
_FUND_NOUN_RE = ci(
    r"(?i)(?<![\w-])(?:a|an|its|new|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
    r"|twelfth|\d+(?:st|nd|rd|th)|debut|latest|next|inaugural|seed|growth|venture|early-stage|late-stage"
    r"|seed-stage|opportunity|opportunities|own|two|three|several|million|billion|[\d.]+[mMbBkK]|bn|mn"
    r"|dedicated|another|sophomore|flagship|continuation|evergreen|vc|impact|sector|\w+-focused|\w+-stage)"
    r"\s+(?:micro-?)?funds?(?![\w-])|(?<![\w-])micro-?funds?(?![\w-])|\bfund\s+(?:[IVX]+|\d+)\b")
_ACQ_NOUN_RE = ci(r"(?i)(?<![\w-])(?:sale|acquisition|merger|takeover|buyout|purchase)(?![\w-])")
_IPO_RE = ci(r"(?i)(?<![\w-])(?:IPO|initial\s+public\s+offering|public\s+offering|listing|debut)(?![\w-])")
_STAKE_RE = ci(
    r"(?i)\s+(?P<back>back\s+)?(?:a\s+|an\s+|the\s+|its\s+|his\s+|her\s+)?"
    r"(?:(?P<ctrl>majority|controlling|full|remaining|outstanding)\s+|(?:minority|small|significant|strategic"
    r"|\d+(?:\.\d+)?\s?%|\d+\s+percent)\s+)?(?:stake|share|shares|interest|holding)\s+in(?![\w-])")
_INV_PREP_RE = ci(r"(?i)\s+(?:(?:[^,;:|()]|,(?=\d)){0,48}?\s)?(?:in|into|on|to)(?![\w-])")
_LEAD_TARGET_RE = ci(r"(?i)(?<![\w-])(?:in|into|on|for)(?![\w-])")
_OPENER_RE = ci(r"(?i)^\s*(?:[a-z]+ing|after|before|ahead\s+of|with|following|despite|amid|following)\b")
# A money cue at most four words before "from": "raises $5M from", "seed round led by A and from B".
_FROM_CTX_RE = ci(
    r"(?:[$€£¥₹]|\d|round|funding|financing|seed|series|investment|rais\w*|capital|cash|money|backing|secur\w+"
    r"|nabs|lands|bags|snags|scores|gets|\bup)\W*(?:\w+\W+){0,4}$"
)
_INVESTOR_TRIGGER_RE = ci(
    r"(?:(?P<lead>(?:co-)?led\s+by)|(?P<other>with\s+participation\s+(?:from|by)|alongside"
    r"|joined\s+by|backed\s+by|funded\s+by|(?:backers|investors|participants|investment\s+firms)\s+"
    r"(?:include|included|including|such\s+as|like|are|were)|from\s+(?:investors|backers)\s+(?:including|such\s+as|like)"
    r"|participation\s+(?:from|by)|investors\s+in\s+the\s+round\s+(?:include|included|were)"
    r"|(?<=round\s)includ(?:ed|es)|(?<=and\s)includ(?:ed|es)|(?<=also\s)includ(?:ed|es))|(?P<from>from))\s+")
_LED_ROUND_RE = ci(
    r"(?P<lead>(?:co-)?led|headed)\s+the\s+(?:\w+\s+){0,3}?(?:round|investment|financing|raise|deal"
    r"|funding|series\s+\w)|(?P<other>(?:also\s+)?(?:participated|joined\s+the\s+round|took\s+part))")
_GENERIC_BACKERS = frozenset(["vc", "venture", "privately", "state", "government", "publicly", "crowd",
                              "investor", "angel", "family", "pe", "bank", "the", "a", "an", "well", "heavily"])
_SENTENCE_END_RE = re.compile(r"(?<!\b[A-Z])[.!?][\"”’]?\s+")
_WITH_LIST_RE = re.compile(
    r"(?:with|as)\s+((?:[A-Z0-9][^.;:()]{1,100}?))\s+(?:all\s+|also\s+)?(?:joining|participating"
    r"|taking\s+part|in(?=[\s,.;]|$)|on\s+board|along\s+for|chipping\s+in|piling\s+in|pile\s+in|piles\s+in"
    r"|joins?\s+(?:the\s+|a\s+)?(?:\S+\s+)?round|invest(?:ing)?\s+too|(?:also\s+)?participat\w+)"
)
_INVESTOR_TRIGGERS = Triggers(
    ["led", "co-led", "with", "alongside", "joined", "backed", "funded", "backers", "investors", "participants",
     "investment", "from", "participation", "included", "includes"]
)
_LED_ROUND_TRIGGERS = Triggers(["led", "co-led", "headed", "participated", "also", "joined", "took"])
_WITH_TRIGGERS = Triggers(["with", "as"])
_VALUATION_AFTER_RE = ci(r"(?i)^\+?\s*(?:(?P<pre>pre-money)\s+|post-money\s+)?valuation\b")
_VALUATION_BEFORE_RE = ci(
    r"(?i)(?:(?P<pre>pre-money\s+)?valuation\s+(?:of|at)|valued\s+(?:it\s+|the\s+\w+\s+|\w+\s+)?at"
    r"|valuing\s+(?:it|the\s+\w+|\w+)\s+at|values?\s+(?:it|the\s+\w+)\s+at)"
    r"\s+(?:about|around|roughly|nearly|more\s+than|over|some|up\s+to|approximately|almost|as\s+much\s+as)?\s*$")
_SENT_END_RE = re.compile(r"[.!?][\"”’]?\s+|\n\s*\n")
_ABBREVIATIONS = frozenset(
    ["inc", "corp", "ltd", "co", "mr", "ms", "mrs", "dr", "st", "jr", "vs", "no", "nos", "sr", "prof", "gov", "sen", "rep", "gen", "col", "lt", "mt", "ft", "approx", "est", "dept", "calif", "mass", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "e.g", "i.e", "a.k.a"]
)
_DATELINE_RE = re.compile(r"^\s*(?:[A-Z][^()\n]{0,60}?\s*\([^)\n]{1,40}\)|[A-Z][A-Z .,'’-]{1,40})\s*[-–—]+\s+")


_INVESTOR_LEADS = frozenset(["the", "a", "an", "existing", "new", "returning", "previous", "prior", "fellow", "other", "both", "also", "plus", "including", "investors", "investor", "backers"])
_CALENDAR = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"])
_DEMONYMS = frozenset("""
american british english french german spanish italian dutch belgian swiss austrian swedish norwegian danish
finnish icelandic estonian polish czech hungarian romanian greek turkish ukrainian russian israeli egyptian
nigerian kenyan south african emirati saudi indian pakistani chinese japanese korean south korean singaporean
malaysian indonesian thai vietnamese filipino australian canadian mexican brazilian argentine argentinian
chilean colombian european asian african latin american irish scottish portuguese
""".replace("south african", "south_african").split()) | {"south african", "south korean", "latin american"}
_STAGE_NAME_RE = re.compile(r"(?i)^(?:series\s+[a-k]\b|seed\b|pre-seed\b|round\b)")
_PLACES = frozenset(x.strip().lower() for x in """
Africa, Asia, Europe, America, North America, South America, Latin America, LatAm, Middle East, MENA, EMEA, APAC,
Southeast Asia, SEA, Nordics, Scandinavia, Balkans, Baltics, Caribbean, Oceania, the US, the U.S., US, U.S., USA,
UK, U.K., the UK, the U.K., Britain, Great Britain, England, Scotland, Wales, Ireland, Northern Ireland, France,
Germany, Spain, Portugal, Italy, Netherlands, the Netherlands, Holland, Belgium, Luxembourg, Switzerland, Austria,
Sweden, Norway, Denmark, Finland, Iceland, Estonia, Latvia, Lithuania, Poland, Czech Republic, Czechia, Slovakia,
Hungary, Romania, Bulgaria, Greece, Turkey, Ukraine, Russia, Israel, Egypt, Nigeria, Kenya, Ghana, South Africa,
Morocco, Tunisia, Ethiopia, Rwanda, UAE, the UAE, Dubai, Abu Dhabi, Saudi Arabia, Qatar, Bahrain, Kuwait, Jordan,
Lebanon, Iran, Iraq, Pakistan, India, Bangladesh, Sri Lanka, Nepal, China, Hong Kong, Taiwan, Japan, Korea,
South Korea, Singapore, Malaysia, Indonesia, Thailand, Vietnam, Philippines, the Philippines, Myanmar, Cambodia,
Australia, New Zealand, Canada, Mexico, Brazil, Argentina, Chile, Colombia, Peru, Uruguay, California, New York,
Texas, Florida, Silicon Valley, San Francisco, Bay Area, Boston, Seattle, Austin, Los Angeles, Chicago, Toronto,
Montreal, Vancouver, London, Paris, Berlin, Munich, Stockholm, Oslo, Copenhagen, Helsinki, Amsterdam, Madrid,
Barcelona, Lisbon, Milan, Zurich, Geneva, Vienna, Warsaw, Prague, Tallinn, Dublin, Tel Aviv, Cairo, Lagos, Nairobi,
Bangalore, Bengaluru, Mumbai, Delhi, New Delhi, Gurgaon, Gurugram, Hyderabad, Chennai, Pune, Beijing, Shanghai,
Shenzhen, Hangzhou, Guangzhou, Tokyo, Osaka, Seoul, Jakarta, Bangkok, Manila, Ho Chi Minh City, Kuala Lumpur,
Sydney, Melbourne, Auckland, Sao Paulo, São Paulo, Mexico City, Buenos Aires, Santiago, Bogota, Lima
""".replace("\n", " ").split(","))


def is_place(name: str) -> bool:
    """True for a country, region or big city ("investing in India" names no company)."""
    return name.strip().lower() in _PLACES


# --- token helpers ----------------------------------------------------------

def is_title_case(text: str) -> bool:
    """True for Title Case headlines: no lowercase content word of four letters or more."""
    seen = 0
    for m in _WORD_RE.finditer(text):
        w = m.group()
        if len(w) < 4:
            continue
        if w[0].islower():
            if w.lower() not in _SMALL_WORDS:
                return False
        else:
            seen += 1
    return seen >= 2


def _name_like(tok: str) -> bool:
    t = tok.lstrip(_QUOTES)
    if not t or _MONEY_TOKEN_RE.match(t):
        return False
    c = t[0]
    if c.isupper() or c.isdigit():
        return True
    return any(ch.isupper() or ch.isdigit() for ch in t[1:]) or t == "&"


def _bare(tok: str) -> str:
    return tok.strip(_QUOTES + ",.").lower()


def _is_possessive(tok: str) -> bool:
    t = tok.rstrip(_QUOTES.replace("’", "").replace("'", "") + ",")
    return t.endswith(("’s", "'s")) or (len(t) > 2 and t[-1] in "’'" and t[-2] in "sS")


def _tokens(text: str, s: int, e: int) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOK_RE.finditer(text, s, e)]


class _Pronoun:
    """Sentinel: the phrase is a pronoun or a generic noun ("the company")."""


PRONOUN = _Pronoun()


def _finish(text: str, toks: list[tuple[str, int, int]], source: str) -> Span | None:
    """Turn tokens into a clean span: no possessive, no quotes, no generic words."""
    if not toks:
        return None
    s, e = toks[0][1], toks[-1][2]
    while s < e and text[s] in _QUOTES + ",.":
        s += 1
    while e > s and text[e - 1] in "\"“”‘«»()[],;:.!?":
        e -= 1
    chunk = text[s:e]
    if chunk.endswith(("’s", "'s")) and len(chunk) > 2:
        e -= 2
    elif len(chunk) > 2 and chunk[-1] in "’'" and chunk[-2] in "sS" or chunk.endswith(("’", "'")) and e - s > 1 and text[s] in "‘'":
        e -= 1
    while e > s and text[e - 1] in "\"“”‘«»()[],;:.!?":
        e -= 1
    legal = _LEGAL_SUFFIX_RE.search(text, s, e)
    if legal and legal.start() > s:
        e = legal.start()
    name = text[s:e].strip()
    if not name or name.lower() in _GENERIC_NP:
        return None
    if not any(ch.isalnum() for ch in name):
        return None
    return Span(name, s, e, source)


def _unnamed(toks: list[tuple[str, int, int]], sentence_start: int = -1) -> bool:
    """ "a Hangzhou electric-scooter start-up", "Tokyo VC", "Toyota's research arm": no name given.

    A plain capitalised word that only opens the sentence ("Payments firm raises") is not a name.
    """
    if len(toks) < 2 or _bare(toks[-1][0]) not in _UNNAMED_HEADS:
        return False
    prev, prev_start = toks[-2][0], toks[-2][1]
    if any(_is_possessive(t) for t, _, _ in toks[:-1]):
        # "Toyota's research arm" names no company; "Kestrel's payments app" is Kestrel's.
        return _bare(toks[-1][0]) in _UNIT_HEADS
    if prev_start == sentence_start and prev.isalpha() and prev[1:].islower():
        return True
    return not _name_like(prev) or is_place(prev.strip(_QUOTES + ","))


def _strip_descriptors(toks: list[tuple[str, int, int]], tc: bool,
                       backers: list[tuple[str, int, int]] | None = None) -> list[tuple[str, int, int]]:
    """Drop "Paris-based", "YC-backed", "AI startup", "Sweden's" and leading lowercase words."""
    # "-based" / "-backed": everything up to the last such token is description.
    cut = -1
    for i, (t, _, _) in enumerate(toks[:-1]):
        b = _bare(t)
        if b.endswith(_DESCRIPTOR_SUFFIXES) or b in _DESCRIPTOR_WORDS:
            if backers is not None and (b.endswith("-backed") or b == "backed"):
                lo = cut + 1
                group = toks[lo:i + 1] if b.endswith("-backed") else toks[lo:i]
                if group:
                    last = group[-1]
                    if b.endswith("-backed"):
                        last = (last[0][: -len("-backed")], last[1], last[2] - len("-backed"))
                        group = group[:-1] + [last]
                    backers.append((" ".join(g[0] for g in group), group[0][1], group[-1][2]))
            cut = i
    if cut >= 0:
        toks = toks[cut + 1:]
    # Possessive: "Sweden's Acme" -> Acme; "Acme's mobile app" -> Acme.
    for i, (t, _, _) in enumerate(toks[:-1]):
        if _is_possessive(t):
            rest = toks[i + 1:]
            if _name_like(rest[0][0]) and _bare(rest[0][0]) not in _HEADS:
                toks = rest
            elif not tc:
                return toks[: i + 1]
            else:
                toks = rest
            break
    # Descriptor nouns: "Indian used car platform Droom" -> Droom.
    n = len(toks)
    for i in range(n - 2, -1, -1):
        t = toks[i][0]
        b = _bare(t)
        if tc:
            hit = b in _PERSON_HEADS or (b in _HEADS and (i > 0 or not _name_like(t)))
        else:
            hit = (b in _HEADS or b in _PERSON_HEADS) and (t[0].islower() or t.isupper())
        if hit:
            toks = toks[i + 1:]
            break
    # Sentence case: leading lowercase words are description ("fintech Acme").
    if not tc:
        i = 0
        while i < len(toks) - 1 and not _name_like(toks[i][0]):
            i += 1
        toks = toks[i:]
    return toks


def _skip_place_possessive(toks: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """ "Ottawa's Shopify ..." -> "Shopify ...": a place's possessive is a descriptor."""
    for i, (t, _, _) in enumerate(toks[:4]):
        if _is_possessive(t):
            owner = " ".join(x[0] for x in toks[: i + 1])
            owner = owner[:-2] if owner.endswith(("’s", "'s")) else owner.rstrip("’'")
            if is_place(owner) and i + 1 < len(toks) and _name_like(toks[i + 1][0]):
                return toks[i + 1:]
            break
    return toks


def _lowercase_name(text: str, e: int, toks: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """ "buys npm, the registry ...": one lowercase word set off by an appositive is a name."""
    if len(toks) == 1 and _APPOSITIVE_RE.match(text, e) and _bare(toks[0][0]) not in _GENERIC_LAST:
        return toks
    return []


def _name_run(toks: list[tuple[str, int, int]], tc: bool, stop_at_possessive: bool,
              connectors: frozenset[str] = frozenset()) -> list[tuple[str, int, int]]:
    """The leading name: capitalised words (sentence case) or words up to a verb (Title Case)."""
    connectors = connectors or _NAME_CONNECTORS
    out = []
    for i, tok in enumerate(toks):
        t, b = tok[0], _bare(tok[0])
        if tc:
            if i > 0 and (b in _VERB_STOP or not (_name_like(t) or b in _NAME_CONNECTORS)):
                break
        elif not _name_like(t):
            if not (b in connectors and out and i + 1 < len(toks) and _name_like(toks[i + 1][0])):
                break
        out.append(tok)
        if stop_at_possessive and _is_possessive(t):
            break
        if t.endswith(","):
            break
    return out


def _entity(text: str, s: int, e: int, tc: bool, mode: str, source: str,
            backers: list | None = None, clause: int | None = None) -> Span | _Pronoun | None:
    """Read a name from text[s:e]. mode: subject | object | lead | whole."""
    toks = _tokens(text, s, e)
    while toks and all(ch in _QUOTES + ",.-–—" for ch in toks[-1][0]):
        toks.pop()
    if mode in ("subject", "list"):
        while toks and _bare(toks[-1][0]) in _AUX:
            if _bare(toks[-1][0]) in _PRONOUNS:
                return PRONOUN
            toks.pop()
        if toks and _bare(toks[-1][0]) in _PRONOUNS:
            return PRONOUN
        if len(toks) == 2 and _bare(toks[0][0]) in ("the", "this") and _bare(toks[1][0]) in _GENERIC_NP:
            return PRONOUN
    while len(toks) > 1 and _bare(toks[0][0]) in _LEAD_JUNK:
        toks = toks[1:]
    if not toks:
        return None
    if len(toks) == 1 and _bare(toks[0][0]) in _PRONOUNS:
        return PRONOUN
    if mode == "list":
        return Span(text[toks[0][1]:toks[-1][2]], toks[0][1], toks[-1][2], source)
    if mode == "lead":
        toks = _name_run(_skip_place_possessive(toks), tc, stop_at_possessive=True)
        return _finish(text, toks, source)
    initial = toks[0][1] if clause is not None and not text[clause:toks[0][1]].strip() else -1
    if mode == "subject" and _unnamed(toks, initial):
        return None
    if mode == "lead_desc":
        run = _name_run(toks, tc, stop_at_possessive=False, connectors=_SUBJECT_CONNECTORS)
        if run and not tc and len(run) < len(toks) and _unnamed(toks[:len(run) + 3]):
            return None
    toks = _strip_descriptors(toks, tc, backers)
    if mode == "whole":
        return _finish(text, toks, source)
    if mode == "lead_desc":
        toks = _name_run(_skip_place_possessive(toks), tc, stop_at_possessive=True, connectors=_SUBJECT_CONNECTORS)
    elif not tc:
        toks = _name_run(toks, False, stop_at_possessive=mode != "investor",
                         connectors=_SUBJECT_CONNECTORS if mode in ("subject", "investor") else _NAME_CONNECTORS)
        if not toks and mode == "object":
            toks = _lowercase_name(text, e, _tokens(text, s, e))
    elif mode == "object":
        toks = _name_run(toks, True, stop_at_possessive=False)
    if mode in ("object", "investor") and toks and _bare(toks[-1][0]) in _GENERIC_LAST:
        return None
    return _finish(text, toks, source)


# --- clause helpers ---------------------------------------------------------

def _clause_start(text: str, pos: int, floor: int = 0) -> int:
    """Start of the clause holding ``pos``: after the last hard boundary (; : | — ( )."""
    start = floor
    for m in _HARD_RE.finditer(text, floor, pos):
        start = m.end()
    return start


def _subject(text: str, vs: int, tc: bool, source: str, floor: int = 0, list_mode: bool = False,
             backers: list | None = None) -> Span | _Pronoun | None:
    """The noun phrase before the verb at ``vs``."""
    hard = _clause_start(text, vs, floor)
    seg = hard
    first_soft = None
    soft_re = _SOFT_LIST_RE if list_mode else _SOFT_RE
    for m in soft_re.finditer(fold(text), hard, vs):
        if first_soft is None:
            first_soft = m.start()
        seg = m.end()
    chunk = text[seg:vs]
    if not chunk.strip() or (chunk.strip().lower() in _AUX and seg > hard):
        if first_soft is None:
            return None
        # "Acme, a payments startup, raises" / "Acme goes independent and raises"
        ent = _entity(text, hard, first_soft, tc, "lead", source)
        if isinstance(ent, Span):
            return _entity(text, ent.start, ent.end + 3 if text[ent.end:ent.end + 2] in ("’s", "'s") else ent.end,
                           tc, "whole", source, backers) or ent
        return ent
    ent = _entity(text, seg, vs, tc, "list" if list_mode else "subject", source, backers, clause=hard)
    if ent is PRONOUN:
        stop = first_soft if first_soft is not None and first_soft > hard else vs
        lead = _entity(text, hard, stop, tc, "lead", source)
        if not (isinstance(lead, Span) and text.startswith(("’s", "'s"), lead.end)):
            lead = _entity(text, hard, stop, tc, "lead_desc", source)
        if isinstance(lead, Span) and lead.start < seg:
            return lead
        return PRONOUN
    return ent


def _object(text: str, ve: int, tc: bool, source: str, sep: re.Pattern = _SEP_RE, mode: str = "object") -> Span | None:
    """The noun phrase after the verb ending at ``ve``, cut at the next separator."""
    m = sep.search(fold(text), ve + 1)
    end = m.start() if m else len(text)
    while end < len(text) and m and m.group().lower() in ("in", "and") and end == ve + 1:
        m = sep.search(fold(text), end + 1)
        end = m.start() if m else len(text)
    ent = _entity(text, ve, end, tc, mode, source)
    return ent if isinstance(ent, Span) else None


def _split_list(text: str, span: Span, tc: bool) -> list[Span]:
    """Split "A, B and C" into names."""
    out: list[Span] = []
    pos = span.start
    for m in [*_LIST_SPLIT_RE.finditer(fold(text), span.start, span.end), None]:
        end = m.start() if m else span.end
        if end > pos:
            ent = _investor_item(text, pos, end, tc, span.source)
            if ent:
                out.append(ent)
        if m:
            pos = m.end()
    return out


def _investor_item(text: str, s: int, e: int, tc: bool, source: str) -> Span | None:
    toks = _tokens(text, s, e)
    if not toks:
        return None
    if _bare(toks[-1][0]).rstrip("’'") in _GENERIC_LAST or _unnamed(toks) or (
            len(toks) == 1 and _bare(toks[0][0]) in _UNNAMED_HEADS):
        return None
    first = toks[0][0]
    if not tc and not _name_like(first) and _bare(first) not in _INVESTOR_LEADS and _bare(first) not in _HEADS:
        return None
    for t, ts, te in toks:
        if t.lower().endswith("-led") and len(t) > 4:  # "a BlackRock-led group"
            return _finish(text, [(t[:-4], ts, te - 4)], source)
    ent = _entity(text, s, e, tc, "object" if tc else "investor", source)
    if not isinstance(ent, Span) or not _name_like(ent.text) or _not_a_party(ent.text):
        return None
    return ent


def _not_a_party(name: str) -> bool:
    """Places, nationalities, weekdays and stage names are not investors or companies."""
    low = name.lower()
    return is_place(name) or low in _DEMONYMS or low in _CALENDAR or bool(_STAGE_NAME_RE.match(name))


# --- the deal parser --------------------------------------------------------

def parse_deal(text: str, source: str = "title", tc: bool | None = None, offset: int = 0,
               end: int | None = None) -> DealParse | None:
    """Read the deal that ``text[offset:end]`` describes, or None."""
    if not text:
        return None
    end = len(text) if end is None else end
    if tc is None:
        tc = is_title_case(text[offset:end])
    fallbacks: list[tuple[int, int, str, re.Match]] = []
    low = fold(text)
    done = offset
    for pos in _DEAL_TRIGGERS.starts(low, offset, end):
        if pos < done:
            continue
        m = _DEAL_RE.match(low, pos, end)
        if m is None:
            continue
        done = m.end()
        kind = m.lastgroup
        if kind not in _FALLBACK_KINDS:
            res = _HANDLERS[kind](text, m, tc, source, offset, end)
            if res is not None:
                return res
            word = m.group().split()[0].lower()
            if word not in _FUNDING_NOUNS:
                continue
            kind = "fundingn"
        fallbacks.append((_FALLBACK_ORDER[kind], m.start(), kind, m))
    for _, _, kind, m in sorted(fallbacks, key=lambda t: t[:2]):
        res = _HANDLERS[kind](text, m, tc, source, offset, end)
        if res is not None:
            return res
    return None


def _resolve(text: str, ent, tc: bool, source: str, offset: int, res: DealParse) -> Span | None:
    if ent is PRONOUN:
        lead = _entity(text, offset, len(text), tc, "lead", source)
        if isinstance(lead, Span):
            return lead
        res.needs_title_subject = True
        return None
    return ent


def _h_raise(text, m, tc, source, offset, end):
    """ "Acme raises $5M": the subject is the company; the object must be money (or a fund, an IPO)."""
    vs, ve = m.start(), m.end()
    low = fold(text)
    clause_end_m = _HARD_RE.search(text, ve, end)
    clause_end = clause_end_m.start() if clause_end_m else end
    if not _MONEY_OBJ_RE.match(low, ve, clause_end) and not _AGAIN_RE.match(low, ve, clause_end):
        return None
    soft = _SEP_NO_AND_RE.search(low, ve, clause_end)
    if _ACQ_NOUN_RE.search(low, ve, soft.start() if soft else clause_end):
        return None  # "closes its $2.8B sale of ...": an acquisition phrase reads it
    cm = _COMMA_RE.search(text, ve, clause_end)
    comma = cm.start() if cm else -1
    near_end = comma if comma >= 0 else clause_end
    kind = "funding_round"
    if _IPO_RE.search(low, ve, near_end) and _IPO_WORD_RE.search(low, ve, near_end):
        kind = "ipo"
    else:
        inv = _INVESTOR_CUE_RE.search(low, ve, clause_end)  # "led by a venture fund" names an investor
        if _FUND_NOUN_RE.search(low, ve, inv.start() if inv else clause_end):
            kind = "vc_fund"
    res = DealParse(kind, vs)
    backers: list = []
    if kind == "ipo" and not text[offset:vs].strip():
        # "Raising $2B in IPO, Acme opens up 20%": the subject follows the opener.
        if comma >= 0:
            ent = _entity(text, comma + 1, end, tc, "lead", source)
            res.company = ent if isinstance(ent, Span) else None
            return res
    subj = _subject(text, vs, tc, source, offset, backers=backers)
    res.company = _resolve(text, subj, tc, source, offset, res)
    res.backers = [Span(b[0], b[1], b[2], source) for b in backers if _bare(b[0]) not in _GENERIC_BACKERS]
    if kind == "funding_round" and res.company and _FUND_MANAGER_END.search(res.company.text):
        if find_stage(text[ve:clause_end]) is None:
            res.kind = "vc_fund"  # "Foo Ventures raises $400M": a fund unless a round stage is named
    return res


def _h_valued(text, m, tc, source, offset, end):
    """ "Acme valued at $3B after $200M round": a new valuation is a funding event."""
    subj = _subject(text, m.start(), tc, source, offset)
    res = DealParse("funding_round", m.start())
    res.company = _resolve(text, subj, tc, source, offset, res)
    if res.company is None and not res.needs_title_subject:
        res.company = _possessor(text, m.start(), tc, source, offset)
    return res if res.company else None


def _h_launch(text, m, tc, source, offset, end):
    vs, ve = m.start(), m.end()
    clause_end_m = _HARD_RE.search(text, ve, end)
    clause_end = clause_end_m.start() if clause_end_m else end
    if not _FUND_NOUN_RE.search(fold(text), ve, clause_end):
        return None
    res = DealParse("vc_fund", vs)
    res.company = _resolve(text, _subject(text, vs, tc, source, offset), tc, source, offset, res)
    return res


def _possessor(text: str, pos: int, tc: bool, source: str, floor: int) -> Span | None:
    """The "X's" owner right before ``pos`` ("Microsoft's $19.7B acquisition of ...")."""
    toks = _tokens(text, _clause_start(text, pos, floor), pos)
    j = len(toks) - 1
    while j >= 0 and not _is_possessive(toks[j][0]):
        t = toks[j][0]
        if _name_like(t) and t[0] not in "$€£¥₹" and not t[0].isdigit() and _bare(t) not in _VERB_STOP:
            return None
        j -= 1
    if j < 0:
        return None
    k = j
    while k - 1 >= 0 and _name_like(toks[k - 1][0]) and _bare(toks[k - 1][0]) not in _VERB_STOP \
            and not _is_possessive(toks[k - 1][0]):
        k -= 1
    ent = _entity(text, toks[k][1], toks[j][2], tc, "whole", source)
    return ent if isinstance(ent, Span) else None


def _h_acqof(text, m, tc, source, offset, end):
    vs, ve = m.start(), m.end()
    res = DealParse("acquisition", vs)
    res.company = _object(text, ve, tc, source)
    owner = _possessor(text, vs, tc, source, offset)
    if owner is None:
        by = _BY_RE.search(fold(text), res.company.end if res.company else ve, end)
        if by and res.company and not text[res.company.end:by.start()].strip():
            owner = _object(text, by.end() - 1, tc, source)
        else:
            subj = _subject(text, vs, tc, source, offset)
            owner = _resolve(text, subj, tc, source, offset, res)
    res.acquirer = owner
    if res.company is None and res.acquirer is None:
        return None
    return res


def _h_acqis(text, m, tc, source, offset, end):
    res = DealParse("acquisition", m.start())
    res.company = _object(text, m.end(), tc, source)
    res.acquirer = _possessor(text, m.start(), tc, source, offset)
    return res if res.company else None


def _h_makesacq(text, m, tc, source, offset, end):
    res = DealParse("acquisition", m.start())
    res.acquirer = _resolve(text, _subject(text, m.start(), tc, source, offset), tc, source, offset, res)
    return res if res.acquirer else None


def _h_passive(text, m, tc, source, offset, end):
    res = DealParse("acquisition", m.start())
    res.company = _resolve(text, _subject(text, m.start(), tc, source, offset), tc, source, offset, res)
    res.acquirer = _object(text, m.end(), tc, source)
    return res if (res.company or res.acquirer) else None


def _h_talks(text, m, tc, source, offset, end):
    res = DealParse("acquisition", m.start())
    res.acquirer = _resolve(text, _subject(text, m.start(), tc, source, offset), tc, source, offset, res)
    res.company = _object(text, m.end(), tc, source)
    return res if res.company else None


def _h_mergewith(text, m, tc, source, offset, end):
    res = DealParse("acquisition", m.start())
    res.company = _resolve(text, _subject(text, m.start(), tc, source, offset), tc, source, offset, res)
    res.acquirer = _object(text, m.end(), tc, source)
    return res if res.company and res.acquirer else None


def _h_merge(text, m, tc, source, offset, end):
    subj = _subject(text, m.start(), tc, source, offset, list_mode=True)
    if not isinstance(subj, Span):
        return None
    parts = _split_list(text, subj, tc)
    if len(parts) != 2:
        return None
    res = DealParse("acquisition", m.start())
    res.acquirer, res.company = parts
    return res


_TO_RE = ci(r"\s+to\s+")
_BY_RE = ci(r"\s+by\s+")
_IPO_WORD_RE = ci(r"\bipo\b|public\s+offering")


def _h_saleof(text, m, tc, source, offset, end):
    res = DealParse("acquisition", m.start())
    res.company = _object(text, m.end(), tc, source)
    if res.company is None:
        return None
    to = _TO_RE.match(fold(text), res.company.end)
    if to:
        res.acquirer = _object(text, to.end() - 1, tc, source, sep=_SEP_NO_AND_RE, mode="whole") if tc else \
            _object(text, to.end() - 1, tc, source)
    return res


def _h_sells(text, m, tc, source, offset, end):
    obj = _object(text, m.end(), tc, source)
    if obj is None:
        return None
    to = _TO_RE.match(fold(text), obj.end)
    if not to:
        return None
    res = DealParse("acquisition", m.start(), company=obj)
    res.acquirer = _object(text, to.end() - 1, tc, source)
    return res


def _h_soldto(text, m, tc, source, offset, end):
    res = DealParse("acquisition", m.start())
    res.company = _resolve(text, _subject(text, m.start(), tc, source, offset), tc, source, offset, res)
    res.acquirer = _object(text, m.end(), tc, source)
    return res if res.company else None


def _h_acq(text, m, tc, source, offset, end):
    vs, ve = m.start(), m.end()
    verb = m.group().lower()
    stake = _STAKE_RE.match(fold(text), ve)
    if not stake and verb.startswith(("picks up", "picked up", "scoops up", "scooped up")):
        if _MONEY_OBJ_RE.match(fold(text), ve):
            return _h_raise(text, m, tc, source, offset, end)
    if stake:
        company = _object(text, stake.end() - 1 if text[stake.end() - 1] == " " else stake.end(), tc, source)
        if company is None:
            return None
        if stake.group("back") or stake.group("ctrl"):
            res = DealParse("acquisition", vs, company=company)
            res.acquirer = _resolve(text, _subject(text, vs, tc, source, offset), tc, source, offset, res)
            return res
        res = DealParse("funding_round", vs, company=company)
        subj = _subject(text, vs, tc, source, offset, list_mode=True)
        if isinstance(subj, Span):
            res.investors = _split_list(text, subj, tc)
        return res
    obj = _object(text, ve, tc, source)
    if obj is None:
        return None
    res = DealParse("acquisition", vs, company=obj)
    res.acquirer = _resolve(text, _subject(text, vs, tc, source, offset), tc, source, offset, res)
    return res


def _h_investin(text, m, tc, source, offset, end):
    company = _object(text, m.end(), tc, source)
    if company is None or is_place(company.text):
        return None
    res = DealParse("funding_round", m.start(), company=company)
    lead = _entity(text, _clause_start(text, m.start(), offset), m.start(), tc, "lead", source)
    if not isinstance(lead, Span):
        lead = _entity(text, offset, m.start(), tc, "lead", source)
    if isinstance(lead, Span) and lead.text.lower() not in ("with", "its"):
        res.investors = [lead]
    return res


def _h_inv(text, m, tc, source, offset, end):
    vs, ve = m.start(), m.end()
    verb = m.group().lower()
    clause_end_m = _HARD_RE.search(text, ve, end)
    clause_end = clause_end_m.start() if clause_end_m else end
    target_at = ve
    if verb.startswith(("invest", "pour", "inject", "put", "pledge", "commit", "plough", "plow")):
        prep = _INV_PREP_RE.match(fold(text), ve, clause_end)
        if not prep:
            return None
        target_at = prep.end()
    elif verb.startswith(("lead", "co-lead")):
        if not _MONEY_OBJ_RE.match(fold(text), ve, clause_end):
            return None
        inm = _LEAD_TARGET_RE.search(fold(text), ve, clause_end)
        target_at = inm.end() if inm else ve
    sep = _SEP_RE.search(fold(text), target_at + 1)
    raw = _tokens(text, target_at, sep.start() if sep else len(text))
    subj = _subject(text, vs, tc, source, offset, list_mode=True)
    if not isinstance(subj, Span):
        return None
    investors = _split_list(text, subj, tc)  # may be empty: "YC's growth fund leads ..."
    if raw and _bare(raw[-1][0]) in _GENERIC_TARGETS:
        # "X to invest $250M in security startups": a fund-like programme run by X.
        ent = _subject(text, vs, tc, source, offset)
        company = ent if isinstance(ent, Span) else (investors[0] if investors else None)
        return DealParse("vc_fund", vs, company=company) if company else None
    company = _object(text, target_at, tc, source)
    if company is None or is_place(company.text):
        return None
    return DealParse("funding_round", vs, company=company, investors=investors)


def _h_ipo(text, m, tc, source, offset, end):
    vs = m.start()
    hard = _clause_start(text, vs, offset)
    seg = hard
    for sm in _SOFT_RE.finditer(fold(text), hard, vs):
        if sm.group() == ",":
            seg = sm.end()
    res = DealParse("ipo", vs)
    if _OPENER_RE.match(fold(text)[seg:vs]) or not text[seg:vs].strip():
        cm = _COMMA_RE.search(text, vs, end)
        comma = cm.start() if cm else -1
        if comma >= 0:
            ent = _entity(text, comma + 1, end, tc, "lead_desc", source)
            res.company = ent if isinstance(ent, Span) else None
            return res
    ent = _entity(text, seg, vs, tc, "lead_desc", source)
    res.company = _resolve(text, ent, tc, source, offset, res)
    return res


def _h_layoff(text, m, tc, source, offset, end):
    res = DealParse("layoffs_shutdown", m.start())
    res.company = _resolve(text, _subject(text, m.start(), tc, source, offset), tc, source, offset, res)
    return res


def _h_acqn(text, m, tc, source, offset, end):
    """"GM confirms Sidecar acquisition": the capitalised name right before is the target."""
    toks = _tokens(text, _clause_start(text, m.start(), offset), m.start())
    names = []
    for tok in reversed(toks):
        b = _bare(tok[0])
        if not _name_like(tok[0]) or b in _VERB_STOP or b in _ORDINALS or _is_possessive(tok[0]):
            break
        names.insert(0, tok)
    if not names or len(names) == len(toks):
        return None
    res = DealParse("acquisition", m.start())
    res.company = _finish(text, names, source)
    lead = _entity(text, offset, names[0][1], tc, "lead", source)
    res.acquirer = lead if isinstance(lead, Span) else None
    return res


_ORDINALS = frozenset(["first", "second", "third", "fourth", "fifth", "latest", "biggest", "largest", "new", "major", "big", "huge", "next", "recent", "planned", "proposed", "pending", "possible", "potential", "rumored", "rumoured", "surprise", "blockbuster"])


def _h_fundn(text, m, tc, source, offset, end):
    lo = max(offset, m.start() - 40)
    if not _FUND_NOUN_RE.search(fold(text), lo, m.end()):
        return None
    res = DealParse("vc_fund", m.start())
    ent = _entity(text, offset, m.start(), tc, "lead", source)
    res.company = ent if isinstance(ent, Span) else None
    return res


def _h_fundingn(text, m, tc, source, offset, end):
    return DealParse("funding_round", m.start())


_HANDLERS = {
    "passive": _h_passive, "acqof": _h_acqof, "talks": _h_talks, "mergewith": _h_mergewith,
    "merge": _h_merge, "saleof": _h_saleof, "soldto": _h_soldto, "sells": _h_sells, "acqis": _h_acqis,
    "makesacq": _h_makesacq, "acq": _h_acq, "investin": _h_investin, "inv": _h_inv, "raise": _h_raise, "valued": _h_valued,
    "launch": _h_launch, "ipo": _h_ipo, "layoff": _h_layoff, "acqn": _h_acqn, "fundn": _h_fundn,
    "fundingn": _h_fundingn,
}


# --- body helpers -----------------------------------------------------------

def body_sentences(body: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``body``; a leading dateline is skipped."""
    if not body:
        return []
    d = _DATELINE_RE.match(body)
    pos = d.end() if d and d.end() < 120 else 0
    out = []
    for m in _SENT_END_RE.finditer(body, pos):
        i = m.start()
        if body[i] in ".!?":
            nxt = body[m.end():m.end() + 1]
            if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "\"“‘("):
                continue
            k = i
            while k > pos and (body[k - 1].isalpha() or body[k - 1] == "."):
                k -= 1
            word = body[k:i]
            if body[i] == "." and (len(word) == 1 and word.isupper() or word.lower() in _ABBREVIATIONS):
                continue
        if i > pos:
            out.append((pos, i + 1 if body[i] in ".!?" else i))
        pos = m.end()
    if pos < len(body):
        out.append((pos, len(body)))
    return out


def _parse_body(body: str, want: str | None = None) -> DealParse | None:
    for s, e in body_sentences(body):
        res = parse_deal(body, "body", False, s, e)
        if res is not None and res.kind and (want is None or res.kind == want):
            return res
    return None


# --- public API -------------------------------------------------------------

def find_company(title: str, body: str = "") -> Span | None:
    """The raiser / acquired company / lister / fund manager named in the title, else the body."""
    res = parse_deal(title, "title") if title else None
    if res and res.company:
        return res.company
    bres = _parse_body(body, res.kind if res else None) if body else None
    if bres and bres.company:
        return bres.company
    return None


def find_acquirer(title: str, body: str = "") -> Span | None:
    """The buyer of an acquisition, from the title, else the body."""
    res = parse_deal(title, "title") if title else None
    if res and res.kind == "acquisition" and res.acquirer:
        return res.acquirer
    if res is None or res.kind == "acquisition":
        bres = _parse_body(body, "acquisition") if body else None
        if bres and bres.acquirer:
            return bres.acquirer
    return None


def investor_mentions(text: str, source: str = "title", tc: bool | None = None) -> list[tuple[Span, bool]]:
    """(investor, is_lead) for each investor named with a funding phrase, in text order."""
    if not text:
        return []
    if tc is None:
        tc = source == "title" and is_title_case(text)
    out: list[tuple[Span, bool]] = []
    low = fold(text)
    for pos in _INVESTOR_TRIGGERS.starts(low):
        m = _INVESTOR_TRIGGER_RE.match(low, pos)
        if m is None:
            continue
        if m.group("from") and not _FROM_CTX_RE.search(low, max(0, m.start() - 60), m.start()):
            continue
        end_m = _LIST_END_RE.search(fold(text), m.end())
        end = end_m.start() if end_m else len(text)
        if end <= m.end():
            continue
        names = _split_list(text, Span(text[m.end():end], m.end(), end, source), tc)
        out.extend((n, bool(m.group("lead"))) for n in names)
    for pos in _LED_ROUND_TRIGGERS.starts(low):
        m = _LED_ROUND_RE.match(low, pos)
        if m is None:
            continue
        out.extend((n, bool(m.group("lead"))) for n in _names_before(text, m.start(), tc, source))
    for pos in _WITH_TRIGGERS.starts(low):
        m = _WITH_LIST_RE.match(text, pos)
        if m is None:
            continue
        names = _split_list(text, Span(m.group(1), m.start(1), m.end(1), source), tc)
        out.extend((n, False) for n in names)
    out.sort(key=lambda p: p[0].start)
    return out


def _names_before(text: str, pos: int, tc: bool, source: str) -> list[Span]:
    """ "A, B and C co-led the round": the names right before ``pos``, back to the first non-name."""
    start = _clause_start(text, pos)
    for sm in _SENTENCE_END_RE.finditer(text, start, pos):
        start = sm.end()
    for sm in _SOFT_LIST_RE.finditer(fold(text), start, pos):
        start = sm.end()
    pieces = []
    cut = pos
    for m in reversed([*_LIST_SPLIT_RE.finditer(fold(text), start, pos)]):
        pieces.append((m.end(), cut))
        cut = m.start()
    pieces.append((start, cut))
    out = []
    for s, e in pieces:
        toks = _tokens(text, s, e)
        if not toks or not all(_name_like(t) or _bare(t) in _SUBJECT_CONNECTORS for t, _, _ in toks):
            break
        ent = _investor_item(text, s, e, tc, source)
        if ent:
            out.insert(0, ent)
    return out


def find_investors(text: str) -> list[Span]:
    """Named investors in ``text``, lead investors first, no duplicates."""
    mentions = investor_mentions(text)
    res = parse_deal(text, "title")
    if res and res.kind == "funding_round":
        lead_first = res.investors
        mentions = [(s, True) for s in lead_first] + mentions + [(b, False) for b in res.backers]
    return order_investors(mentions)


def order_investors(mentions: list[tuple[Span, bool]]) -> list[Span]:
    """Leads first, then the others, each name once.

    Variants of one name ("Accel" / "Accel Partners", "Vision Fund" / "SoftBank
    Vision Fund") are merged into the longest spelling, kept at the first one's place.
    """
    ordered = [span for want in (True, False) for span, lead in mentions if lead == want]
    out: list[Span] = []
    for span in ordered:
        words = span.text.lower().split()
        for i, kept in enumerate(out):
            other = kept.text.lower().split()
            if _contains(other, words):
                break
            if _contains(words, other):
                out[i] = span
                break
        else:
            out.append(span)
    return out


def _contains(longer: list[str], shorter: list[str]) -> bool:
    """True when ``shorter`` is a run of whole words inside ``longer``."""
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def valuations(text: str, amounts: list[Money] | None = None) -> list[tuple[Money, bool]]:
    """(amount, is_pre_money) for each amount that is a valuation."""
    amounts = find_amounts(text) if amounts is None else amounts
    out = []
    for a in amounts:
        after = _VALUATION_AFTER_RE.match(fold(text)[a.end:a.end + 40])
        if after:
            out.append((a, bool(after.group("pre"))))
            continue
        before = _VALUATION_BEFORE_RE.search(fold(text), max(0, a.start - 60), a.start)
        if before:
            out.append((a, bool(before.group("pre"))))
    return out


def find_valuation(text: str) -> Money | None:
    """The valuation stated in ``text`` ("at a $1.5B valuation", "valued at $2 billion"), or None."""
    vals = valuations(text)
    return vals[0][0] if vals else None
