"""The public "Report a result" form: a cluster manager tells the editors of an MoU, a mission,
an office or a roadmap. It becomes a Suggestion, never shown on a public page until an editor
turns it into an outcome.

Spam is kept out without JavaScript (docs/decisions.md): a field people do not see (a bot
fills it), a signed time the form was opened (a bot posts within a second; a form older than a
day is refused), a limit of posts per address and hour (the shared cache), length limits on
every field. What a visitor wrote is shown as text only, never as a live link.
"""

import re
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from core.review_mail import send_after_commit
from outcomes import types as outcome_types
from outcomes.models import Suggestion
from partnerships.models import Partnership

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")
_SIGNER = signing.TimestampSigner(salt="outcomes.suggestion.opened")
MAX_AGE_SECONDS = 24 * 3600
# The lists' empty choice. Django's own label (BLANK_CHOICE_LABEL, new in 6.1) is missing from its
# German catalogue and from most of the 24 languages'; marked here, the same text is in the portal's
# catalogues, which Django reads before its own, so the admin's lists show it translated too.
EMPTY_CHOICE = gettext_lazy("- Select an option -")


class SuggestionForm(forms.ModelForm):
    # Hidden from people by the page's style and labelled for screen readers; bots fill it.
    website = forms.CharField(
        required=False,
        label=gettext_lazy("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    opened = forms.CharField(widget=forms.HiddenInput)
    type = forms.ChoiceField(label=gettext_lazy("What happened"))
    date = forms.DateField(
        required=False,
        label=gettext_lazy("Date"),
        help_text=gettext_lazy("As YYYY-MM-DD, for example 2026-03-15."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Suggestion
        fields = ["partnership", "type", "title", "country", "date", "description", "name", "email"]
        labels = {"name": gettext_lazy("Your name"), "email": gettext_lazy("Your e-mail")}
        help_texts = {
            "email": gettext_lazy("We send you a confirmation and may ask you a question."),
            "description": gettext_lazy("Plain text, up to 2,000 characters; links stay text."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = Partnership.objects.published().order_by("name")
        self.fields["partnership"].empty_label = EMPTY_CHOICE
        self.fields["country"].empty_label = EMPTY_CHOICE
        self.fields["type"].choices = [
            (kind.value, kind.label)
            for kind in outcome_types.all_types()
            if kind.value in Suggestion.TYPES
        ]
        self.fields["description"].widget.attrs["maxlength"] = 2000
        if not self.is_bound:
            self.initial["opened"] = _SIGNER.sign(f"{time.time():.3f}")

    def too_fast_or_bot(self) -> str | None:
        """Why this post is a bot's (then nothing is stored and it gets a 400), or None."""
        if self.data.get("website"):
            return _("This form could not be sent. Leave the field “Leave this field empty” empty.")
        try:
            opened = float(_SIGNER.unsign(self.data.get("opened", ""), max_age=MAX_AGE_SECONDS))
        except signing.SignatureExpired:
            return _("The form was open for more than a day. Please send it again.")
        except (signing.BadSignature, ValueError):
            return _("This form could not be sent. Please reload the page and send it again.")
        if time.time() - opened < settings.SUGGESTION_MIN_SECONDS:
            return _(
                "The form was sent too quickly after it was opened. Please check it and send it again."
            )
        return None


def _over_the_limit(request: HttpRequest) -> bool:
    """Counts this address's post; True past SUGGESTIONS_PER_HOUR in the hour."""
    # The client's address as the login lockout reads it (behind TRUSTED_PROXY_COUNT proxies, from
    # X-Forwarded-For): REMOTE_ADDR alone would put every visitor behind the proxy in one count.
    address = import_string(settings.AXES_CLIENT_IP_CALLABLE)(request)
    key = f"suggestions:{address}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # Expired between add and incr.
        cache.set(key, 1, 3600)
        count = 1
    return count > settings.SUGGESTIONS_PER_HOUR


@never_cache
def report_result(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SuggestionForm(request.POST)
        refused = form.too_fast_or_bot()
        if refused:
            form = SuggestionForm(initial=_kept(request.POST))
            return _page(request, form, refused, status=400)
        if _over_the_limit(request):
            message = _("Too many reports from your address this hour. Please try again later.")
            return _page(request, SuggestionForm(initial=_kept(request.POST)), message, status=429)
        if not form.is_valid():
            return _page(request, form, _("Please correct the fields marked below."), status=400)
        with transaction.atomic():
            suggestion = form.save()
            send_after_commit(
                _("Thank you: your report reached the portal's editors"),
                _(
                    "Dear %(name)s,\n\nthank you for reporting “%(title)s” of %(partnership)s. "
                    "An editor will read it and may contact you; it is not public until they "
                    "publish it.\n"
                )
                % {
                    "name": suggestion.name,
                    "title": suggestion.title,
                    "partnership": suggestion.partnership,
                },
                [suggestion.email],
            )
        return render(request, "outcomes/report_result_thanks.html", {"suggestion": suggestion})
    initial = {}
    slug = request.GET.get("partnership", "")
    # Only a slug is looked up: a NUL or any other character no slug has never reaches the database.
    if SLUG.fullmatch(slug):
        partnership = Partnership.objects.published().filter(slug=slug[:200]).first()
        if partnership is not None:
            initial["partnership"] = partnership.pk
    return _page(request, SuggestionForm(initial=initial), None)


def _kept(data) -> dict:
    """What a refused visitor typed, to send again with a fresh time."""
    return {name: data.get(name, "") for name in SuggestionForm.Meta.fields}


def _page(request: HttpRequest, form, message, status=200) -> HttpResponse:
    context = {"form": form, "message": message, "list_url": reverse("outcomes:outcome-list")}
    return render(request, "outcomes/report_result.html", context, status=status)
