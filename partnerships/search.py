"""Search words that name a place or a sector: ``q=ICT Brazil``, ``q=north africa``.

A visitor who types a country, a region or a sector means the partnerships related to it, not
only those whose name or description holds the word. ``read`` splits a search into such
*meanings* (each with the filter it stands for, so the page can offer that filter) and the words
left, which still match text. Names match whole words, in any case and without accents
("cote d'ivoire", "TÜRKIYE"); ISO codes (BR, USA, UK) only when every word of the search names
something, since short codes are also common words ("in", "us", "can").

It knows no model: the names come from the filters' options (``partnerships.filters``).
"""

import re
import unicodedata
from dataclasses import dataclass

from core.country_codes import normalise_country_code

# The filters a meaning stands for, in the order a page offers them.
WORKS_WITH, TARGET_REGION, SECTOR = "works_with", "target_region", "sector"
# Regions are named with or without this last word: "Baltic Sea" is the "Baltic Sea Region".
OPTIONAL_LAST_WORDS = ("region",)


@dataclass(frozen=True)
class Meaning:
    """Words of a search that name a filter's value: ``brazil`` is target_country=BR."""

    filter: str
    value: str
    label: str
    words: str


@dataclass(frozen=True)
class ReadSearch:
    meanings: tuple[Meaning, ...]
    # The words that name nothing, each to be found in the text.
    words: tuple[str, ...]

    def values(self, filter_name: str) -> list[str]:
        return [meaning.value for meaning in self.meanings if meaning.filter == filter_name]


def folded(text: str) -> tuple[str, ...]:
    """The words of ``text`` without case or accents: "Côte d'Ivoire" is ("cote", "d", "ivoire")."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return tuple(re.findall(r"\w+", plain.casefold()))


def vocabulary(choices: dict[str, list[tuple[str, str]]]) -> dict[tuple[str, ...], tuple]:
    """Each name's words, to (filter, value, label), from the filters' options:
    ``{"country": [("BR", "Brazil")], "region": [...], "sector": [...]}``."""
    names = {}
    for filter_name, options in (
        (SECTOR, choices.get("sector", [])),
        (TARGET_REGION, choices.get("region", [])),
        (WORKS_WITH, choices.get("country", [])),
    ):
        for value, label in options:
            words = folded(label)
            if not words:
                continue
            names.setdefault(words, (filter_name, value, label))
            if len(words) > 1 and words[-1] in OPTIONAL_LAST_WORDS:
                names.setdefault(words[:-1], (filter_name, value, label))
    return names


def read(text: str, names: dict[tuple[str, ...], tuple], labels: dict[str, str]) -> ReadSearch:
    """``text`` as meanings and words left: the longest names first, from left to right.

    ``labels`` gives a country's name by its code, for the codes.
    """
    words = folded(text)
    longest = max((len(name) for name in names), default=0)
    meanings, left = [], []  # left: words, and codes as (word, meaning) until all is read
    position = 0
    while position < len(words):
        for size in range(min(longest, len(words) - position), 0, -1):
            found = names.get(words[position : position + size])
            if found:
                meanings.append(Meaning(*found, " ".join(words[position : position + size])))
                position += size
                break
        else:
            word = words[position]
            code = normalise_country_code(word) if len(word) in (2, 3) else None
            left.append(
                (word, Meaning(WORKS_WITH, code, labels[code], word))
                if code in labels
                else (word, None)
            )
            position += 1
    if all(meaning for _, meaning in left):
        meanings += [meaning for _, meaning in left]
        left = []
    # Otherwise a code among other words is taken as a word: "lighting in china" is not about India.
    unique = {}
    for meaning in meanings:
        unique.setdefault((meaning.filter, meaning.value), meaning)
    return ReadSearch(tuple(unique.values()), tuple(dict.fromkeys(word for word, _ in left)))
