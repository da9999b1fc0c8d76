"""Word lists shared by quotation extraction and speaker attribution.

Reporting verbs, titles, honorifics, name particles and the function words that
start sentences.  Plain data: English newsroom usage.  Everything is matched
case-insensitively on lower-cased tokens unless said otherwise.
"""

from __future__ import annotations

#: Reporting verbs (every inflection a news text uses).  ``INVERTING`` ones also
#: come before their subject ("…," said Khan); "told" never does.
_REPORTING_STEMS: dict[str, tuple[str, ...]] = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "add": ("add", "adds", "added", "adding"),
    "write": ("write", "writes", "wrote", "written", "writing"),
    "ask": ("ask", "asks", "asked", "asking"),
    "reply": ("reply", "replies", "replied", "replying"),
    "respond": ("respond", "responds", "responded"),
    "answer": ("answer", "answers", "answered"),
    "warn": ("warn", "warns", "warned", "warning"),
    "insist": ("insist", "insists", "insisted", "insisting"),
    "state": ("states", "stated", "stating"),
    "argue": ("argue", "argues", "argued", "arguing"),
    "explain": ("explain", "explains", "explained", "explaining"),
    "note": ("noted", "noting"),
    "continue": ("continued", "continues"),
    "declare": ("declare", "declares", "declared", "declaring"),
    "claim": ("claims", "claimed", "claiming"),
    "announce": ("announce", "announces", "announced"),
    "acknowledge": ("acknowledge", "acknowledges", "acknowledged"),
    "admit": ("admit", "admits", "admitted"),
    "concede": ("concede", "concedes", "conceded"),
    "confirm": ("confirm", "confirms", "confirmed"),
    "deny": ("denies", "denied"),
    "recall": ("recall", "recalls", "recalled"),
    "remark": ("remarked", "remarks"),
    "observe": ("observed", "observes"),
    "comment": ("commented",),
    "tweet": ("tweet", "tweets", "tweeted"),
    "post": ("posted",),
    "testify": ("testify", "testifies", "testified"),
    "shout": ("shout", "shouts", "shouted"),
    "urge": ("urge", "urges", "urged"),
    "promise": ("promised", "promises"),
    "vow": ("vow", "vows", "vowed"),
    "pledge": ("pledged", "pledges"),
    "suggest": ("suggest", "suggests", "suggested"),
    "complain": ("complain", "complains", "complained"),
    "conclude": ("conclude", "concludes", "concluded"),
    "predict": ("predicted", "predicts"),
    "assert": ("asserted", "asserts"),
    "maintain": ("maintained", "maintains"),
    "boast": ("boasted", "boasts"),
    "joke": ("joked", "jokes"),
    "recommend": ("recommends", "recommended"),
    "read": ("reads",),
    "reiterate": ("reiterated", "reiterates"),
    "repeat": ("repeated",),
    "stress": ("stressed", "stresses"),
    "emphasise": ("emphasised", "emphasized", "emphasises", "emphasizes"),
    "cry": ("cried",),
    "exclaim": ("exclaimed",),
    "murmur": ("murmured",),
    "whisper": ("whispered",),
    "mutter": ("muttered",),
    "report": ("reported", "reports"),
    "quote": ("quoted",),
}

REPORTING_VERBS: frozenset[str] = frozenset(
    form for forms in _REPORTING_STEMS.values() for form in forms
)

#: Verbs that may come before their subject: '"…," said the minister.'
INVERTING_VERBS: frozenset[str] = frozenset(
    {
        "said", "says", "added", "adds", "wrote", "writes", "asked", "asks", "replied",
        "answered", "warned", "insisted", "continued", "explained", "noted", "declared",
        "argued", "stated", "recalled", "observed", "remarked", "cried", "exclaimed",
        "concluded", "reads", "read", "whispered", "muttered", "murmured", "responded",
        "shouted", "conceded", "acknowledged", "admitted", "confirmed", "announced",
        "urged", "suggested", "predicted", "asserted", "boasted", "joked",
    }
)

#: Verbs that characterise rather than report: 'Khan called the plan "reckless"'.
#: They attribute a term quotation but do not make it speech.
CHARACTERISING_VERBS: frozenset[str] = frozenset(
    {
        "called", "calls", "calling", "described", "describes", "describing", "dubbed",
        "dubs", "labelled", "labeled", "labels", "termed", "terms", "branded", "brands",
        "characterised", "characterized", "referred", "refers", "named", "nicknamed",
    }
)

#: Words between a subject and its verb that are skipped ("Khan later said").
AUXILIARIES: frozenset[str] = frozenset(
    {
        "has", "had", "have", "was", "were", "is", "are", "be", "been", "would", "will",
        "could", "can", "may", "might", "should", "also", "later", "then", "again",
        "previously", "once", "repeatedly", "reportedly", "earlier", "further", "simply",
        "quickly", "flatly", "firmly", "angrily", "bluntly", "privately", "publicly",
        "separately", "recently", "subsequently", "quoted", "as", "to", "went",
        "on", "not", "never", "only", "just", "did", "does", "do", "even",
    }
)

#: Honorifics dropped from a speaker's name when a given name is present.
HONORIFICS: frozenset[str] = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord",
        "lady", "rev", "reverend", "hon", "sen", "rep", "gov", "gen", "col", "lt", "capt",
        "maj", "sgt", "cmdr", "adm", "insp", "det", "supt", "fr", "sheikh", "sheikha",
        "king", "queen", "prince", "princess", "pope", "rabbi", "imam", "father", "sister",
        "brother", "president", "senator", "representative", "congressman",
        "congresswoman", "governor", "mayor", "minister", "secretary", "general",
        "colonel", "lieutenant", "captain", "major", "sergeant", "commander", "admiral",
        "inspector", "detective", "superintendent", "judge", "justice", "chancellor",
        "ambassador", "commissioner", "chief", "director", "chairman", "chairwoman",
        "chair", "chairperson", "officer", "bishop", "archbishop", "cardinal", "premier",
        "councillor", "councilor", "deputy", "vice", "prime", "foreign", "home",
        "interior", "finance", "defence", "defense", "health", "education", "trade", "energy", "attorney", "acting", "executive", "sheriff", "marshal",
        "spokesman", "spokeswoman", "spokesperson", "speaker", "leader", "mp", "mep",
    }
)

#: Role nouns: the head of a title ("Foreign Minister", "the minister") used to
#: resolve "the minister" to the person named with that role before.
ROLE_NOUNS: frozenset[str] = frozenset(
    {
        "president", "senator", "representative", "congressman", "congresswoman",
        "governor", "mayor", "minister", "secretary", "general", "colonel", "judge",
        "justice", "chancellor", "ambassador", "commissioner", "chief", "director",
        "chairman", "chairwoman", "chair", "chairperson", "officer", "premier",
        "councillor", "councilor", "spokesman", "spokeswoman", "spokesperson", "leader",
        "official", "adviser", "advisor", "aide", "diplomat", "envoy", "negotiator",
        "lawmaker", "mp", "mep", "superintendent", "inspector", "detective", "sheriff",
        "attorney", "prosecutor", "lawyer", "economist", "analyst", "professor",
        "king", "queen", "prince", "princess", "pope", "bishop", "archbishop", "cardinal",
        "captain", "commander", "admiral", "sergeant", "lieutenant", "major", "founder",
        "executive", "ceo", "manager", "head", "deputy", "undersecretary", "auditor", "inspector-general", "whistleblower", "researcher", "author",
    }
)

MALE_TITLES: frozenset[str] = frozenset(
    {"mr", "sir", "lord", "king", "prince", "father", "brother", "congressman",
     "chairman", "spokesman", "sheikh", "fr"}
)
FEMALE_TITLES: frozenset[str] = frozenset(
    {"mrs", "ms", "miss", "dame", "lady", "queen", "princess", "sister", "congresswoman",
     "chairwoman", "spokeswoman", "sheikha"}
)

#: Lower-case particles inside names ("Ursula von der Leyen", "Omar al-Bashir").
NAME_PARTICLES: frozenset[str] = frozenset(
    {"al", "el", "bin", "bint", "ibn", "abu", "de", "da", "di", "du", "del", "della",
     "der", "den", "van", "von", "la", "le", "dos", "das", "do", "ter", "ten", "y", "st"}
)

#: Abbreviations whose period does not end a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "capt",
        "maj", "sgt", "cmdr", "adm", "insp", "det", "supt", "rev", "hon", "st", "jr", "sr",
        "fr", "mt", "no", "nos", "vs", "etc", "inc", "ltd", "co", "corp", "dept", "govt",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
        "dec", "approx", "e.g", "i.e", "u.s", "u.k", "u.n", "e.u", "p.m", "a.m", "ca",
    }
)

#: Capitalised words that are not names even when they start a name-like run.
NOT_NAMES: frozenset[str] = frozenset(
    {
        "the", "a", "an", "and", "but", "or", "nor", "so", "yet", "for", "in", "on", "at",
        "to", "of", "by", "with", "from", "as", "if", "when", "while", "after", "before",
        "since", "because", "although", "though", "however", "meanwhile", "moreover",
        "still", "then", "there", "here", "this", "that", "these", "those", "it", "its",
        "he", "she", "they", "we", "i", "you", "his", "her", "their", "our", "my", "your",
        "him", "them", "us", "me", "who", "what", "which", "where", "why", "how",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "according", "asked", "said",
        "one", "two", "three", "some", "many", "most", "all", "no", "not", "yes",
        "last", "next", "during", "under", "over", "about", "into", "across", "against",
        "among", "between", "through", "without", "within", "despite", "until", "unless",
        "instead", "both", "either", "neither", "each", "every", "another", "other",
        "such", "only", "also", "even", "just", "now", "today", "yesterday", "tomorrow",
        "later", "earlier", "once", "again", "speaking", "writing",
    }
)

#: Words that make a capitalised run an organisation or place, not a person.
ORG_WORDS: frozenset[str] = frozenset(
    {
        "ministry", "office", "department", "agency", "committee", "council", "party",
        "government", "bank", "union", "university", "news", "times", "post", "press",
        "corporation", "inc", "ltd", "group", "court", "parliament", "senate", "house",
        "commission", "service", "services", "police", "army", "navy", "force", "forces",
        "association", "institute", "foundation", "company", "street", "road", "square",
        "republic", "kingdom", "states", "nations", "organisation", "organization",
        "bureau", "authority", "board", "assembly", "congress", "cabinet", "embassy",
        "federation", "alliance", "network", "television", "radio", "daily", "journal",
        "review", "herald", "telegraph", "guardian", "tribune", "gazette", "centre",
        "center", "hospital", "school", "college", "club", "fund", "trust", "state",
        "city", "county", "province", "region", "treasury", "reuters", "airport",
        "secretariat", "tribunal", "directorate", "unit", "command",
    }
)

DETERMINERS: frozenset[str] = frozenset(
    {"the", "a", "an", "one", "another", "his", "her", "their", "its", "our", "this",
     "that", "two", "three", "several", "many", "some", "senior", "other"}
)

PRONOUNS: dict[str, str] = {
    "he": "m", "she": "f", "they": "n", "it": "n", "we": "n", "i": "n",
}

#: Words that end a subject noun phrase read backwards from its verb.
CLAUSE_BREAKS: frozenset[str] = frozenset(
    {"and", "but", "while", "as", "when", "because", "although", "though", "after",
     "before", "since", "that", "which", "who", "where", "if", "so", "than", "whereas",
     "whom", "whose", "until", "unless", "once", "yet"}
)

#: English function words: matching only these is no evidence a quotation is in a source.
STOPWORDS: frozenset[str] = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves shall may might must upon unto thee thou thy thine ye
    hath doth said say says one two us let""".split()
)
