"""The portal's page types, for the accessibility, HTML and screenshot checks."""

from partnerships.models import Cluster

PUBLIC_PAGES = {
    "home": "/",
    "partnerships": "/partnerships/",
    "partnerships-filtered": "/partnerships/?sector=healthcare&target_country=JP",
    "partnerships-bad-filter": "/partnerships/?sector=nope&page=abc",
    "partnership": "/partnerships/escp-energy-in-water/",
    "project": "/partnerships/bioxclusters/",
    "outcomes": "/outcomes/?type=mou",
    "outcome": None,  # filled in by outcome_url()
    "sectors": "/sectors/",
    "sector": "/sectors/healthcare/",
    "countries": "/countries/",
    "country": "/countries/TN/",
    "clusters": "/clusters/",
    "cluster": "/clusters/aerospace-valley/",
    "report": "/reports/escp-overview/",
    "statistics": "/statistics/",
    "statistics-narrowed": "/statistics/?target_country=CN",
    "exports-help": "/about/exports/",
    "report-a-result": "/outcomes/report/?partnership=elca",
}

ADMIN_PAGES = {
    "admin-login": "/admin/login/",
    "admin-partnership": "/admin/partnerships/partnership/{elca}/change/",
    "admin-add-mou": "/admin/outcomes/mou/add/?partnership={elca}",
    "admin-outcomes": "/admin/outcomes/outcome/",
    "admin-import": "/admin/outcomes/outcome/import/",
    "admin-home": "/admin/",
    "admin-review-queue": "/admin/review/",
    "admin-suggestions": "/admin/outcomes/suggestion/",
}


def public_pages():
    """Every public page type, with the records the seed does not have (a named cluster)."""
    from outcomes.models import Outcome

    Cluster.objects.get_or_create(
        slug="aerospace-valley",
        defaults={
            "name": "Aerospace Valley",
            "country_id": "FR",
            "city": "Toulouse",
            "is_published": True,
        },
    )
    pages = dict(PUBLIC_PAGES)
    pages["outcome"] = Outcome.objects.get(
        source_locator="bioxclusters/office-cn-1"
    ).get_absolute_url()
    return pages
