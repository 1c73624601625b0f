"""Word tables for claimant attribution (:mod:`.claimant`, :mod:`.names`).

Kept apart from the rules so that adding a reporting verb or a job title is a one-line
change. Everything is lower-case; the rules compare lower-cased words.
"""

from __future__ import annotations


def split_words(text: str) -> list[str]:
    """The words of a table written as one string (one word list per paragraph of text)."""
    return text.split()


# Reporting verbs and verb phrases: "X <verb> ..." and "..., <verb> X" name a claimant.
# Longer phrases are tried first (see REPORTING_PHRASES).
REPORTING_VERBS = frozenset(
    split_words(
        """
        said says say told tells tell claimed claims claim warned warns warn insisted insists
        insist added adds accused accuses argued argues argue stated states announced announces
        explained explains noted notes wrote writes tweeted tweets posted alleged alleges allege
        declared declares asserted asserts maintained maintains maintain suggested suggests
        estimated estimates estimate predicted predicts predict reported reports confirmed
        confirms denied denies deny admitted admits acknowledged acknowledges stressed stresses
        emphasised emphasized cautioned concluded countered replied responded boasted complained
        complain conceded revealed disclosed promised promises pledged pledges vowed vows blamed
        blames repeated repeats disputed disputes dispute called calls issued issues found finds
        find showed shows show urged urges criticised criticized rejected rejects reject
        contended contends hinted observed forecast forecasts expects projected told testified
        recalled agreed agrees objected objects protested questioned challenged welcomed
        welcomes heard dismissed dismisses described describes
        """
    )
)
# Multi-word forms, matched before the single words ("was quoted as saying" is one verb).
REPORTING_PHRASES = (
    ("was", "quoted", "as", "saying"),
    ("were", "quoted", "as", "saying"),
    ("is", "quoted", "as", "saying"),
    ("pointed", "out"),
    ("points", "out"),
    ("pointed", "to"),
    ("points", "to"),
    ("point", "to"),
    ("went", "on", "to", "say"),
    ("made", "clear"),
)
# Words allowed between a subject and its verb: "France has already said", "she also
# told", "the ministry had previously claimed".
AUXILIARIES = frozenset(
    split_words(
        """
        has have had also already previously later then again repeatedly once would will
        publicly privately recently earlier further separately has've been did does do yesterday
        today now first initially subsequently
        """
    )
)
# "It was reported that ..." names nobody unless an agent follows ("... by X").
IMPERSONAL_VERBS = frozenset(
    split_words(
        """
        reported said claimed alleged understood suggested announced thought believed rumoured
        rumored feared expected estimated known
        """
    )
)

# Honorifics: part of how a person is addressed, neither their name nor their role.
HONORIFICS = frozenset(
    split_words(
        """
        mr mrs ms miss mx dr prof professor sir dame lord lady rev cllr mr. mrs. ms. dr. prof.
        """
    )
)
FEMALE_HONORIFICS = frozenset(["mrs", "ms", "miss", "dame", "lady", "mrs.", "ms."])
MALE_HONORIFICS = frozenset(["mr", "sir", "lord", "mr."])

# Words that head a job title: "Shadow Health Secretary Wes Tarrant" ends its role at
# "Secretary", the name follows. Lower-cased; abbreviations keep their full stop.
ROLE_HEADS = frozenset(
    split_words(
        """
        secretary minister chancellor president premier leader director manager chief executive
        officer spokesman spokeswoman spokesperson chair chairman chairwoman chairperson mayor
        governor gov gov. senator sen sen. rep rep. representative congressman congresswoman mp
        councillor councilor councilmember alderman assemblymember cllr
        councilman councilwoman commissioner inspector superintendent sergeant
        constable detective judge justice prosecutor barrister solicitor lawyer attorney coach
        captain striker goalkeeper defender midfielder forward analyst economist editor
        correspondent professor lecturer researcher scientist engineer adviser advisor
        consultant founder owner head deputy general colonel col col. capt capt. king queen
        prince princess pope bishop archbishop ambassador envoy diplomat treasurer auditor
        registrar dean principal headteacher headmaster teacher nurse doctor surgeon physician
        recorder magistrate coroner sheriff
        det insp supt sgt dci
        chef author
        resident witness neighbour neighbor parent mother father passenger driver shopper
        voter campaigner volunteer student patient survivor farmer landlord tenant
        """
    )
)
# Words that make a role but may be capitalised ("Shadow", "Foreign", "Deputy").
ROLE_MODIFIERS = frozenset(
    split_words(
        """
        shadow foreign home health defence defense education finance justice interior trade
        energy transport environment culture business treasury housing immigration culture vice
        deputy acting interim former assistant prime state first lead senior junior
        """
    )
)

# Organisation words: a capitalised name holding one of these is an organisation.
ORG_WORDS = frozenset(
    split_words(
        """
        department office ministry council association commission authority institute university
        college school agency service services trust union group foods ltd limited inc plc corp
        corporation company bank party committee police court organization organisation fund
        board society network alliance railway railways water airways airlines federation league
        club church hospital museum foundation centre center bureau administration government
        parliament assembly senate congress agency institution observatory monitor regulator
        treasury survey statistics nhs un eu who imf oecd opec nato wto europe research
        partnership coalition campaign charity press news times post radio tv power energy
        electric gas utilities media holdings partners capital systems technologies motors
        industries international airport port
        """
    )
)
# Common nouns that name the type of an organisation: "the company", "research firm Kantar".
ORG_TYPES = frozenset(
    split_words(
        """
        company firm group business retailer supermarket chain bank insurer airline charity
        union department ministry agency authority regulator council commission committee
        government administration party club league organisation organization institute
        university trust board service force watchdog opposition utility operator
        """
    )
)
# Types that can stand for each other ("supermarket group X" ... "the company").
ORG_TYPE_KIN = {
    "company": "company",
    "firm": "company",
    "group": "company",
    "business": "company",
    "retailer": "company",
    "supermarket": "company",
    "chain": "company",
    "utility": "company",
    "operator": "company",
    "organisation": "organisation",
    "organization": "organisation",
}

# What measures rather than speaks: "routine tests found E. coli" names no claimant (the
# body that ran them does, when the article says so: "the council's tests").
MEASUREMENT_NOUNS = frozenset(
    split_words(
        """
        test tests sample samples check checks inspection inspections scan scans reading
        readings measurement measurements result results
        """
    )
)

# Sources that "show" or "find": "NHS England data shows", "figures from Kantar".
DATA_NOUNS = frozenset(
    split_words(
        """
        data figures statistics study studies report survey research analysis papers poll review
        estimates numbers documents records
        """
    )
)

# Words that describe data rather than name its publisher: "Official figures show",
# "Police Scotland's own data shows" (the publisher is the possessor).
DATA_DESCRIPTIONS = frozenset(
    split_words(
        """
        official latest new recent provisional final annual monthly quarterly weekly own
        published unpublished internal leaked
        """
    )
)
# Times that may follow a claimant without being part of its name: "a report by the
# National Audit Office last year found ..."
TIME_WORDS = frozenset(
    split_words(
        """
        yesterday today tonight monday tuesday wednesday thursday friday saturday sunday
        """
    )
)
TIME_SPANS = frozenset(split_words("year week month spring summer autumn winter weekend"))
TIME_OPENERS = frozenset(split_words("last this next earlier on"))

# Plural nouns that make a group claimant: "Trade analysts estimated", "Police said".
GROUP_NOUNS = frozenset(
    split_words(
        """
        analysts economists experts scientists researchers doctors nurses critics officials
        residents campaigners activists police ministers mps lawmakers legislators senators
        teachers parents unions councils groups sources witnesses prosecutors investigators
        officers engineers observers diplomats leaders farmers businesses companies insiders
        academics statisticians forecasters regulators authorities opponents supporters
        operators
        """
    )
)

# Countries and capitals that act as claimants ("France has already said", "Beijing
# has pledged"): a small table of the ones news most often personifies.
PLACES = frozenset(
    split_words(
        """
        afghanistan albania algeria argentina australia austria bangladesh belgium brazil
        bulgaria canada chile china colombia croatia cuba cyprus denmark egypt estonia ethiopia
        finland france germany ghana greece hungary iceland india indonesia iran iraq ireland
        israel italy japan jordan kenya latvia lebanon libya lithuania luxembourg malaysia
        mexico morocco netherlands nigeria norway pakistan peru philippines poland portugal
        qatar romania russia rwanda senegal serbia singapore slovakia slovenia somalia spain
        sudan sweden switzerland syria taiwan tanzania thailand tunisia turkey uganda ukraine
        venezuela vietnam yemen zambia zimbabwe britain scotland wales beijing moscow washington
        brussels paris berlin london tokyo delhi kyiv kiev tehran ankara canberra ottawa
        brasilia nairobi pretoria seoul jerusalem cairo riyadh westminster whitehall downing
        """
    )
)

# Words that cannot begin a claimant however they are capitalised.
NOT_A_NAME = frozenset(
    split_words(
        """
        the a an but and in on at this that these those it he she they we i however meanwhile
        when while after before yesterday today last earlier later speaking asked then so yet
        still now also if as for of to with monday tuesday wednesday thursday friday saturday
        sunday there here what why how who which where one some many most all both each every no
        not nobody everyone someone photo picture image credit caption
        """
    )
)
# Determiners and possessives that open a described claimant ("the ministry", "its chief").
DETERMINERS = frozenset(
    ["the", "a", "an", "its", "his", "her", "their", "our", "your", "this", "that"]
)
# Lower-case words that end a subject when met going leftwards from the verb.
CLAUSE_BREAKS = frozenset(
    split_words(
        """
        that which who whom whose when while after before because since although though as if
        and but or so than then said says was were is are be been being has have had not also
        did does do will would could should may might must can
        """
    )
)
SUBJECT_PRONOUNS = frozenset(["he", "she", "it", "they", "we", "i"])
