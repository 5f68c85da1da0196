"""What the portal adds to every admin page, its own and the libraries' (axes, otp, auth).

Imported by the admin's autodiscovery in INSTALLED_APPS order: "portal" comes last, so every other
app's admin is registered by now.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views import main
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.review import review_urls


class ChangeList(main.ChangeList):
    """Django's, with a date-hierarchy year it cannot hold refused like any other bad filter.

    Django turns ?date__year=abc into its "incorrect parameters" answer, but lets through a year
    past datetime's (OverflowError, or ValueError for the year after 9999) as a 500.
    """

    def get_filters(self, request: HttpRequest) -> tuple:
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


def _guarded_changelist(request: HttpRequest, **kwargs):
    return ChangeList


for _model_admin in admin.site._registry.values():
    # Only where the admin uses Django's own changelist; one of its own would be left as it is.
    if type(_model_admin).get_changelist is admin.ModelAdmin.get_changelist:
        _model_admin.get_changelist = _guarded_changelist


# The curation admin's name on every page, the login and password pages included.
admin.site.site_header = _("EU Cluster Portal — curation")
admin.site.site_title = _("EU Cluster Portal — curation")
admin.site.index_title = _("EU Cluster Portal — curation")

# The review queue and its decisions (portal/review.py), before the site's own URLs: its
# catch-all app index would take "review/" for an app's name.
_site_urls = admin.site.get_urls
admin.site.get_urls = lambda: [*review_urls(), *_site_urls()]
admin.site.index_template = "admin/portal_index.html"
