"""{% menu "appeals" %}: the links of a menu the signed-in user may open (accounts.sections)."""

from django import template

from accounts import sections

register = template.Library()


@register.inclusion_tag("accounts/_menu.html", takes_context=True)
def menu(context, group: str, css_class: str = "subnav"):
    request = context.get("request")
    user = getattr(request, "user", None)
    items = sections.menu(user, group) if user is not None else []
    current = request.path if request is not None else ""
    links = []
    for item in items:
        url = item.url()
        links.append({"name": item.name, "label": item.label, "url": url, "active": url.split("?")[0] == current})
    return {
        "links": links,
        "group": group,
        "css_class": css_class,
        "unread_notices": context.get("unread_notices"),
    }
