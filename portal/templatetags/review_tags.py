from django import template

from portal.review import dashboard

register = template.Library()


@register.inclusion_tag("review/dashboard.html", takes_context=True)
def curator_dashboard(context) -> dict:
    """The admin home's lists: my drafts, waiting for review, recently published, recent changes."""
    return dashboard(context["request"])
