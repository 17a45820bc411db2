"""Deterministic generator of realistic synthetic resolutions with a known set of planted mandates.

Each document is a General Assembly, Human Rights Council or CCPCJ resolution (adopted text or
draft), in French or English, laid out as a PDF text extraction leaves it: hard line breaks,
end-of-line hyphenation of number words (« soixante-\\ndouzième »), footnote digits glued to
words, footnote blocks under a ``____`` rule, page headers with the symbol and "2/5" page
numbers, NBSP and U+2011, stray spaces (« l ’Assemblée »). The phrasings come from the bundled
samples (``samples/*.txt``, French) and the development set (``bench/devset/en``, English).

Operative paragraphs plant mandates (a report at a session in words, a review every N years from
a session, an observance day, a meeting on a date, a report in a year); the preamble and some
operative paragraphs carry decoys (dated citations, « jusqu'en 2017 », past events) that create
nothing. :func:`generate` is a pure function of ``(seed, index)``, so the corpus can be made
lazily, one document at a time, at any size; :func:`check` compares an
:class:`~tracker.analyse.Analysis` with the plan.

Run ``python -m bench.corpus N FOLDER [--seed S]`` to write N documents and ``plan.jsonl``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tracker.model import SourceText

NBSP = "\u00a0"
NB_HYPHEN = "\u2011"

# --- number words -------------------------------------------------------------------------

_FR_UNITS = (
    "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
    "seize dix-sept dix-huit dix-neuf"
).split()
_FR_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
_EN_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_EN_ORD = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}


def fr_cardinal(n: int) -> str:
    """French cardinal in words for 0 ≤ n < 100 (« soixante et onze », « quatre-vingt-deux »)."""
    if n < 20:
        return _FR_UNITS[n]
    if n < 70:
        tens, unit = divmod(n, 10)
        if unit == 0:
            return _FR_TENS[tens]
        return f"{_FR_TENS[tens]} et un" if unit == 1 else f"{_FR_TENS[tens]}-{_FR_UNITS[unit]}"
    if n < 80:
        return "soixante et onze" if n == 71 else f"soixante-{_FR_UNITS[n - 60]}"
    if n == 80:
        return "quatre-vingts"
    return f"quatre-vingt-{_FR_UNITS[n - 80]}"


def fr_ordinal(n: int) -> str:
    """French ordinal in words (« soixante-douzième », « quatre-vingtième »)."""
    words = fr_cardinal(n).removesuffix("s") if n == 80 else fr_cardinal(n)
    head, sep, last = words.rpartition("-") if " " not in words[-6:] else words.rpartition(" ")
    if last == "un":
        last = "unième"
    elif last == "cinq":
        last = "cinquième"
    elif last == "neuf":
        last = "neuvième"
    elif last.endswith("e"):
        last = last[:-1] + "ième"
    else:
        last += "ième"
    return head + sep + last


def en_ordinal(n: int) -> str:
    """English ordinal in words ("seventy-second", "sixtieth")."""
    if n < 20:
        word = _EN_UNITS[n]
        return _EN_ORD.get(word, word + "th")
    tens, unit = divmod(n, 10)
    if unit == 0:
        return _EN_TENS[tens][:-1] + "ieth"
    word = _EN_UNITS[unit]
    return f"{_EN_TENS[tens]}-{_EN_ORD.get(word, word + 'th')}"


_FR_MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()
_EN_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_FR_SMALL = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq"}
_EN_SMALL = {2: "two", 3: "three", 4: "four", 5: "five"}

# --- bodies and phrasings -----------------------------------------------------------------

TOPICS = {
    "fr": (
        "la protection de l’enfance",
        "la traite des personnes",
        "la prévention du crime et la justice pénale",
        "les droits de l’enfant dans l’espace numérique",
        "les mécanismes nationaux de mise en œuvre",
        "la coopération technique",
    ),
    "en": (
        "the protection of children",
        "trafficking in persons",
        "crime prevention and criminal justice",
        "the rights of the child in the digital environment",
        "national mechanisms for implementation",
        "technical cooperation",
    ),
}
BODY = {
    "GA": {
        "fr": ("Assemblée générale", "L’Assemblée générale,"),
        "en": ("General Assembly", "The General Assembly,"),
    },
    "HRC": {
        "fr": ("Conseil des droits de l’homme", "Le Conseil des droits de l’homme,"),
        "en": ("Human Rights Council", "The Human Rights Council,"),
    },
    "CCPCJ": {
        "fr": (
            "Commission pour la prévention du crime et la justice pénale",
            "La Commission pour la prévention du crime et la justice pénale,",
        ),
        "en": (
            "Commission on Crime Prevention and Criminal Justice",
            "The Commission on Crime Prevention and Criminal Justice,",
        ),
    },
}
ACTOR = {
    "GA": {"fr": "le Secrétaire général", "en": "the Secretary-General"},
    "HRC": {"fr": "le Haut-Commissariat", "en": "the Office of the High Commissioner"},
    "CCPCJ": {
        "fr": "l’Office des Nations Unies contre la drogue et le crime",
        "en": "the United Nations Office on Drugs and Crime",
    },
}


@dataclass(frozen=True)
class Planted:
    """One mandate the generator put in a document, as ``analyse`` should report it."""

    doc: str
    lang: str
    body: str
    para: str
    kind: str
    session: int | None = None
    year: int | None = None
    date: str | None = None
    recurring: bool = False


@dataclass(frozen=True)
class GeneratedDoc:
    """A generated resolution: its file name, text and planted mandates."""

    name: str
    text: str
    planted: tuple[Planted, ...]

    def source(self, folder: str = "corpus") -> SourceText:
        """The document as the loading stage would read it."""
        return SourceText(
            f"{folder}/{self.name}",
            self.text,
            "txt",
            hashlib.sha256(self.text.encode()).hexdigest(),
        )


@dataclass
class _Ctx:
    rng: random.Random
    lang: str
    body: str
    session: int
    year: int
    footnotes: list[str]

    def note(self, word: str) -> str:
        """``word`` with a footnote digit glued to it, the footnote text remembered."""
        self.footnotes.append(
            self.rng.choice(
                (
                    "Résolution 217 A (III)." if self.lang == "fr" else "Resolution 217 A (III).",
                    f"A/{self.session - 1}/{self.rng.randrange(100, 400)}.",
                    "Nations Unies, Recueil des Traités, vol. 1577, no 27531."
                    if self.lang == "fr"
                    else "United Nations, Treaty Series, vol. 1577, No. 27531.",
                )
            )
        )
        return f"{word}{len(self.footnotes)}"


def _session_words(ctx: _Ctx, n: int) -> str:
    return fr_ordinal(n) if ctx.lang == "fr" else en_ordinal(n)


def _day_month(ctx: _Ctx, day: int, month: int) -> str:
    sep = NBSP if ctx.rng.random() < 0.3 else " "
    if ctx.lang == "fr":
        return f"{'1er' if day == 1 else day}{sep}{_FR_MONTHS[month - 1]}"
    return f"{day}{sep}{_EN_MONTHS[month - 1]}"


BREAK = "\x00"  # where _wrap must end a line (a hyphenated number word split by the PDF)


def _maybe_nb_hyphen(ctx: _Ctx, words: str) -> str:
    """U+2011 in some number words, a forced end-of-line split after the hyphen in others."""
    roll = ctx.rng.random()
    if roll < 0.15:
        return words.replace("-", NB_HYPHEN)
    if roll < 0.6:
        return words.replace("-", "-" + BREAK, 1)
    return words


def _planted(ctx: _Ctx, doc: str, para: str, topic: str) -> tuple[str, Planted]:
    """One operative paragraph with one planted mandate."""
    rng, lang, body = ctx.rng, ctx.lang, ctx.body
    actor = ACTOR[body][lang]
    choices = ["session", "session", "recurrence", "year", "date"]
    if body == "GA":
        choices.append("observance")
    if body == "HRC":
        choices.append("oral")
    what = rng.choice(choices)
    later = ctx.session + rng.randint(1, 4)
    words = _maybe_nb_hyphen(ctx, _session_words(ctx, later))
    if what == "session":
        if lang == "fr":
            text = (
                f"Prie {actor} de lui présenter, à sa {words} session, un rapport sur "
                f"l’application de la présente résolution, notamment sur {topic} ;"
            )
        else:
            text = (
                f"Requests {actor} to submit to it at its {words} session a report on the "
                f"implementation of the present resolution, including on {topic};"
            )
        return text, Planted(doc, lang, body, para, "report", session=later)
    if what == "oral":
        if lang == "fr":
            text = (
                f"Prie {actor} de lui présenter oralement, à sa {words} session, une mise à "
                f"jour sur {topic} ;"
            )
        else:
            text = (
                f"Requests {actor} to present an oral update to it at its {words} session on "
                f"{topic};"
            )
        return text, Planted(doc, lang, body, para, "oral_update", session=later)
    if what == "recurrence":
        every = rng.randint(2, 5)
        if lang == "fr":
            text = (
                f"Décide d’examiner tous les {_FR_SMALL[every]} ans, dans la limite des ressources "
                f"existantes et à compter de sa {words} session, les progrès accomplis en matière "
                f"de {topic.split(' ', 1)[1]} ;"
            )
        else:
            text = (
                f"Decides to review every {_EN_SMALL[every]} years, within existing resources and "
                f"starting at its {words} session, the progress made on {topic};"
            )
        return text, Planted(doc, lang, body, para, "review", session=later, recurring=True)
    if what == "year":
        year = ctx.year + rng.randint(1, 5)
        if lang == "fr":
            text = (
                f"Prie {actor} de lui présenter en {year} un rapport sur {topic}, en tenant "
                f"compte des renseignements fournis par les États Membres ;"
            )
        else:
            text = (
                f"Requests {actor} to submit to it in {year} a report on {topic}, taking into "
                f"account the information provided by Member States;"
            )
        return text, Planted(doc, lang, body, para, "report", year=year)
    if what == "date":
        year = ctx.year + rng.randint(1, 3)
        month, day = rng.randint(1, 12), rng.randint(2, 28)
        when = f"{_day_month(ctx, day, month)} {year}"
        if lang == "fr":
            text = (
                f"Décide de convoquer, le {when}, une réunion de haut niveau consacrée à {topic}, "
                f"dans la limite des ressources existantes ;"
            )
        else:
            text = (
                f"Decides to convene a high-level meeting on {when} on {topic}, within existing "
                f"resources;"
            )
        date = f"{year}-{month:02d}-{day:02d}"
        return text, Planted(doc, lang, body, para, "meeting", year=year, date=date)
    month, day = rng.randint(1, 12), rng.randint(2, 28)
    start = ctx.year + 1
    if lang == "fr":
        text = (
            f"Décide de proclamer le {_day_month(ctx, day, month)} Journée internationale de "
            f"{topic.split(' ', 1)[1]}, journée qui sera célébrée chaque année à compter de "
            f"{start}, et invite tous les États Membres à célébrer la Journée ;"
        )
    else:
        text = (
            f"Decides to proclaim {_day_month(ctx, day, month)} the International Day of "
            f"{topic.split(' ', 1)[1]}, to be observed annually beginning in {start}, and "
            f"invites all Member States to observe the Day;"
        )
    return text, Planted(doc, lang, body, para, "observance", recurring=True)


def _filler(ctx: _Ctx, topic: str) -> str:
    """An operative paragraph that asks for nothing dated (some with a decoy)."""
    rng, lang = ctx.rng, ctx.lang
    past = ctx.year - rng.randint(2, 8)
    if lang == "fr":
        options = [
            f"Prend note avec satisfaction du rapport du {ctx.note('Secrétaire général')} ;",
            f"Engage les États Membres à renforcer {topic} et à dresser une liste des mesures "
            f"concrètes qu’ils prévoient de prendre jusqu’en {past + 1} ;",
            f"Rappelle la réunion plénière de haut niveau sur {topic}, tenue en {past}, et "
            f"réaffirme combien il importe que toutes les entités agissent dans le respect "
            f"total de leurs mandats respectifs ;",
            "Invite les États Membres et les autres donateurs à verser des contributions "
            "volontaires à ces fins, conformément aux règles de l ’Organisation ;",
        ]
    else:
        options = [
            f"Takes note with appreciation of the report of the {ctx.note('Secretary-General')};",
            f"Encourages Member States to strengthen {topic} and to draw up a list of the "
            f"concrete measures that they plan to take until {past + 1};",
            f"Recalls the high-level plenary meeting on {topic}, held in {past}, and reaffirms "
            f"the importance of all entities acting in full respect of their mandates;",
            "Invites Member States and other donors to make voluntary contributions for these "
            "purposes, in accordance with the rules of the Organization ;",
        ]
    return rng.choice(options)


_PREAMBLE_FR = (
    "Réaffirmant que l’intérêt supérieur de l’enfant, la non-discrimination, la participation et "
    "la survie et le développement sont les principes qui doivent encadrer toute action "
    "concernant {topic}, qu’elle soit menée par des États ou par toute entité compétente des "
    "Nations Unies,",
    "Saluant le rôle important que jouent le système des Nations Unies et toutes ses composantes "
    "concernées dans la promotion de {topic}, ainsi que leur action continue en ce sens, et "
    "saluant également le rôle majeur et la contribution de la société civile en la matière,",
    "Engageant tous les acteurs concernés à promouvoir le renforcement des capacités grâce à la "
    "coopération internationale, régionale, trilatérale et Sud-Sud en appui aux efforts "
    "nationaux dans le cadre de l’action en faveur de {topic},",
    "Soulignant qu’il importe, pour continuer à soutenir l’action menée par les États Membres, "
    "de renforcer encore la collaboration au sein du système des Nations Unies en matière de "
    "{topic}, et réaffirmant à cet égard le rôle important qu’elle-même continue de jouer,",
    "Profondément préoccupé par les effets néfastes immédiats et à long terme que les lacunes "
    "en matière de {topic} peuvent avoir sur la santé physique, psychologique et mentale des "
    "enfants,",
)
_PREAMBLE_EN = (
    "Reaffirming that the best interests of the child, non-discrimination, participation, "
    "survival and development are the principles that must guide all action concerning "
    "{topic}, whether undertaken by States or by any competent United Nations entity,",
    "Welcoming the important role played by the United Nations system and all its relevant "
    "components in promoting {topic}, and their continued efforts in that regard, and welcoming "
    "also the major role and contribution of civil society in this field,",
    "Encouraging all relevant actors to promote capacity-building through international, "
    "regional, triangular and South-South cooperation in support of national efforts on "
    "{topic},",
    "Stressing the importance, in order to continue to support the efforts of Member States, of "
    "further strengthening collaboration within the United Nations system on {topic}, and "
    "reaffirming in this regard its own important role,",
    "Deeply concerned about the immediate and long-term adverse effects that gaps in {topic} "
    "may have on the physical, psychological and mental health of children,",
)


def _preamble(ctx: _Ctx, topic: str) -> list[str]:
    rng, lang = ctx.rng, ctx.lang
    past = ctx.year - rng.randint(1, 6)
    day, month = rng.randint(2, 28), rng.randint(1, 12)
    res = f"{ctx.session - rng.randint(1, 5)}/{rng.randint(100, 250)}"
    if lang == "fr":
        out = [
            "Réaffirmant les buts et principes énoncés dans la Charte des Nations Unies,",
            "Réaffirmant également la "
            f"{ctx.note('Déclaration universelle des droits de l’homme')},",
            f"Rappelant sa résolution {res}, adoptée le {_day_month(ctx, day, month)} {past}, "
            f"dans laquelle elle a prié le Secrétaire général de lui présenter, à sa "
            f"{fr_ordinal(ctx.session - 1)} session, un rapport sur {topic},",
            f"Considérant que c’est à l’État qu’il incombe au premier chef de promouvoir "
            f"{topic}, et que celle -ci relève de la responsabilité de tous, y compris de "
            f"l ’Assemblée,",
        ]
    else:
        out = [
            "Reaffirming the purposes and principles of the Charter of the United Nations,",
            f"Recalling the {ctx.note('Universal Declaration of Human Rights')},",
            f"Recalling its resolution {res} of {_day_month(ctx, day, month)} {past}, in which it "
            f"requested the Secretary-General to submit to it at its "
            f"{en_ordinal(ctx.session - 1)} session a report on {topic},",
            f"Recognizing that States bear the primary responsibility for {topic}, and that "
            f"the Organization ’s role is to support them,",
        ]
    pool = _PREAMBLE_FR if lang == "fr" else _PREAMBLE_EN
    out += [p.format(topic=topic) for p in rng.choices(pool, k=rng.randint(3, 9))]
    rng.shuffle(out)
    return out


def _header(ctx: _Ctx, symbol: str, adopted: str, title: str) -> list[str]:
    lang, body = ctx.lang, ctx.body
    name = BODY[body][lang][0]
    if lang == "fr":
        return [
            f"Nations Unies {symbol}",
            "",
            "Assemblée générale" if body == "GA" else "Conseil économique et social",
            f"Distr. générale {adopted}",
            "",
            name if body != "GA" else "",
            f"{fr_ordinal(ctx.session).capitalize()} session",
            f"Point {ctx.rng.randint(10, 120)} de l’ordre du jour",
            "",
            f"Résolution adoptée par {'l’' if body == 'GA' else 'le '}{name} le {adopted}",
            "",
            f"{ctx.session}/{ctx.rng.randint(100, 250)}. {title}",
            "",
        ]
    return [
        f"United Nations {symbol}",
        "",
        "General Assembly" if body == "GA" else "Economic and Social Council",
        f"Distr.: General {adopted}",
        "",
        name if body != "GA" else "",
        f"{en_ordinal(ctx.session).capitalize()} session",
        f"Agenda item {ctx.rng.randint(10, 120)}",
        "",
        f"Resolution adopted by the {name} on {adopted}",
        "",
        f"{ctx.session}/{ctx.rng.randint(100, 250)}. {title}",
        "",
    ]


def _wrap(paragraph: str, width: int, first_indent: str) -> list[str]:
    """Hard line breaks as a PDF extraction leaves them; long hyphenated words split at a hyphen."""
    lines: list[str] = []
    line = first_indent
    for word in paragraph.split(" "):
        if BREAK in word:
            head, _, tail = word.partition(BREAK)
            lines.append(f"{line} {head}" if line.strip() else line + head)
            line = tail
            continue
        candidate = f"{line} {word}" if line.strip() else line + word
        if len(candidate) <= width or not line.strip():
            line = candidate
            continue
        if "-" in word:
            head, _, tail = word.partition("-")
            if len(line) + 1 + len(head) + 1 <= width:
                lines.append(f"{line} {head}-")
                line = tail
                continue
        lines.append(line + " ")
        line = word
    lines.append(line + " ")
    return lines


def generate(index: int, seed: int = 0) -> GeneratedDoc:
    """The ``index``-th document of the corpus of ``seed`` (a pure function of both)."""
    rng = random.Random(f"{seed}:{index}")
    lang = rng.choice(("fr", "en"))
    body = rng.choice(("GA", "GA", "HRC", "CCPCJ"))
    if body == "GA":
        session = rng.randint(68, 79)
        year = session + 1945
    elif body == "HRC":
        session = rng.randint(40, 57)
        year = 2006 + (session - 1) // 3
    else:
        session = rng.randint(27, 33)
        year = session + 1991
    ctx = _Ctx(rng, lang, body, session, year, [])
    number = rng.randint(1, 250)
    symbol = {
        "GA": f"A/RES/{session}/{number}",
        "HRC": f"A/HRC/RES/{session}/{number}",
        "CCPCJ": f"E/CN.15/{year}/L.{number % 20 + 1}",
    }[body]
    name = f"{index:06d}_{body}_{lang}.txt"
    month = {"GA": 12, "HRC": (session % 3) * 3 + 4, "CCPCJ": 5}[body]
    day = rng.randint(2, 20)
    adopted = (
        f"{day} {_FR_MONTHS[month - 1]} {year}"
        if lang == "fr"
        else f"{day} {_EN_MONTHS[month - 1]} {year}"
    )
    topic = rng.choice(TOPICS[lang])
    title = (
        f"Renforcement de la coopération internationale en matière de {topic.split(' ', 1)[1]}"
        if lang == "fr"
        else f"Strengthening international cooperation on {topic.split(' ', 1)[1]}"
    )
    paragraphs: list[tuple[str, str]] = [("", BODY[body][lang][1])]
    paragraphs += [("", p) for p in _preamble(ctx, topic)]
    planted: list[Planted] = []
    count = rng.randint(8, 16)
    mandate_slots = set(rng.sample(range(2, count + 1), k=min(count - 1, rng.randint(1, 3))))
    for k in range(1, count + 1):
        para_topic = rng.choice(TOPICS[lang])
        if k in mandate_slots:
            text, plan = _planted(ctx, name, str(k), para_topic)
            planted.append(plan)
        else:
            text = _filler(ctx, para_topic)
        paragraphs.append((str(k), f"{k}. {text}"))
    closing = (
        f"{rng.randint(40, 80)}e séance plénière"
        if lang == "fr"
        else f"{rng.randint(40, 80)}th plenary meeting"
    )
    text = _layout(ctx, symbol, _header(ctx, symbol, adopted, title), paragraphs, closing, adopted)
    return GeneratedDoc(name, text, tuple(planted))


def _layout(
    ctx: _Ctx,
    symbol: str,
    header: list[str],
    paragraphs: list[tuple[str, str]],
    closing: str,
    adopted: str,
) -> str:
    """Lay the paragraphs out on pages of 40 to 50 lines with headers and footnote blocks."""
    rng = ctx.rng
    width = rng.randint(78, 92)
    body_lines: list[str] = []
    for _, text in paragraphs:
        body_lines += _wrap(text, width, " ")
        body_lines.append(" ")
    body_lines += [" ", closing + " ", adopted + " "]
    page_size = rng.randint(40, 50)
    pages = [header + body_lines[:page_size]]
    rest = body_lines[page_size:]
    while rest:
        pages.append(rest[:page_size])
        rest = rest[page_size:]
    out: list[str] = []
    notes = list(enumerate(ctx.footnotes, start=1))
    job = f"{rng.randint(10, 25)}-{rng.randint(10000, 99999)}"
    per_page = max(1, -(-len(notes) // len(pages)))
    for number, page in enumerate(pages, start=1):
        if number > 1:  # as in the real extractions: symbol, job number, "2/5"
            out += [f"{symbol} ", "", job, f"{number}/{len(pages)} ", " "]
        out += page
        mine, notes = notes[:per_page], notes[per_page:]
        if mine:
            out += ["_______________ ", " "]
            out += [f"{n} {note} " for n, note in mine]
            out.append("")
    return "\n".join(out) + "\n"


def iter_corpus(count: int, seed: int = 0, start: int = 0) -> Iterator[GeneratedDoc]:
    """Documents ``start`` to ``start + count - 1`` of the corpus of ``seed``, made lazily."""
    for index in range(start, start + count):
        yield generate(index, seed)


def write_corpus(folder: Path, count: int, seed: int = 0) -> list[Planted]:
    """Write ``count`` documents and ``plan.jsonl`` to ``folder``; return the plan."""
    folder.mkdir(parents=True, exist_ok=True)
    plan: list[Planted] = []
    for doc in iter_corpus(count, seed):
        (folder / doc.name).write_text(doc.text, encoding="utf-8")
        plan += doc.planted
    with (folder.parent / f"{folder.name}.plan.jsonl").open("w", encoding="utf-8") as out:
        for item in plan:
            out.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
    return plan


def matches(plan: Planted, mandate: Any) -> bool:
    """Whether a :class:`~tracker.model.Mandate` is the planted one."""
    date = mandate.date.isoformat() if mandate.date else None
    return (
        mandate.paragraph == plan.para
        and str(mandate.kind) == plan.kind
        and mandate.session == plan.session
        and mandate.year == plan.year
        and date == plan.date
        and (mandate.recurrence is not None) == plan.recurring
    )


@dataclass(frozen=True)
class Check:
    """How an analysis compares with the plan of its document."""

    found: int
    missing: tuple[Planted, ...]
    unplanned: int


def check(doc: GeneratedDoc, mandates: list[Any]) -> Check:
    """Compare the mandates ``analyse`` found in ``doc`` with the ones planted in it."""
    missing = tuple(p for p in doc.planted if not any(matches(p, m) for m in mandates))
    unplanned = sum(1 for m in mandates if not any(matches(p, m) for p in doc.planted))
    return Check(len(doc.planted) - len(missing), missing, unplanned)


def main() -> None:
    """Write a corpus to a folder."""
    parser = argparse.ArgumentParser(description="Write a synthetic corpus and its plan.")
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    plan = write_corpus(args.folder, args.count, args.seed)
    print(f"{args.count} documents, {len(plan)} planted mandates in {args.folder}")


if __name__ == "__main__":
    main()
