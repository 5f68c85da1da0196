"""How to cite a page of the portal: its permanent address (the page's canonical state, see
portal/page_cache.py) and a citation line in plain text, BibTeX and CSL-JSON, so that a figure in
a report can be traced back to the selection it came from."""

import datetime
import json
import re
from dataclasses import dataclass

from django.utils.translation import gettext


@dataclass(frozen=True)
class Citation:
    title: str
    publisher: str  # the portal's name
    address: str
    accessed: datetime.date
    as_of: datetime.date | None

    def text(self) -> str:
        line = gettext("%(title)s. %(publisher)s. %(address)s (accessed %(accessed)s).") % {
            "title": self.title,
            "publisher": self.publisher,
            "address": self.address,
            "accessed": self.accessed.isoformat(),
        }
        if self.as_of:
            line += " " + gettext("Data as of %(as_of)s.") % {"as_of": self.as_of.isoformat()}
        return line

    def key(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")[:40] + (
            f"-{self.accessed:%Y%m%d}"
        )

    def bibtex(self) -> str:
        def braced(text: str) -> str:
            return "{" + re.sub(r"([{}\\&%$#_])", r"\\\1", text) + "}"

        note = gettext("Accessed %(accessed)s") % {"accessed": self.accessed.isoformat()}
        if self.as_of:
            note += "; " + gettext("data as of %(as_of)s") % {"as_of": self.as_of.isoformat()}
        fields = {
            "title": braced(self.title),
            "publisher": braced(self.publisher),
            "howpublished": "{\\url{" + self.address.replace("}", "%7D") + "}}",
            "url": "{" + self.address.replace("}", "%7D") + "}",
            "urldate": "{" + self.accessed.isoformat() + "}",
            "year": "{" + str((self.as_of or self.accessed).year) + "}",
            "note": braced(note),
        }
        body = ",\n".join(f"  {name} = {value}" for name, value in fields.items())
        return f"@misc{{{self.key()},\n{body}\n}}\n"

    def csl_json(self) -> str:
        def parts(day: datetime.date) -> dict:
            return {"date-parts": [[day.year, day.month, day.day]]}

        item = {
            "id": self.key(),
            "type": "dataset",
            "title": self.title,
            "publisher": self.publisher,
            "URL": self.address,
            "accessed": parts(self.accessed),
        }
        if self.as_of:
            item["issued"] = parts(self.as_of)
        return json.dumps([item], ensure_ascii=False, indent=2)
