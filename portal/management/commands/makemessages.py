"""Django's makemessages, with msgmerge's guesses off: a new string is left untranslated, never
filled with a "fuzzy" neighbour's translation (`make messages`, docs/translation.md)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
